"""Files that leak nothing (issue 11, item 4): a consent PDF written in a transaction that
rolls back is removed; `manage.py check_files` lists files with no row and rows with no
file (R-LOG-02, R-SEC-06)."""

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from logs import services
from logs.models import Consent
from tests.factories import pdf_upload

pytestmark = pytest.mark.django_db


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def upload(log, holder) -> Consent:
    return services.upload_consent(
        log, by=holder, file=pdf_upload(), valid_until=timezone.localdate() + timedelta(days=30)
    )


def test_a_consent_file_written_in_a_transaction_that_rolls_back_is_removed_R_LOG_02(log, holder):
    with pytest.raises(RuntimeError), transaction.atomic():
        consent = upload(log, holder)
        assert Path(consent.file.path).exists()
        raise RuntimeError("something after the upload failed")
    assert stored_files() == []
    assert not Consent.objects.filter(log=log).exists()


def test_a_committed_consent_file_stays_R_LOG_02(log, holder, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        consent = upload(log, holder)
    assert stored_files() == [Path(consent.file.path)]


def test_a_new_log_that_rolls_back_leaves_no_consent_file_R_LOG_02(holder, unit):
    from tests.factories import child_data, guardian_data

    with pytest.raises(RuntimeError), transaction.atomic():
        services.create_log(
            by=holder,
            unit=unit,
            child=child_data(),
            guardians=[guardian_data()],
            consent=pdf_upload(),
            consent_valid_until=timezone.localdate() + timedelta(days=30),
        )
        raise RuntimeError
    assert stored_files() == []


def check_files() -> tuple[str, int]:
    out = StringIO()
    try:
        call_command("check_files", stdout=out)
    except SystemExit as exit:
        return out.getvalue(), int(exit.code or 0)
    return out.getvalue(), 0


def test_check_files_is_quiet_when_rows_and_files_agree(log, holder):
    upload(log, holder)
    out, status = check_files()
    assert "Files with no row: 0; rows with no file: 0." in out
    assert status == 0


def test_check_files_lists_files_with_no_row_and_rows_with_no_file(log, holder):
    consent = upload(log, holder)
    Path(consent.file.path).unlink()
    stray = Path(settings.MEDIA_ROOT) / "consents" / "stray.pdf"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"%PDF-1.7")
    held = Path(settings.MEDIA_ROOT) / "held" / "kept-for-a-form.pdf"
    held.parent.mkdir(parents=True, exist_ok=True)
    held.write_bytes(b"%PDF-1.7")
    out, status = check_files()
    assert "file with no row: consents/stray.pdf" in out
    assert f"row with no file: logs.Consent {consent.pk}: {consent.file.name}" in out
    assert "held" not in out  # kept on purpose for a form, and cleaned by send_reminders
    assert "Files with no row: 1; rows with no file: 1." in out
    assert status == 1
