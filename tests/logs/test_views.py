"""The log pages through the Django test client: what a person types, sees and is told.

Each test names the requirement it proves. The services' own rules are in test_services.py;
here the point is that the pages carry them to the person: the error next to the field,
nothing typed lost (R-GEN-04), the confirmation message, the 403 that says why.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audit.models import AuditEvent
from logs.enums import ConcernStatus, Level, LogStatus, MeasureStatus, Outcome
from logs.models import Child, Concern, Consent, Evaluation, Glimpse, Log, Measure
from logs.services import (
    close_concern,
    create_glimpse,
    evaluate_measure,
    set_level,
    update_child,
    update_concern,
    upload_consent,
)
from organisations.enums import Role
from organisations.models import ConcernCategory, MeasureCategory, Membership
from tests.factories import (
    VALID_NATIONAL_ID,
    MunicipalityFactory,
    concern_category,
    make_concern,
    make_pdf,
    measure_category,
    pdf_upload,
)

INVALID_NATIONAL_ID = "12345678901"
CONFLICT = "Noen andre har endret dette"
INVALID_CHOICE = "Velg et gyldig valg"

# --- helpers --------------------------------------------------------------------------------


def today():
    return timezone.localdate()


def in_days(days: int):
    return today() + timedelta(days=days)


def login(client, user, role: str | None = None):
    client.force_login(user)
    if role:
        session = client.session
        session["active_role"] = role
        session.save()


def page(response) -> str:
    return response.content.decode()


def field_error(html: str, field_id: str) -> str:
    """The error text rendered next to one field (templates/forms/field.html)."""
    match = re.search(rf'<div id="{re.escape(field_id)}_error">(.*?)</div>', html, re.S)
    return match.group(1) if match else ""


def textarea(html: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, f"no textarea {name}"
    return match.group(1).strip()


def section(html: str, section_id: str) -> str:
    match = re.search(rf'<section id="{re.escape(section_id)}".*?</section>', html, re.S)
    return match.group(0) if match else ""


def reload(obj):
    obj.refresh_from_db()
    return obj


def detail_url(log) -> str:
    return f"/logger/{log.pk}/"


# --- new log (R-LOG-01, R-LOG-02, R-LOG-04) -------------------------------------------------

CREATE = "/logger/ny/"


def new_log_data(unit, *, guardians: int = 2, consent=True, **changes) -> dict:
    data = {
        "unit": str(unit.pk),
        "kind": "child",
        "level": "1",
        "child-first_name": "Sara",
        "child-last_name": "Stafett",
        "child-national_id": VALID_NATIONAL_ID,
        "child-birth_date": "",
        "child-address": "Skoleveien 1",
        "child-postcode": "0150",
        "child-place": "Oslo",
        "child-email": "",
        "guardian-TOTAL_FORMS": "4",
        "guardian-INITIAL_FORMS": "0",
        "guardian-MIN_NUM_FORMS": "0",
        "guardian-MAX_NUM_FORMS": "4",
        "consent-given_by": "guardians",
    }
    names = [("Gunn", "912 34 567"), ("Geir", "913 45 678")]
    for i, (first_name, phone) in enumerate(names[:guardians]):
        data |= {
            f"guardian-{i}-first_name": first_name,
            f"guardian-{i}-last_name": "Foresatt",
            f"guardian-{i}-phone": phone,
            f"guardian-{i}-email": f"{first_name.lower()}@example.no",
            f"guardian-{i}-address": "Skoleveien 1",
            f"guardian-{i}-postcode": "0150",
            f"guardian-{i}-place": "Oslo",
        }
    if consent:
        data["consent-file"] = pdf_upload()
        data["consent-valid_until"] = in_days(365).isoformat()
    data.update(changes)
    return data


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


SPACED_NATIONAL_ID = f"{VALID_NATIONAL_ID[:6]} {VALID_NATIONAL_ID[6:]}"


def national_id_maxlength(html: str, name: str) -> int:
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    assert tag is not None, f"no input {name}"
    maxlength = re.search(r'maxlength="(\d+)"', tag.group(0))
    assert maxlength is not None, f"input {name} has no maxlength"
    return int(maxlength.group(1))


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


# --- a concern and its first measure (R-CONC-01, R-LOG-03) ----------------------------------


def concern_url(log) -> str:
    return f"/logger/{log.pk}/oppmerksomheter/ny/"


def concern_data(log, *, actors=(), **changes) -> dict:
    municipality = log.unit.municipality
    data = {
        "description": "Trekker seg unna i friminuttene",
        "category": str(concern_category(municipality).pk),
        "goal": "Trives sammen med andre",
        "child_voice": "Jeg vil ha en venn",
        "measure-category": str(measure_category(municipality).pk),
        "measure-description": "Samtaler med helsesykepleier",
        "measure-deadline": in_days(30).isoformat(),
        "measure-actors": [str(a.pk) for a in actors],
    }
    data.update(changes)
    return data


def new_actor_data(unit, **changes) -> dict:
    data = {
        "new_actor-first_name": "Nina",
        "new_actor-last_name": "Ny",
        "new_actor-email": "nina.ny@example.no",
        "new_actor-phone": "",
        "new_actor-unit": str(unit.pk),
        "new_actor-national_id": VALID_NATIONAL_ID,
    }
    data.update(changes)
    return data


def test_new_concern_page_creates_the_concern_and_its_first_measure_R_CONC_01(
    client, holder, log, actor
):
    login(client, holder)

    response = client.post(concern_url(log), concern_data(log, actors=[actor]), follow=True)

    concern = Concern.objects.get(log=log)
    measure = concern.measures.get()
    assert response.redirect_chain[-1][0] == detail_url(log)
    assert "Ny oppmerksomhet med tiltak er lagt til." in page(response)
    assert concern.description == "Trekker seg unna i friminuttene"
    assert list(measure.actors.all()) == [actor]


@pytest.mark.parametrize("bad", ["foreign", "999999", "abc"])
def test_a_concern_category_from_another_municipality_is_a_field_error_not_a_500_R_CONC_01(
    client, holder, log, bad
):
    """Bad input rule: ids in form fields are limited to the log's municipality."""
    login(client, holder)
    if bad == "foreign":
        bad = str(ConcernCategory.objects.create(municipality=MunicipalityFactory(), name="X").pk)

    response = client.post(concern_url(log), concern_data(log, category=bad))

    assert response.status_code == 200
    assert INVALID_CHOICE in field_error(page(response), "id_category")
    assert not Concern.objects.exists()
    assert not Measure.objects.exists()


