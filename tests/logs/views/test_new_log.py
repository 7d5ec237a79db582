"""The log pages through the Django test client: new log (R-LOG-01, R-LOG-02, R-LOG-04).

Each test names the requirement it proves. The services' own rules are in tests/logs/services/;
here the point is that the pages carry them to the person: the error next to the field,
nothing typed lost (R-GEN-04), the confirmation message, the 403 that says why.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from logs.models import Child, Consent, Log
from tests.factories import (
    VALID_NATIONAL_ID,
    make_pdf,
)
from tests.logs.views.helpers import (
    CREATE,
    INVALID_CHOICE,
    INVALID_NATIONAL_ID,
    SPACED_NATIONAL_ID,
    concern_url,
    detail_url,
    field_error,
    in_days,
    login,
    national_id_maxlength,
    new_log_data,
    page,
)

# --- new log (R-LOG-01, R-LOG-02, R-LOG-04) -------------------------------------------------


def test_new_log_page_creates_the_log_and_opens_it_R_LOG_01_R_LOG_04_R_LOG_02(client, holder, unit):
    login(client, holder)

    response = client.post(CREATE, new_log_data(unit))

    log = Log.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(log)
    assert log.holder == holder
    assert log.unit == unit
    assert log.child.full_name == "Sara Stafett"
    assert log.child.national_id == VALID_NATIONAL_ID
    assert sorted(log.guardians.values_list("first_name", flat=True)) == ["Geir", "Gunn"]
    consent = Consent.objects.get(log=log)
    assert consent.valid_until == in_days(365)
    assert consent.file.read() == make_pdf()
    consent.file.close()


def test_new_log_page_confirms_the_save_on_the_log_page_R_LOG_01_R_GEN_04(client, holder, unit):
    login(client, holder)

    response = client.post(CREATE, new_log_data(unit), follow=True)

    assert response.redirect_chain[-1][0] == detail_url(Log.objects.get())
    assert "Stafettloggen er opprettet." in page(response)


def test_new_log_page_without_a_consent_creates_the_log_R_LOG_01_R_LOG_02(client, holder, unit):
    login(client, holder)

    response = client.post(CREATE, new_log_data(unit, consent=False))

    assert response.status_code == 302
    assert Log.objects.get().consents.count() == 0


def test_new_log_page_with_an_invalid_national_id_keeps_everything_typed_R_LOG_01_R_GEN_04(
    client, holder, unit
):
    login(client, holder)

    response = client.post(CREATE, new_log_data(unit, **{"child-national_id": INVALID_NATIONAL_ID}))

    assert response.status_code == 200
    html = page(response)
    assert "Ugyldig fødselsnummer" in field_error(html, "id_child-national_id")
    for typed in (
        INVALID_NATIONAL_ID,
        "Sara",
        "Stafett",
        "Skoleveien 1",
        "0150",
        "Oslo",
        "Gunn",
        "Geir",
        "912 34 567",
        "913 45 678",
        "geir@example.no",
        in_days(365).isoformat(),
    ):
        assert f'value="{typed}"' in html, typed
    assert not Log.objects.exists()
    assert not Child.objects.exists()


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/logger/ny/", "child-national_id"),
        ("child_edit", "child-national_id"),
        ("/aktorer/ny/", "national_id"),
        ("concern_create", "new_actor-national_id"),
        ("meeting_create", "new_actor-national_id"),
    ],
)
def test_every_national_id_field_takes_the_spaced_form_ddmmyy_nnnnn_R_LOG_01_R_MEET_03(
    client, holder, log, url, name
):
    """Issue 7, item 13: maxlength=11 cut «DDMMYY NNNNN» off in the browser on the child's
    pages; the actor fields (already right) are checked too, so that none falls behind."""
    urls = {
        "child_edit": f"/logger/{log.pk}/barn/",
        "concern_create": concern_url(log),
        "meeting_create": f"/moter/ny/logg/{log.pk}/",
    }
    login(client, holder)

    html = page(client.get(urls.get(url, url)))

    assert national_id_maxlength(html, name) >= len(SPACED_NATIONAL_ID)


def test_new_log_page_without_a_guardian_shows_the_guardian_count_message_R_LOG_04(
    client, holder, unit
):
    login(client, holder)

    response = client.post(CREATE, new_log_data(unit, guardians=0, consent=False))

    assert response.status_code == 200
    assert "En logg skal ha minst én og høyst fire foresatte." in page(response)
    assert 'value="Sara"' in page(response)
    assert not Log.objects.exists()


def test_new_log_page_with_a_bad_guardian_phone_shows_it_at_that_guardian_R_LOG_04_R_GEN_04(
    client, holder, unit
):
    login(client, holder)

    response = client.post(CREATE, new_log_data(unit, **{"guardian-1-phone": "ring meg"}))

    assert response.status_code == 200
    html = page(response)
    assert "gyldig telefonnummer" in field_error(html, "id_guardian-1-phone")
    assert not field_error(html, "id_guardian-0-phone")
    assert 'value="ring meg"' in html
    assert not Log.objects.exists()


def test_new_log_page_with_five_guardians_is_refused_R_LOG_04(client, holder, unit):
    login(client, holder)
    data = new_log_data(unit, consent=False)
    data["guardian-TOTAL_FORMS"] = "5"
    for key in [k for k in data if k.startswith("guardian-0-")]:
        for i in (2, 3, 4):
            data[key.replace("guardian-0-", f"guardian-{i}-")] = data[key]

    response = client.post(CREATE, data)

    assert response.status_code == 200
    assert "maks 4" in page(response)
    assert not Log.objects.exists()


def test_new_log_page_with_a_text_file_as_consent_refuses_it_at_the_file_field_R_LOG_02(
    client, holder, unit
):
    login(client, holder)
    text_file = SimpleUploadedFile(
        "samtykke.pdf", b"Samtykke: ja, vi samtykker.\n", content_type="application/pdf"
    )

    response = client.post(CREATE, new_log_data(unit, **{"consent-file": text_file}))

    assert response.status_code == 200
    html = page(response)
    assert "Filen er ikke en PDF" in field_error(html, "id_consent-file")
    assert "velge samtykkefilen på nytt" in html
    assert 'value="Sara"' in html
    assert not Log.objects.exists()
    assert not Child.objects.exists()
    assert not Consent.objects.exists()


def test_new_log_page_with_a_consent_valid_until_the_past_is_refused_R_LOG_02(client, holder, unit):
    login(client, holder)
    yesterday = in_days(-1).isoformat()

    response = client.post(CREATE, new_log_data(unit, **{"consent-valid_until": yesterday}))

    assert response.status_code == 200
    html = page(response)
    assert "Samtykket er allerede utløpt" in field_error(html, "id_consent-valid_until")
    assert f'value="{yesterday}"' in html
    assert not Log.objects.exists()


def test_new_log_page_with_a_consent_but_no_validity_date_asks_for_it_R_LOG_02(
    client, holder, unit
):
    login(client, holder)

    response = client.post(CREATE, new_log_data(unit, **{"consent-valid_until": ""}))

    assert response.status_code == 200
    assert "Fyll inn hvor lenge samtykket gjelder." in field_error(
        page(response), "id_consent-valid_until"
    )
    assert not Log.objects.exists()


def test_new_log_page_with_a_unit_the_holder_is_not_in_creates_nothing_R_LOG_01(
    client, holder, unit, holder_other_unit, other_unit
):
    """Bad input rule: a tampered unit id is refused by the form, never a 500."""
    login(client, holder)

    response = client.post(CREATE, new_log_data(unit) | {"unit": str(other_unit.pk)})

    assert response.status_code == 200
    assert not Log.objects.exists()
    assert not Child.objects.exists()


def test_new_log_page_with_a_unit_the_holder_is_not_in_says_why_R_LOG_01_R_GEN_04(
    client, holder, unit, holder_other_unit, other_unit
):
    login(client, holder)

    response = client.post(CREATE, new_log_data(unit) | {"unit": str(other_unit.pk)})

    assert INVALID_CHOICE in page(response)
