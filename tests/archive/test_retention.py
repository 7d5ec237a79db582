"""Retention (R-SEC-06): `manage.py apply_retention` deletes a passive log once its
municipality's period has passed, only after the archive has it, with its files, and an
audit event that keeps no personal data; --dry-run deletes nothing."""

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from archive import tasks
from archive.enums import HandoverStatus
from archive.models import ArchiveHandover
from archive.retention import NotDue, delete_log
from audit.models import AuditEvent
from exports.enums import ExportStatus
from exports.models import Export
from logs import services
from logs.models import Child, Consent, Guardian, Log
from notes.models import Note
from tests.factories import VALID_NATIONAL_ID, make_log, pdf_upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fake_pdf")]


def retention(*args: str) -> str:
    out = StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def passive_for(log, holder, *, years: float, handed_over: bool = True) -> Log:
    """A log set passive `years` ago, its hand-over done (or failed)."""
    services.upload_consent(
        log, by=holder, file=pdf_upload(), valid_until=timezone.localdate() + timedelta(days=30)
    )
    services.set_log_passive(log, by=holder, confirmed=True)
    Log.objects.filter(pk=log.pk).update(
        passive_at=timezone.now() - timedelta(days=round(365.25 * years))
    )
    handover = ArchiveHandover.objects.get(log=log)
    if handed_over:
        assert tasks.hand_over(handover.pk) == "handed_over"
    else:
        handover.status = HandoverStatus.FAILED
        handover.attempts = 4
        handover.save()
    return Log.objects.get(pk=log.pk)


@pytest.fixture
def five_years(municipality):
    municipality.retention_years = 5
    municipality.save()
    return municipality


def consent_path(log) -> Path:
    return Path(Consent.objects.get(log=log).file.path)


def test_no_period_set_deletes_nothing_and_says_so_R_SEC_06(log, holder, municipality):
    passive_for(log, holder, years=30)
    out = retention()
    assert "Testkommune: no retention period set; nothing is deleted." in out
    assert Log.objects.filter(pk=log.pk).exists()


def test_a_log_past_its_period_and_handed_over_is_deleted_with_its_files_R_SEC_06(
    log, holder, five_years, django_capture_on_commit_callbacks
):
    log = passive_for(log, holder, years=6)
    number, child_id = log.pk, log.child_id
    path = consent_path(log)
    assert path.exists()
    note = Note.objects.create(owner=holder, text="Husk å ringe skolen")
    export = Export.objects.create(
        log=log, requested_by=holder, role="holder", status=ExportStatus.READY
    )
    export.file.save("export.pdf", ContentFile(b"%PDF-1.7"))
    export_path = Path(export.file.path)
    assert export_path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        out = retention()
    assert f"Testkommune: deleted: logs {number}." in out
    assert not Log.objects.filter(pk=number).exists()
    assert not Child.objects.filter(pk=child_id).exists()
    assert not Guardian.objects.filter(log_id=number).exists()
    assert not path.exists()
    assert not export_path.exists()
    assert not Export.objects.filter(pk=export.pk).exists()
    assert Note.objects.filter(pk=note.pk).exists()  # the owner's, tied to no log
    handover = ArchiveHandover.objects.get(log_number=number)  # the proof stays
    assert handover.log is None and handover.status == HandoverStatus.HANDED_OVER
    event = AuditEvent.objects.get(action="log.deleted_by_retention", log_id=number)
    assert event.actor_id is None
    kept = str(event.data)
    for personal in (VALID_NATIONAL_ID, "Sara", "Stafett", "Foresatt", "Skoleveien"):
        assert personal not in kept


def test_a_log_whose_handover_failed_is_never_deleted_R_SEC_06(log, holder, five_years):
    log = passive_for(log, holder, years=10, handed_over=False)
    out = retention()
    assert f"not handed over to the archive: logs {log.pk}" in out
    assert Log.objects.filter(pk=log.pk).exists()
    assert consent_path(log).exists()
    with pytest.raises(NotDue):
        delete_log(log.pk, now=timezone.now())


def test_logs_within_their_period_or_active_are_kept_R_SEC_06(holder, unit, five_years):
    recent = passive_for(make_log(holder, unit), holder, years=4)
    active = make_log(holder, unit)
    Log.objects.filter(pk=active.pk).update(created_at=timezone.now() - timedelta(days=4000))
    out = retention()
    assert "Testkommune: deleted: logs none." in out
    assert Log.objects.filter(pk__in=[recent.pk, active.pk]).count() == 2
    for number in (recent.pk, active.pk):
        with pytest.raises(NotDue):
            delete_log(number, now=timezone.now())


def test_another_municipalitys_period_does_not_reach_these_logs_R_SEC_06(
    log, holder, municipality, outsider
):
    from organisations.models import Municipality

    Municipality.objects.exclude(pk=municipality.pk).update(retention_years=1)
    log = passive_for(log, holder, years=3)
    retention()
    assert Log.objects.filter(pk=log.pk).exists()


def test_dry_run_lists_and_deletes_nothing_R_SEC_06(
    log, holder, five_years, django_capture_on_commit_callbacks
):
    log = passive_for(log, holder, years=6)
    with django_capture_on_commit_callbacks(execute=True):
        out = retention("--dry-run")
    assert f"Testkommune: would be deleted: logs {log.pk}." in out
    assert "Dry run: nothing was deleted." in out
    assert Log.objects.filter(pk=log.pk).exists()
    assert consent_path(log).exists()
    assert not AuditEvent.objects.filter(action="log.deleted_by_retention").exists()


def test_a_deletion_that_rolls_back_keeps_the_files_R_SEC_06(log, holder, five_years):
    """Files go only once the deletion is committed (here it never is: the test's
    transaction rolls back), so a failed deletion never leaves rows without files."""
    log = passive_for(log, holder, years=6)
    path = consent_path(log)
    delete_log(log.pk, now=timezone.now())
    assert path.exists()