def test_a_measure_category_from_another_municipality_is_a_field_error_R_CONC_01(
    client, holder, log
):
    login(client, holder)
    foreign = MeasureCategory.objects.create(municipality=MunicipalityFactory(), name="X")

    response = client.post(
        concern_url(log), concern_data(log, **{"measure-category": str(foreign.pk)})
    )

    assert response.status_code == 200
    assert INVALID_CHOICE in field_error(page(response), "id_measure-category")
    assert not Concern.objects.exists()


@pytest.mark.parametrize("bad", ["foreign", "999999", "abc"])
def test_a_measure_actor_from_another_municipality_is_a_field_error_not_a_500_R_CONC_01(
    client, holder, log, actor_other_municipality, bad
):
    """Bad input rule: an actor id from another municipality is not a choice at all."""
    login(client, holder)
    if bad == "foreign":
        bad = str(actor_other_municipality.pk)

    response = client.post(concern_url(log), concern_data(log, **{"measure-actors": [bad]}))

    assert response.status_code == 200
    html = page(response)
    error = field_error(html, "id_measure-actors")
    expected = (
        "Velg aktører fra søket." if bad == "abc" else "finnes ikke blant aktørene i kommunen"
    )
    assert expected in error
    assert "Anne Fjern" not in html
    assert not Concern.objects.exists()
    assert not Measure.objects.exists()


def search_data(log, query: str, **changes) -> dict:
    """The concern form sent with the «Søk» button of its actor picker, as without
    JavaScript (R-MEET-04, R-GEN-04)."""
    return concern_data(log, **changes) | {"measure-actors_q": query, "actor_search": "x"}


def test_the_actor_from_another_municipality_is_not_even_found_R_CONC_01(
    client, holder, log, actor_other_municipality, actor_other_unit
):
    login(client, holder)

    html = page(client.post(concern_url(log), search_data(log, "*")))

    assert "Petra PPT (Testbarnehagen)" in html
    assert "Anne Fjern" not in html


def test_the_concern_form_lists_only_chosen_actors_never_the_municipality_R_CONC_01(
    client, holder, log, actor, actor_other_unit
):
    """At a city's size the municipality has thousands of actors: none is listed unasked."""
    login(client, holder)

    html = page(client.get(concern_url(log)))

    assert "Anders Aktør" not in html
    assert "Petra PPT" not in html
    assert 'name="measure-actors_q"' in html


def test_the_search_button_in_the_concern_form_keeps_what_was_typed_R_GEN_04_R_MEET_04(
    client, holder, log, actor, actor_other_unit
):
    login(client, holder)
    data = search_data(log, "petra", actors=[actor], description="Min egen tekst", goal="") | {
        "new_actor-first_name": "Nina"
    }

    response = client.post(concern_url(log), data)

    html = page(response)
    assert response.status_code == 200
    assert textarea(html, "description") == "Min egen tekst"
    assert textarea(html, "measure-description") == "Samtaler med helsesykepleier"
    assert 'value="Nina"' in html
    assert re.search(rf'value="{actor.pk}"[^>]*checked', html)
    assert "Petra PPT (Testbarnehagen)" in html
    assert not re.search(rf'value="{actor_other_unit.pk}"[^>]*checked', html)
    assert not field_error(html, "id_goal")
    assert not field_error(html, "id_new_actor-last_name")
    assert not Concern.objects.exists()
    assert not get_user_model().objects.filter(first_name="Nina").exists()


def test_at_level_1_an_actor_from_another_unit_is_refused_next_to_the_actors_R_LOG_03_R_CONC_01(
    client, holder, log, actor_other_unit
):
    login(client, holder)
    data = concern_data(log, actors=[actor_other_unit], description="Min egen tekst om språket")

    response = client.post(concern_url(log), data)

    assert response.status_code == 200
    html = page(response)
    assert "På nivå 1 kan bare aktører fra egen virksomhet velges." in field_error(
        html, "id_measure-actors"
    )
    assert textarea(html, "description") == "Min egen tekst om språket"
    assert textarea(html, "measure-description") == "Samtaler med helsesykepleier"
    assert not Concern.objects.exists()

    # Raising the level on the log page lets the very same post through.
    client.post(f"/logger/{log.pk}/niva/", {"level": "2", "version": str(reload(log).version)})
    assert reload(log).level == Level.TWO

    response = client.post(concern_url(log), data)

    assert response.status_code == 302
    measure = Concern.objects.get(log=log).measures.get()
    assert list(measure.actors.all()) == [actor_other_unit]


def test_the_level_form_with_a_stale_version_changes_nothing_R_LOG_03_R_SEC_05(client, holder, log):
    login(client, holder)
    stale = log.version
    set_level(log, by=holder, level=Level.THREE)

    response = client.post(f"/logger/{log.pk}/niva/", {"level": "2", "version": str(stale)})

    assert response.status_code == 302
    assert reload(log).level == Level.THREE
    assert CONFLICT in page(client.get(detail_url(log)))


