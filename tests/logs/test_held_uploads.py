"""The new-log page checks everything in one round and keeps a chosen consent PDF across
rounds of errors (R-GEN-04, R-LOG-01, R-LOG-02; issue 7, item 12).

A kept file lives in a private folder under a random name, is found only through the
session that chose it, is never served, and is deleted when used, replaced or left.
"""

import os
import re
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from logs.models import Consent, Log
from tests.factories import make_pdf, pdf_upload
from tests.logs.views.helpers import field_error, new_log_data

CREATE = "/logger/ny/"
HELD = re.compile(r'<input type="hidden" name="consent-held"(?: value="([^"]*)")?')


def today():
    return timezone.localdate()


def page(response) -> str:
    return response.content.decode()


def held_token(response) -> str:
    match = HELD.search(page(response))
    assert match, "the page carries no consent-held field"
    return match.group(1) or ""


def kept_files(settings) -> list:
    folder = settings.MEDIA_ROOT / "held"
    return sorted(folder.iterdir()) if folder.exists() else []


def stored_consents(settings) -> list:
    folder = settings.MEDIA_ROOT / "consents"
    return sorted(folder.iterdir()) if folder.exists() else []


def without_file(data: dict, **changes) -> dict:
    return {k: v for k, v in data.items() if k != "consent-file"} | changes


# --- one round, every error (R-GEN-04) ------------------------------------------------------


def test_a_bad_national_id_a_bad_phone_and_an_expired_consent_show_in_one_round_R_GEN_04(
    client, holder, unit
):
    """Before, the number and the consent were checked only once the forms were fixed."""
    client.force_login(holder)
    data = new_log_data(
        unit,
        **{
            "child-national_id": "12345678901",
            "guardian-1-phone": "ring meg",
            "consent-valid_until": (today() - timedelta(days=1)).isoformat(),
        },
    )

    html = page(client.post(CREATE, data))

    assert "Ugyldig fødselsnummer" in field_error(html, "id_child-national_id")
    assert "gyldig telefonnummer" in field_error(html, "id_guardian-1-phone")
    assert "allerede utløpt" in field_error(html, "id_consent-valid_until")
    assert not Log.objects.exists()


def test_no_guardian_and_a_future_birth_date_show_in_one_round_R_GEN_04_R_LOG_04(
    client, holder, unit
):
    client.force_login(holder)
    data = new_log_data(
        unit,
        guardians=0,
        consent=False,
        **{
            "child-national_id": "",
            "child-birth_date": (today() + timedelta(days=3)).isoformat(),
            "child-place": "",
        },
    )

    html = page(client.post(CREATE, data))

    assert "minst én og høyst fire foresatte" in html
    assert "fram i tid" in field_error(html, "id_child-birth_date")
    assert field_error(html, "id_child-place")


def test_a_consent_without_a_validity_date_is_asked_for_together_with_the_rest_R_GEN_04(
    client, holder, unit
):
    client.force_login(holder)
    data = new_log_data(unit, **{"consent-valid_until": "", "child-national_id": "12345678901"})

    html = page(client.post(CREATE, data))

    assert "Fyll inn hvor lenge" in field_error(html, "id_consent-valid_until")
    assert "Ugyldig fødselsnummer" in field_error(html, "id_child-national_id")


# --- the chosen file is kept (R-GEN-04, R-LOG-02) -------------------------------------------


def test_a_valid_consent_is_kept_through_a_round_of_errors_and_saved_with_the_log_R_GEN_04(
    client, holder, unit, settings
):
    client.force_login(holder)
    data = new_log_data(unit, **{"child-national_id": "12345678901"})
    content = make_pdf(pages=2)
    data["consent-file"] = pdf_upload("underskrevet.pdf", content)

    refused = client.post(CREATE, data)

    html = page(refused)
    assert "Valgt fil: underskrevet.pdf" in html
    assert "velge samtykkefilen på nytt" not in html
    assert len(kept_files(settings)) == 1
    token = held_token(refused)
    assert token

    saved = client.post(
        CREATE,
        without_file(data, **{"child-national_id": "15108695088", "consent-held": token})
        | {"consent-held_choice": "keep"},
    )

    assert saved.status_code == 302
    consent = Consent.objects.get(log=Log.objects.get())
    assert consent.original_name == "underskrevet.pdf"
    with consent.file.open("rb") as stored:
        assert stored.read() == content
    assert kept_files(settings) == []


