"""The signed consent, proved through the services (R-LOG-02)."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from logs.enums import (
    ConsentGiver,
)
from logs.services import (
    upload_consent,
)
from tests.factories import (
    VALID_NATIONAL_ID,
    make_log,
    make_pdf,
    pdf_upload,
)
from tests.logs.services.helpers import (
    encrypted_pdf,
    error_fields,
    in_days,
    today,
    years_ago,
)

# --- consent --------------------------------------------------------------------------------


def test_upload_consent_accepts_a_real_pdf_R_LOG_02(log, holder):
    consent = upload_consent(log, by=holder, file=pdf_upload(), valid_until=in_days(365))

    assert consent.log == log
    assert consent.uploaded_by == holder
    assert consent.given_by == ConsentGiver.GUARDIANS
    assert consent.size == len(make_pdf())
    assert consent.original_name == "samtykke.pdf"
    assert AuditEvent.objects.filter(action="consent.uploaded", log_id=log.pk).exists()


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n" + b"\0" * 200,
        b"Dette er bare tekst, ikke en PDF.",
        b"%PDF-1.4 garbage",
        encrypted_pdf(),
        make_pdf()[:300],
    ],
    ids=["png-renamed", "text-renamed", "broken", "encrypted", "truncated"],
)
def test_upload_consent_refuses_anything_but_a_readable_pdf_on_file_R_LOG_02(log, holder, content):
    with pytest.raises(ValidationError) as excinfo:
        upload_consent(log, by=holder, file=pdf_upload(content=content), valid_until=in_days(365))

    assert "file" in error_fields(excinfo)
    assert not log.consents.exists()


def test_upload_consent_refuses_a_file_over_ten_megabytes_on_file_R_LOG_02(log, holder):
    content = make_pdf() + b"\n%" + b"0" * (10 * 1024 * 1024)

    with pytest.raises(ValidationError) as excinfo:
        upload_consent(log, by=holder, file=pdf_upload(content=content), valid_until=in_days(365))

    assert "file" in error_fields(excinfo)


def test_upload_consent_refuses_an_empty_file_R_LOG_02(log, holder):
    empty = SimpleUploadedFile("samtykke.pdf", b"", content_type="application/pdf")

    with pytest.raises(ValidationError) as excinfo:
        upload_consent(log, by=holder, file=empty, valid_until=in_days(365))

    assert "file" in error_fields(excinfo)


def test_upload_consent_with_a_validity_date_in_the_past_is_refused_R_LOG_02(log, holder):
    with pytest.raises(ValidationError) as excinfo:
        upload_consent(log, by=holder, file=pdf_upload(), valid_until=in_days(-1))

    assert error_fields(excinfo) == {"valid_until"}


def test_upload_consent_without_a_validity_date_is_refused_R_LOG_02(log, holder):
    with pytest.raises(ValidationError) as excinfo:
        upload_consent(log, by=holder, file=pdf_upload(), valid_until=None)

    assert error_fields(excinfo) == {"valid_until"}


def test_upload_consent_valid_until_today_is_accepted_R_LOG_02(log, holder):
    consent = upload_consent(log, by=holder, file=pdf_upload(), valid_until=today())

    assert consent.is_valid_on(today())
    assert not consent.is_valid_on(in_days(1))


def test_upload_consent_reports_every_wrong_field_at_once_R_LOG_02(holder, unit):
    log = make_log(holder, unit, national_id="", birth_date=years_ago(10))

    with pytest.raises(ValidationError) as excinfo:
        upload_consent(
            log,
            by=holder,
            file=pdf_upload(content=b"tekst"),
            valid_until=in_days(-1),
            given_by=ConsentGiver.YOUNG_PERSON,
        )

    assert error_fields(excinfo) == {"file", "valid_until", "given_by"}


def test_young_person_consent_under_the_self_consent_age_is_refused_R_LOG_02(
    holder, unit, settings
):
    settings.STAFETT_SELF_CONSENT_AGE = 16
    log = make_log(holder, unit, national_id="", birth_date=years_ago(16, plus_days=1))

    with pytest.raises(ValidationError) as excinfo:
        upload_consent(
            log,
            by=holder,
            file=pdf_upload(),
            valid_until=in_days(365),
            given_by=ConsentGiver.YOUNG_PERSON,
        )

    assert error_fields(excinfo) == {"given_by"}


def test_young_person_consent_from_the_self_consent_age_is_accepted_R_LOG_02(
    holder, unit, settings
):
    settings.STAFETT_SELF_CONSENT_AGE = 16
    log = make_log(holder, unit, national_id="", birth_date=years_ago(16))

    consent = upload_consent(
        log,
        by=holder,
        file=pdf_upload(),
        valid_until=in_days(365),
        given_by=ConsentGiver.YOUNG_PERSON,
    )

    assert consent.given_by == ConsentGiver.YOUNG_PERSON


def test_young_person_consent_of_an_adult_from_the_national_id_is_accepted_R_LOG_02(log, holder):
    consent = upload_consent(
        log,
        by=holder,
        file=pdf_upload(),
        valid_until=in_days(365),
        given_by=ConsentGiver.YOUNG_PERSON,
    )

    assert consent.given_by == ConsentGiver.YOUNG_PERSON


def test_a_new_consent_becomes_current_while_the_old_one_stays_in_the_history_R_LOG_02(log, holder):
    old = upload_consent(log, by=holder, file=pdf_upload("gammel.pdf"), valid_until=today())

    new = upload_consent(log, by=holder, file=pdf_upload("ny.pdf"), valid_until=in_days(365))

    assert log.consents.first() == new
    assert list(log.consents.all()) == [new, old]
    assert log.revisions.filter(action="consent.uploaded").count() == 2


def test_consent_is_stored_under_a_random_name_in_media_consents_R_LOG_02(log, holder, settings):
    upload = pdf_upload("samtykke Sara Stafett.pdf")

    consent = upload_consent(log, by=holder, file=upload, valid_until=in_days(365))

    assert re.fullmatch(r"consents/[0-9a-f]{32}\.pdf", consent.file.name)
    for telling in ("Sara", "Stafett", "samtykke", VALID_NATIONAL_ID):
        assert telling not in consent.file.name
    stored = Path(settings.MEDIA_ROOT) / consent.file.name
    assert stored.read_bytes() == make_pdf()
    assert consent.original_name == "samtykke Sara Stafett.pdf"


def test_two_consents_never_share_a_stored_name_R_LOG_02(log, holder):
    first = upload_consent(log, by=holder, file=pdf_upload(), valid_until=in_days(30))
    second = upload_consent(log, by=holder, file=pdf_upload(), valid_until=in_days(30))

    assert first.file.name != second.file.name