def test_a_refused_level_is_shown_next_to_the_choices_R_LOG_03_R_GEN_04(
    client, holder, log, actor_other_unit
):
    """R-GEN-04: the reason is next to the radio buttons, with the choice kept, not only in a
    message at the top of the log page."""
    set_level(log, by=holder, level=Level.TWO)
    make_concern(log, actors=[actor_other_unit])
    login(client, holder)

    response = client.post(
        f"/logger/{log.pk}/niva/", {"level": "1", "version": str(reload(log).version)}
    )

    assert response.status_code == 200
    html = page(response)
    assert "kan ikke settes til nivå 1" in field_error(html, "id_level")
    assert re.search(r'<fieldset[^>]*id="id_level"[^>]*aria-describedby="[^"]*id_level_error', html)
    assert re.search(r'<input[^>]*id="id_level_0"[^>]*checked', html)
    assert "<title>Feil: " in html
    assert reload(log).level == Level.TWO
    assert AuditEvent.objects.filter(action="log.viewed", log_id=log.pk).exists()


# --- a new actor inside the concern form (R-CONC-01, R-MEET-03) -----------------------------


def test_a_new_actor_typed_in_the_concern_form_is_registered_and_attached_R_CONC_01_R_MEET_03(
    client, holder, log, other_unit
):
    set_level(log, by=holder, level=Level.TWO)
    login(client, holder)

    response = client.post(concern_url(log), concern_data(log) | new_actor_data(other_unit))

    assert response.status_code == 302
    person = get_user_model().objects.get(email="nina.ny@example.no")
    assert person.get_full_name() == "Nina Ny"
    assert Membership.objects.filter(user=person, unit=other_unit, role=Role.ACTOR).exists()
    measure = Concern.objects.get(log=log).measures.get()
    assert list(measure.actors.all()) == [person]


def test_a_new_actor_is_attached_together_with_the_chosen_ones_R_CONC_01(
    client, holder, log, actor, unit
):
    login(client, holder)

    client.post(concern_url(log), concern_data(log, actors=[actor]) | new_actor_data(unit))

    measure = Concern.objects.get(log=log).measures.get()
    assert sorted(measure.actors.values_list("email", flat=True)) == sorted(
        [actor.email, "nina.ny@example.no"]
    )


def test_a_new_actor_with_an_invalid_national_id_is_a_field_error_and_creates_nothing_R_MEET_03(
    client, holder, log, other_unit
):
    set_level(log, by=holder, level=Level.TWO)
    login(client, holder)
    data = concern_data(log) | new_actor_data(
        other_unit, **{"new_actor-national_id": INVALID_NATIONAL_ID}
    )

    response = client.post(concern_url(log), data)

    assert response.status_code == 200
    html = page(response)
    assert "Ugyldig fødselsnummer" in field_error(html, "id_new_actor-national_id")
    assert 'value="Nina"' in html
    assert not get_user_model().objects.filter(email="nina.ny@example.no").exists()
    assert not Concern.objects.exists()


def test_a_new_actor_from_another_unit_at_level_1_is_refused_and_rolled_back_R_LOG_03_R_CONC_01(
    client, holder, log, other_unit
):
    """The actor is registered inside the refused transaction: nobody is left behind."""
    login(client, holder)
    users_before = get_user_model().objects.count()

    response = client.post(concern_url(log), concern_data(log) | new_actor_data(other_unit))

    assert response.status_code == 200
    assert "På nivå 1 kan bare aktører fra egen virksomhet velges." in field_error(
        page(response), "id_measure-actors"
    )
    assert not get_user_model().objects.filter(email="nina.ny@example.no").exists()
    assert get_user_model().objects.count() == users_before
    assert not Membership.objects.filter(unit=other_unit, role=Role.ACTOR).exists()
    assert not Concern.objects.exists()


def test_a_partly_typed_new_actor_asks_for_the_missing_fields_R_MEET_03_R_GEN_04(
    client, holder, log
):
    login(client, holder)
    data = concern_data(log) | {"new_actor-first_name": "Nina"}

    response = client.post(concern_url(log), data)

    assert response.status_code == 200
    html = page(response)
    for name in ("last_name", "email", "unit", "national_id"):
        assert "Feltet er påkrevet." in field_error(html, f"id_new_actor-{name}"), name
    assert not field_error(html, "id_new_actor-first_name")
    assert 'value="Nina"' in html
    assert not Concern.objects.exists()
    assert not get_user_model().objects.filter(first_name="Nina").exists()


def test_an_empty_new_actor_part_is_ignored_R_CONC_01(client, holder, log):
    login(client, holder)

    response = client.post(concern_url(log), concern_data(log))

    assert response.status_code == 302
    assert not Concern.objects.get().measures.get().actors.exists()


# --- a new measure: actors by search, and a new actor (R-MEAS-01, R-MEET-03, manual §3.4.3) -


def measure_url(concern) -> str:
    return f"/logger/oppmerksomheter/{concern.pk}/tiltak/ny/"


def measure_data(log, *, actors=(), **changes) -> dict:
    municipality = log.unit.municipality
    data = {
        "category": str(measure_category(municipality).pk),
        "description": "Lesegruppe",
        "deadline": in_days(30).isoformat(),
        "actors": [str(a.pk) for a in actors],
    }
    data.update(changes)
    return data