def test_a_second_file_replaces_the_kept_one_R_GEN_04(client, holder, unit, settings):
    client.force_login(holder)
    data = new_log_data(unit, **{"child-national_id": "12345678901"})
    first = client.post(CREATE, data | {"consent-file": pdf_upload("gammel.pdf")})
    replacement = make_pdf(pages=3)

    second = client.post(
        CREATE,
        data
        | {
            "consent-held": held_token(first),
            "consent-held_choice": "replace",
            "consent-file": pdf_upload("ny.pdf", replacement),
        },
    )
    client.post(
        CREATE,
        without_file(
            data, **{"child-national_id": "15108695088", "consent-held": held_token(second)}
        )
        | {"consent-held_choice": "keep"},
    )

    assert "Valgt fil: ny.pdf" in page(second)
    consent = Consent.objects.get()
    assert consent.original_name == "ny.pdf"
    with consent.file.open("rb") as stored:
        assert stored.read() == replacement
    assert kept_files(settings) == []


def test_choosing_another_file_without_choosing_one_asks_for_it_R_GEN_04(client, holder, unit):
    client.force_login(holder)
    data = new_log_data(unit, **{"child-national_id": "12345678901"})
    first = client.post(CREATE, data)

    response = client.post(
        CREATE,
        without_file(
            data,
            **{
                "child-national_id": "15108695088",
                "consent-held": held_token(first),
                "consent-held_choice": "replace",
            },
        ),
    )

    assert response.status_code == 200
    assert "Velg den nye filen" in field_error(page(response), "id_consent-file")
    assert not Log.objects.exists()


def test_the_kept_file_can_be_left_out_and_is_then_deleted_R_LOG_02(client, holder, unit, settings):
    client.force_login(holder)
    data = new_log_data(unit, **{"child-national_id": "12345678901"})
    first = client.post(CREATE, data)

    saved = client.post(
        CREATE,
        without_file(
            data,
            **{
                "child-national_id": "15108695088",
                "consent-held": held_token(first),
                "consent-held_choice": "drop",
                "consent-valid_until": "",
            },
        ),
    )

    assert saved.status_code == 302
    assert not Consent.objects.exists()
    assert kept_files(settings) == []


def test_a_refused_file_is_not_kept_and_the_page_says_to_choose_again_R_LOG_02(
    client, holder, unit, settings
):
    client.force_login(holder)
    not_a_pdf = pdf_upload("samtykke.pdf", b"Samtykke: ja.\n")

    response = client.post(CREATE, new_log_data(unit, **{"consent-file": not_a_pdf}))

    assert "Filen er ikke en PDF" in field_error(page(response), "id_consent-file")
    assert "velge samtykkefilen på nytt" in page(response)
    assert held_token(response) == ""
    assert kept_files(settings) == []


# --- private to the session that chose it ---------------------------------------------------


def test_a_kept_file_is_found_only_by_the_session_that_chose_it_R_LOG_02_R_ROLE_07(
    client, holder, other_holder, unit, settings
):
    client.force_login(holder)
    data = new_log_data(unit, **{"child-national_id": "12345678901"})
    token = held_token(client.post(CREATE, data))
    corrected = without_file(data, **{"child-national_id": "15108695088", "consent-held": token})
    for person in (other_holder, holder):  # another person, and the same one elsewhere
        stranger = Client()
        stranger.force_login(person)

        response = stranger.post(CREATE, corrected)

        assert response.status_code == 200
        assert "finnes ikke lenger" in field_error(page(response), "id_consent-file")
        assert "Valgt fil" not in page(response)
    assert not Consent.objects.exists()
    assert len(kept_files(settings)) == 1


def test_a_kept_file_is_never_served_R_LOG_02(client, holder, unit, settings):
    client.force_login(holder)
    client.post(CREATE, new_log_data(unit, **{"child-national_id": "12345678901"}))
    (kept,) = kept_files(settings)

    for url in (f"/media/held/{kept.name}", f"/held/{kept.name}", f"/uploads/held/{kept.name}"):
        assert client.get(url).status_code == 404


def test_kept_files_of_forms_never_sent_again_are_deleted_by_the_hourly_command_R_LOG_02(
    client, holder, unit, settings
):
    client.force_login(holder)
    for _ in range(2):
        client.post(CREATE, new_log_data(unit, **{"child-national_id": "12345678901"}))
    stale, fresh = kept_files(settings)
    day_ago = time.time() - 25 * 60 * 60
    os.utime(stale, (day_ago, day_ago))

    call_command("send_reminders", verbosity=0)

    assert kept_files(settings) == [fresh]


@pytest.mark.parametrize("rounds", [6])
def test_a_session_keeps_only_its_newest_few_files_R_LOG_02(client, holder, unit, settings, rounds):
    client.force_login(holder)
    for _ in range(rounds):
        client.post(CREATE, new_log_data(unit, **{"child-national_id": "12345678901"}))

    assert len(kept_files(settings)) == 5