def test_the_new_measure_form_offers_to_register_a_new_actor_R_MEAS_01_R_MEET_03(
    client, holder, log
):
    concern = make_concern(log)
    login(client, holder)

    html = page(client.get(measure_url(concern)))

    assert 'name="new_actor-national_id"' in html
    assert "Registrer ny aktør" in html


def test_a_new_actor_typed_in_the_new_measure_form_is_registered_and_attached_R_MEAS_01_R_MEET_03(
    client, holder, log, actor, other_unit
):
    set_level(log, by=holder, level=Level.TWO)
    concern = make_concern(log)
    login(client, holder)

    response = client.post(
        measure_url(concern), measure_data(log, actors=[actor]) | new_actor_data(other_unit)
    )

    assert response.status_code == 302
    person = get_user_model().objects.get(email="nina.ny@example.no")
    assert Membership.objects.filter(user=person, unit=other_unit, role=Role.ACTOR).exists()
    measure = concern.measures.get(description="Lesegruppe")
    assert set(measure.actors.all()) == {actor, person}


def test_a_new_actor_in_the_new_measure_with_an_invalid_national_id_keeps_the_typing_R_GEN_04(
    client, holder, log, unit
):
    concern = make_concern(log)
    login(client, holder)
    data = measure_data(log, description="Min egen tekst") | new_actor_data(
        unit, **{"new_actor-national_id": INVALID_NATIONAL_ID}
    )

    response = client.post(measure_url(concern), data)

    html = page(response)
    assert response.status_code == 200
    assert "Ugyldig fødselsnummer" in field_error(html, "id_new_actor-national_id")
    assert textarea(html, "description") == "Min egen tekst"
    assert 'value="Nina"' in html
    assert not get_user_model().objects.filter(email="nina.ny@example.no").exists()
    assert concern.measures.count() == 1


def test_a_new_actor_of_another_unit_in_a_new_measure_at_level_1_is_rolled_back_R_LOG_03(
    client, holder, log, other_unit
):
    concern = make_concern(log)
    login(client, holder)

    response = client.post(measure_url(concern), measure_data(log) | new_actor_data(other_unit))

    assert response.status_code == 200
    assert "På nivå 1 kan bare aktører fra egen virksomhet velges." in field_error(
        page(response), "id_actors"
    )
    assert not get_user_model().objects.filter(email="nina.ny@example.no").exists()
    assert concern.measures.count() == 1


def test_the_search_button_in_the_new_measure_form_finds_and_saves_nothing_R_MEET_04_R_GEN_04(
    client, holder, log, actor_other_unit, actor_other_municipality
):
    concern = make_concern(log)
    login(client, holder)
    data = measure_data(log, description="Min egen tekst", deadline="") | {
        "actors_q": "ppt",
        "actor_search": "actors",
    }

    response = client.post(measure_url(concern), data)

    html = page(response)
    assert response.status_code == 200
    assert "Petra PPT (Testbarnehagen)" in html
    assert "Anne Fjern" not in html
    assert textarea(html, "description") == "Min egen tekst"
    assert not field_error(html, "id_deadline")
    assert concern.measures.count() == 1


def test_the_measure_edit_form_lists_the_measures_actors_ticked_and_searches_R_LOG_08(
    client, holder, log, actor, actor_other_unit
):
    measure = make_concern(log, actors=[actor]).measures.get()
    login(client, holder)
    url = f"/logger/tiltak/{measure.pk}/"

    shown = page(client.get(url))
    searched = page(
        client.post(
            url,
            measure_data(log, actors=[actor], version=str(measure.version))
            | {"actors_q": "petra", "actor_search": "actors"},
        )
    )

    assert re.search(rf'value="{actor.pk}"[^>]*checked', shown)
    assert "Petra PPT" not in shown
    assert re.search(rf'value="{actor.pk}"[^>]*checked', searched)
    assert "Petra PPT (Testbarnehagen)" in searched
    assert reload(measure).description == "Lesegruppe to ganger i uka"


# --- optimistic locking through the pages (R-SEC-05) ----------------------------------------


def test_a_stale_concern_form_is_refused_and_keeps_the_typed_text_R_SEC_05_R_GEN_04(
    client, holder, log
):
    concern = make_concern(log)
    login(client, holder)
    url = f"/logger/oppmerksomheter/{concern.pk}/"
    form_page = page(client.get(url))
    version = re.search(r'name="version" value="(\d+)"', form_page).group(1)

    update_concern(concern, by=holder, version=int(version), description="Lagret først")
    response = client.post(
        url,
        {
            "description": "Min tekst som ikke må forsvinne",
            "category": str(concern.category_id),
            "goal": "Bedre språk",
            "child_voice": "",
            "version": version,
        },
    )

    assert response.status_code == 200
    html = page(response)
    assert CONFLICT in html
    assert textarea(html, "description") == "Min tekst som ikke må forsvinne"
    assert reload(concern).description == "Lagret først"


def test_a_concern_form_with_the_current_version_saves_R_SEC_05_R_LOG_08(client, holder, log):
    concern = make_concern(log)
    login(client, holder)

    response = client.post(
        f"/logger/oppmerksomheter/{concern.pk}/",
        {
            "description": "Ny tekst",
            "category": str(concern.category_id),
            "goal": "Bedre språk",
            "child_voice": "",
            "version": str(concern.version),
        },
        follow=True,
    )

    assert "Oppmerksomheten er lagret." in page(response)
    assert reload(concern).description == "Ny tekst"


def child_form_data(version, **changes) -> dict:
    data = {
        "version": str(version),
        "child-first_name": "Sara",
        "child-last_name": "Stafett",
        "child-national_id": "",
        "child-birth_date": "",
        "child-address": "Skoleveien 1",
        "child-postcode": "0150",
        "child-place": "Oslo",
        "child-email": "",
    }
    data.update(changes)
    return data


def test_a_stale_child_form_is_refused_and_keeps_the_typed_values_R_SEC_05_R_GEN_04(
    client, holder, log
):
    login(client, holder)
    url = f"/logger/{log.pk}/barn/"
    version = re.search(r'name="version" value="(\d+)"', page(client.get(url))).group(1)

    update_child(log, by=holder, version=int(version), place="Bergen")
    response = client.post(url, child_form_data(version, **{"child-place": "Trondheim"}))

    assert response.status_code == 200
    html = page(response)
    assert CONFLICT in html
    assert 'value="Trondheim"' in html
    assert reload(log.child).place == "Bergen"


def test_saving_the_refused_child_form_again_is_still_a_conflict_R_SEC_05(client, holder, log):
    """The refused form keeps the version the person started from: a second click on
    *Lagre* must not overwrite what the other person saved without their seeing it."""
    login(client, holder)
    url = f"/logger/{log.pk}/barn/"
    version = re.search(r'name="version" value="(\d+)"', page(client.get(url))).group(1)
    update_child(log, by=holder, version=int(version), place="Bergen")

    refused = page(client.post(url, child_form_data(version, **{"child-place": "Trondheim"})))
    echoed = re.search(r'name="version" value="(\d+)"', refused).group(1)
    again = client.post(url, child_form_data(echoed, **{"child-place": "Trondheim"}))

    assert echoed == version
    assert again.status_code == 200
    assert CONFLICT in page(again)
    assert reload(log.child).place == "Bergen"


def test_the_child_form_with_the_current_version_saves_R_SEC_05_R_LOG_08(client, holder, log):
    login(client, holder)

    response = client.post(
        f"/logger/{log.pk}/barn/", child_form_data(log.version, **{"child-place": "Bodø"})
    )

    assert response.status_code == 302
    child = reload(log.child)
    assert child.place == "Bodø"
    assert child.national_id == VALID_NATIONAL_ID  # an empty field keeps the number


# --- evaluation and deadline (R-MEAS-03, R-MEAS-04) -----------------------------------------


def evaluate_url(measure) -> str:
    return f"/logger/tiltak/{measure.pk}/evaluer/"


def test_some_effect_offers_a_measure_based_on_the_evaluated_one_R_MEAS_03(client, holder, log):
    concern = make_concern(log)
    measure = concern.measures.get()
    login(client, holder)

    response = client.post(
        evaluate_url(measure),
        {"outcome": Outcome.SOME_EFFECT, "text": "Litt bedre", "child_voice": "Gøy"},
    )

    next_url = f"/logger/tiltak/{measure.pk}/videre/"
    assert response.status_code == 302
    assert response["Location"] == next_url
    evaluation = Evaluation.objects.get(measure=measure)
    assert evaluation.outcome == Outcome.SOME_EFFECT
    assert evaluation.child_voice == "Gøy"

    offer = page(client.get(next_url))
    follow_up = f"/logger/oppmerksomheter/{concern.pk}/tiltak/ny/?basert_paa={measure.pk}"
    assert f'href="{follow_up}"' in offer

    form = page(client.get(follow_up))
    assert textarea(form, "description") == "Lesegruppe to ganger i uka"
    assert f'name="based_on" value="{measure.pk}"' in form

    response = client.post(
        follow_up,
        {
            "based_on": str(measure.pk),
            "category": str(measure.category_id),
            "description": "Lesegruppe tre ganger i uka",
            "deadline": in_days(60).isoformat(),
        },
    )

    assert response.status_code == 302
    new = concern.measures.exclude(pk=measure.pk).get()
    assert new.based_on == measure
    assert new.description == "Lesegruppe tre ganger i uka"


def test_desired_effect_goes_back_to_the_log_R_MEAS_03(client, holder, log):
    measure = make_concern(log).measures.get()
    login(client, holder)

    response = client.post(
        evaluate_url(measure), {"outcome": Outcome.DESIRED_EFFECT, "text": "Virket"}
    )

    assert response.status_code == 302
    assert response["Location"] == detail_url(log)


def test_a_measure_is_evaluated_only_once_through_the_page_R_MEAS_03(client, holder, log):
    measure = make_concern(log).measures.get()
    login(client, holder)
    client.post(evaluate_url(measure), {"outcome": Outcome.SOME_EFFECT, "text": "Første"})

    response = client.post(
        evaluate_url(measure), {"outcome": Outcome.NO_EFFECT, "text": "Andre gang"}, follow=True
    )

    assert response.status_code == 200
    assert "allerede evaluert" in page(response)
    assert 'name="outcome"' not in page(response)
    assert Evaluation.objects.filter(measure=measure).count() == 1
    assert Evaluation.objects.get(measure=measure).outcome == Outcome.SOME_EFFECT


def test_an_evaluated_measure_opens_as_evaluated_not_as_a_form_R_MEAS_03(client, holder, log):
    """Issue 7, item 13: the form used to open, and only its sending was refused."""
    measure = make_concern(log).measures.get()
    evaluate_measure(
        measure, by=holder, outcome=Outcome.SOME_EFFECT, text="Litt bedre", child_voice="Bra"
    )
    login(client, holder)

    response = client.get(evaluate_url(measure))

    html = page(response)
    assert response.status_code == 200
    assert "Tiltaket er evaluert" in html
    assert "Noe effekt" in html and "Litt bedre" in html and "Bra" in html
    assert 'name="outcome"' not in html
    assert "Lagre evaluering" not in html
    # Its own title, naming the measure and the child, like every page about a log.
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert measure.category.name in title and log.child.short_name in title


def test_the_deadline_page_of_an_evaluated_measure_shows_it_as_evaluated_R_MEAS_04(
    client, holder, log
):
    measure = make_concern(log, deadline=in_days(-3)).measures.get()
    evaluate_measure(measure, by=holder, outcome=Outcome.NO_EFFECT, text="Virket ikke")
    login(client, holder)
    url = f"/logger/tiltak/{measure.pk}/frist/"

    shown = client.get(url)
    sent = client.post(url, {"action": "passed", "text": "En gang til"}, follow=True)

    assert "Tiltaket er evaluert" in page(shown)
    assert 'name="action"' not in page(shown)
    assert "allerede evaluert" in page(sent)
    assert Evaluation.objects.get(measure=measure).outcome == Outcome.NO_EFFECT


def test_deadline_passed_is_not_a_choice_on_the_evaluation_page_R_MEAS_03(client, holder, log):
    measure = make_concern(log).measures.get()
    login(client, holder)

    response = client.post(
        evaluate_url(measure), {"outcome": Outcome.DEADLINE_PASSED, "text": "Snarvei"}
    )

    assert response.status_code == 200
    assert INVALID_CHOICE in field_error(page(response), "id_outcome")
    assert not Evaluation.objects.exists()


def test_an_overdue_measure_can_be_closed_as_deadline_passed_R_MEAS_04(client, holder, log):
    measure = make_concern(log, deadline=in_days(-3)).measures.get()
    login(client, holder)
    url = f"/logger/tiltak/{measure.pk}/frist/"
    assert "Avslutt uten effekt" in page(client.get(url))

    response = client.post(url, {"action": "passed", "text": "Ikke gjennomført"}, follow=True)

    assert "Fristen er passert" in page(response)
    assert reload(measure).status == MeasureStatus.EVALUATED
    assert Evaluation.objects.get(measure=measure).outcome == Outcome.DEADLINE_PASSED


def test_a_new_deadline_in_the_past_is_refused_next_to_the_field_R_MEAS_04(client, holder, log):
    measure = make_concern(log, deadline=in_days(-3)).measures.get()
    login(client, holder)
    url = f"/logger/tiltak/{measure.pk}/frist/"

    response = client.post(url, {"action": "extend", "deadline": in_days(-1).isoformat()})

    assert response.status_code == 200
    assert "tilbake i tid" in field_error(page(response), "id_deadline")
    assert reload(measure).deadline == in_days(-3)


def test_an_overdue_measure_can_be_given_a_new_deadline_R_MEAS_04(client, holder, log):
    measure = make_concern(log, deadline=in_days(-3)).measures.get()
    login(client, holder)

    response = client.post(
        f"/logger/tiltak/{measure.pk}/frist/",
        {"action": "extend", "deadline": in_days(14).isoformat()},
    )

    assert response.status_code == 302
    assert reload(measure).deadline == in_days(14)
    assert reload(measure).status == MeasureStatus.OPEN


def test_deadline_passed_on_a_measure_not_yet_due_is_refused_R_MEAS_04(client, holder, log):
    measure = make_concern(log).measures.get()
    login(client, holder)

    response = client.post(f"/logger/tiltak/{measure.pk}/frist/", {"action": "passed"})

    assert response.status_code == 200
    assert "Fristen for tiltaket er ikke passert." in page(response)
    assert not Evaluation.objects.exists()


def test_an_overdue_measure_is_marked_on_the_log_page_R_MEAS_02(client, holder, log):
    concern = make_concern(log, deadline=in_days(-1))
    login(client, holder)

    html = page(client.get(detail_url(log)))

    assert "concern--overdue" in html
    assert "Frist passert" in html
    assert f"/logger/tiltak/{concern.measures.get().pk}/frist/" in html


# --- close a concern, set the log passive (R-CONC-02, R-LOG-06) -----------------------------


def test_closing_a_concern_with_an_open_measure_is_refused_R_CONC_02(client, holder, log):
    concern = make_concern(log)
    login(client, holder)

    response = client.post(f"/logger/oppmerksomheter/{concern.pk}/avslutt/", follow=True)

    assert "Alle tiltak må være evaluert før oppmerksomheten kan avsluttes." in page(response)
    assert reload(concern).status == ConcernStatus.OPEN


def test_closing_a_concern_with_every_measure_evaluated_closes_it_R_CONC_02(client, holder, log):
    concern = make_concern(log)
    evaluate_measure(concern.measures.get(), by=holder, outcome=Outcome.DESIRED_EFFECT, text="Ok")
    login(client, holder)

    response = client.post(f"/logger/oppmerksomheter/{concern.pk}/avslutt/", follow=True)

    assert "Oppmerksomheten er avsluttet." in page(response)
    assert reload(concern).status == ConcernStatus.CLOSED


def passive_url(log) -> str:
    return f"/logger/{log.pk}/passiv/"


def finish(concern, holder):
    for measure in concern.measures.filter(status=MeasureStatus.OPEN):
        evaluate_measure(measure, by=holder, outcome=Outcome.DESIRED_EFFECT, text="Ok")
    close_concern(concern, by=holder)


def test_set_passive_without_the_checkbox_is_refused_R_LOG_06(client, holder, log):
    login(client, holder)

    response = client.post(passive_url(log), {})

    assert response.status_code == 200
    assert "Bekreft for å sette loggen passiv." in field_error(page(response), "id_confirm")
    assert reload(log).status == LogStatus.ACTIVE


def test_set_passive_with_an_open_concern_is_refused_R_LOG_06(client, holder, log):
    make_concern(log)
    login(client, holder)
    assert "Loggen har 1 åpen oppmerksomhet" in page(client.get(passive_url(log)))

    response = client.post(passive_url(log), {"confirm": "on"})

    assert response.status_code == 200
    assert "Alle oppmerksomheter må være avsluttet" in page(response)
    assert reload(log).status == LogStatus.ACTIVE


def test_a_passive_log_answers_403_with_the_reason_on_every_edit_page_R_LOG_06(client, holder, log):
    concern = make_concern(log)
    finish(concern, holder)
    login(client, holder)

    response = client.post(passive_url(log), {"confirm": "on"}, follow=True)

    assert "Loggen er satt passiv." in page(response)
    assert reload(log).status == LogStatus.PASSIVE
    measure = concern.measures.get()
    guardian = log.guardians.get()
    edit_pages = [
        ("get", f"/logger/{log.pk}/oppmerksomheter/ny/"),
        ("post", f"/logger/{log.pk}/oppmerksomheter/ny/"),
        ("get", f"/logger/{log.pk}/barn/"),
        ("post", f"/logger/{log.pk}/barn/"),
        ("get", f"/logger/{log.pk}/lysglimt/ny/"),
        ("post", f"/logger/{log.pk}/lysglimt/ny/"),
        ("get", f"/logger/{log.pk}/samtykke/"),
        ("post", f"/logger/{log.pk}/samtykke/"),
        ("post", f"/logger/{log.pk}/niva/"),
        ("get", f"/logger/{log.pk}/foresatte/ny/"),
        ("get", f"/logger/foresatte/{guardian.pk}/"),
        ("post", f"/logger/foresatte/{guardian.pk}/fjern/"),
        ("get", passive_url(log)),
        ("get", f"/logger/oppmerksomheter/{concern.pk}/tiltak/ny/"),
        ("post", f"/logger/oppmerksomheter/{concern.pk}/avslutt/"),
        ("get", f"/logger/tiltak/{measure.pk}/evaluer/"),
        ("get", f"/logger/tiltak/{measure.pk}/frist/"),
    ]
    for method, url in edit_pages:
        response = getattr(client, method)(url)
        assert response.status_code == 403, (method, url, response.status_code)
        assert "Loggen er passiv" in page(response), (method, url)
    assert reload(log).status == LogStatus.PASSIVE


def test_a_passive_log_page_offers_no_editing_R_LOG_06(client, holder, log):
    finish(make_concern(log), holder)
    login(client, holder)
    client.post(passive_url(log), {"confirm": "on"})

    html = page(client.get(detail_url(log)))

    assert "Loggen er passiv og kan ikke endres." in html
    assert f"/logger/{log.pk}/oppmerksomheter/ny/" not in html
    assert f"/logger/{log.pk}/barn/" not in html
    assert f"/logger/{log.pk}/lysglimt/ny/" not in html


# --- glimpses (R-GLIM-01, R-GEN-04) ---------------------------------------------------------


def glimpse_url(log) -> str:
    return f"/logger/{log.pk}/lysglimt/ny/"


def test_an_actor_adds_a_glimpse_the_holder_publishes_it_the_guardian_sees_it_R_GLIM_01(
    client, holder, actor, guardian_user, log
):
    make_concern(log, actors=[actor])
    login(client, actor)

    response = client.post(
        glimpse_url(log),
        {"text": "Sara leste en hel bok", "happened_on": today().isoformat()},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == detail_url(log)
    assert "Nytt lysglimt lagt til!" in page(response)  # R-GEN-04
    glimpse = Glimpse.objects.get()
    assert glimpse.author == actor
    assert glimpse.author_role == Role.ACTOR
    assert not glimpse.is_published

    client.force_login(guardian_user)
    assert "Sara leste en hel bok" not in page(client.get(detail_url(log)))

    client.force_login(holder)
    assert "Sara leste en hel bok" in page(client.get(detail_url(log)))
    response = client.post(f"/logger/lysglimt/{glimpse.pk}/publiser/", follow=True)
    assert "Lysglimtet er publisert." in page(response)
    assert reload(glimpse).is_published

    client.force_login(guardian_user)
    assert "Sara leste en hel bok" in page(client.get(detail_url(log)))


def test_the_guardian_sees_published_glimpses_but_not_others_unpublished_ones_R_GLIM_01(
    client, holder, guardian_user, log
):
    create_glimpse(
        log, by=holder, role=Role.HOLDER, text="Publisert glimt", happened_on=today(), publish=True
    )
    create_glimpse(log, by=holder, role=Role.HOLDER, text="Utkast til glimt", happened_on=today())
    login(client, guardian_user)

    html = page(client.get(detail_url(log)))

    assert "Publisert glimt" in html
    assert "Utkast til glimt" not in html


def test_a_guardian_adds_a_glimpse_through_the_page_R_GLIM_01_R_GEN_04(client, guardian_user, log):
    login(client, guardian_user)

    response = client.post(
        glimpse_url(log),
        {"text": "Syklet uten støttehjul", "happened_on": today().isoformat(), "publish": "on"},
        follow=True,
    )

    assert "Nytt lysglimt lagt til!" in page(response)
    glimpse = Glimpse.objects.get()
    assert glimpse.author == guardian_user
    assert glimpse.is_published


def test_a_glimpse_dated_in_the_future_is_refused_next_to_the_date_R_GLIM_01(client, holder, log):
    login(client, holder)

    response = client.post(
        glimpse_url(log), {"text": "Snart", "happened_on": in_days(2).isoformat()}
    )

    assert response.status_code == 200
    html = page(response)
    assert "fram i tid" in field_error(html, "id_happened_on")
    assert textarea(html, "text") == "Snart"
    assert not Glimpse.objects.exists()


def test_an_actor_cannot_publish_the_holders_draft_R_GLIM_01(client, holder, actor, log):
    make_concern(log, actors=[actor])
    draft = create_glimpse(log, by=holder, role=Role.HOLDER, text="Utkast", happened_on=today())
    login(client, actor)

    response = client.post(f"/logger/lysglimt/{draft.pk}/publiser/")

    assert response.status_code == 404
    assert not reload(draft).is_published


# --- audit and the access log (R-SEC-01) ----------------------------------------------------


def test_opening_the_log_page_writes_log_viewed_with_who_and_role_R_SEC_01(client, holder, log):
    login(client, holder)

    client.get(detail_url(log))

    event = AuditEvent.objects.get(action="log.viewed")
    assert event.log_id == log.pk
    assert event.actor == holder
    assert event.role == Role.HOLDER
    assert event.object_id == str(log.pk)


def test_an_actor_opening_the_log_is_recorded_with_the_actor_role_R_SEC_01(client, actor, log):
    make_concern(log, actors=[actor])
    login(client, actor)

    client.get(detail_url(log))

    event = AuditEvent.objects.get(action="log.viewed")
    assert (event.actor, event.role, event.log_id) == (actor, Role.ACTOR, log.pk)


def test_the_holder_sees_who_has_opened_the_log_R_SEC_01(client, holder, actor, log):
    make_concern(log, actors=[actor])
    login(client, actor)
    client.get(detail_url(log))
    client.get(detail_url(log))

    login(client, holder)
    access = section(page(client.get(detail_url(log))), "access")

    assert "Hvem har åpnet loggen" in access
    assert "Anders Aktør" in access
    assert "Aktør</td>" in access
    assert "<td>2</td>" in access


def test_the_guardian_sees_who_has_opened_the_log_the_actor_does_not_R_SEC_01(
    client, holder, actor, guardian_user, log
):
    make_concern(log, actors=[actor])
    login(client, holder)
    client.get(detail_url(log))

    login(client, guardian_user)
    guardian_page = page(client.get(detail_url(log)))
    login(client, actor)
    actor_page = page(client.get(detail_url(log)))

    assert "Hanne Holder" in section(guardian_page, "access")
    assert "Hvem har åpnet loggen" not in actor_page
    assert 'id="access"' not in actor_page


def consent_for(log):
    return upload_consent(log, by=log.holder, file=pdf_upload(), valid_until=in_days(100))


def test_the_consent_download_is_a_pdf_attachment_and_is_audited_R_SEC_01_R_LOG_02(
    client, holder, log
):
    consent = consent_for(log)
    login(client, holder)

    response = client.get(f"/logger/samtykke/{consent.pk}/fil/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    # Reading the stream ends the request; closing it again would close the test's database
    # connection on PostgreSQL.
    assert b"".join(response.streaming_content) == make_pdf()
    event = AuditEvent.objects.get(action="consent.downloaded")
    assert (event.actor, event.log_id) == (holder, log.pk)


def test_the_guardian_may_download_the_consent_R_LOG_02(client, guardian_user, log):
    consent = consent_for(log)
    login(client, guardian_user)

    response = client.get(f"/logger/samtykke/{consent.pk}/fil/")

    assert response.status_code == 200
    response.close()


@pytest.mark.parametrize("persona", ["actor", "leader"])
def test_actor_and_leader_get_404_for_the_consent_R_LOG_02_R_ROLE_07(client, request, log, persona):
    user = request.getfixturevalue(persona)
    if persona == "actor":
        make_concern(log, actors=[user])
    consent = consent_for(log)
    login(client, user)

    response = client.get(f"/logger/samtykke/{consent.pk}/fil/")

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="consent.downloaded").exists()


def test_the_log_page_links_the_consent_for_the_holder_R_LOG_02(client, holder, log):
    consent = consent_for(log)
    login(client, holder)

    assert f"/logger/samtykke/{consent.pk}/fil/" in page(client.get(detail_url(log)))


# --- the list and the role (R-HOLD-01, R-ROLE-01) -------------------------------------------


def test_the_holder_list_marks_a_log_with_an_overdue_measure_R_HOLD_01_R_MEAS_02(
    client, holder, log
):
    make_concern(log, deadline=in_days(-1))
    login(client, holder)

    html = page(client.get("/logger/"))

    assert "Mine stafettbarn" in html
    assert "Sara Stafett" in html
    assert "row--overdue" in html


def test_a_multi_role_user_working_as_leader_gets_no_log_list_R_ROLE_03(
    client, multi_role_user, unit
):
    from tests.factories import make_log

    make_log(multi_role_user, unit, first_name="Lekkasje")
    login(client, multi_role_user, role="leader")
    assert client.get("/logger/").status_code == 404

    login(client, multi_role_user, role="holder")
    assert "Lekkasje" in page(client.get("/logger/"))


def test_a_consent_whose_file_is_gone_is_a_404_not_a_500_R_LOG_02(client, holder, log):
    consent = consent_for(log)
    consent.file.storage.delete(consent.file.name)
    login(client, holder)

    assert client.get(f"/logger/samtykke/{consent.pk}/fil/").status_code == 404


def test_removing_a_guardian_asks_first_then_removes_R_LOG_05(client, holder, unit):
    from tests.factories import make_log

    log = make_log(holder, unit, guardians=2)
    guardian = log.guardians.first()
    login(client, holder)

    confirm = client.get(f"/logger/foresatte/{guardian.pk}/fjern/")
    assert confirm.status_code == 200
    assert "mister tilgangen" in confirm.content.decode()
    assert log.guardians.count() == 2

    response = client.post(f"/logger/foresatte/{guardian.pk}/fjern/")
    assert response["Location"] == detail_url(log)
    assert log.guardians.count() == 1
