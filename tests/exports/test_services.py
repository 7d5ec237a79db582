"""Asking for an export, the worker making it, retrying, expiry (R-EXP-01, R-EXP-02)."""

from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from audit.models import AuditEvent
from exports.enums import ALL_PARTS, ExportStatus, Part
from exports.models import Export
from exports.services import record_download, request_export, retry_export
from exports.tasks import delete_expired_exports, make_export
from logs.enums import Outcome
from logs.services import create_glimpse, evaluate_measure
from notes.services import create_note
from organisations.enums import Role
from tests.exports.conftest import pdf_pages, pdf_text
from tests.factories import CONCERN_SENTINEL, VALID_NATIONAL_ID, make_concern

pytestmark = pytest.mark.django_db

HEADINGS = {
    Part.CHILD: "Barnet og foresatte",
    Part.CONCERNS: "Oppmerksomheter og tiltak",
    Part.MEETINGS: "Tverrfaglige møter",
    Part.GLIMPSES: "Lysglimt",
    Part.HISTORY: "Historikk",
    Part.OPENINGS: "Hvem har åpnet loggen",
}


def _text(export) -> str:
    with export.file.open("rb") as stored:
        return pdf_text(stored.read())


def test_request_writes_export_task_and_audit_in_one_go_R_EXP_02(log, holder):
    export = request_export(log, by=holder, role=Role.HOLDER, parts=[Part.CONCERNS])
    assert export.status == ExportStatus.PENDING
    assert export.parts == ["concerns"]
    assert DBTaskResult.objects.filter(args_kwargs__args=[export.pk]).exists()
    event = AuditEvent.objects.get(action="export.requested")
    assert (event.actor_id, event.log_id, event.data) == (
        holder.pk,
        log.pk,
        {"parts": ["concerns"]},
    )


def test_no_part_chosen_is_refused_next_to_the_field_R_EXP_01(log, holder):
    with pytest.raises(ValidationError) as error:
        request_export(log, by=holder, role=Role.HOLDER, parts=[])
    assert "parts" in error.value.message_dict
    assert not Export.objects.exists()


def test_actor_may_not_ask_for_guardians_or_history_R_EXP_01(log, holder, actor):
    make_concern(log, actors=[actor])
    for part in (Part.CHILD, Part.HISTORY, Part.OPENINGS):
        with pytest.raises(ValidationError):
            request_export(log, by=actor, role=Role.ACTOR, parts=[part])


def test_leader_may_export_nothing_R_EXP_01(log, leader):
    with pytest.raises(ValidationError):
        request_export(log, by=leader, role=Role.LEADER, parts=[Part.CONCERNS])


@pytest.mark.parametrize(
    "parts",
    [[Part.CHILD], [Part.CONCERNS, Part.GLIMPSES], [Part.HISTORY, Part.OPENINGS], ALL_PARTS],
)
def test_the_chosen_parts_are_the_printed_parts_R_EXP_01(log, holder, made, parts):
    make_concern(log)
    export = made(request_export(log, by=holder, role=Role.HOLDER, parts=parts))
    assert export.status == ExportStatus.READY
    # The title page lists the parts; each printed part starts a page with its heading.
    with export.file.open("rb") as stored:
        body = "\n".join(pdf_pages(stored.read())[1:])
    for part, heading in HEADINGS.items():
        assert (heading in body) == (part in parts), part


def test_export_masks_national_id_and_names_who_and_when_R_EXP_02(log, holder, made):
    export = made(request_export(log, by=holder, role=Role.HOLDER, parts=ALL_PARTS))
    text = _text(export)
    assert VALID_NATIONAL_ID not in text
    assert f"{VALID_NATIONAL_ID[:6]} *****" in text
    assert "Eksportert av" in text
    assert holder.get_full_name() in text
    assert timezone.localdate().strftime("%-d.%-m.%Y") in text
    assert f"side 1 av {export.pages}" in text
    assert f"side {export.pages} av {export.pages}" in text


def test_actor_export_has_only_their_concerns_R_EXP_01(log, holder, actor, made):
    make_concern(log, actors=[actor], description="Aktørens egen oppmerksomhet")
    make_concern(log, description=CONCERN_SENTINEL)
    export = made(request_export(log, by=actor, role=Role.ACTOR, parts=["concerns", "glimpses"]))
    text = _text(export)
    assert "Aktørens egen oppmerksomhet" in text
    assert CONCERN_SENTINEL not in text
    assert VALID_NATIONAL_ID[:6] not in text


def test_guardian_export_has_no_personal_note_nor_unpublished_glimpse_R_EXP_01(
    log, holder, guardian_user, made
):
    create_note(by=holder, text="PERSONLIG-NOTAT-SENTINEL")
    create_note(by=guardian_user, text="FORESATT-NOTAT-SENTINEL")
    create_glimpse(
        log,
        by=holder,
        role=Role.HOLDER,
        text="UPUBLISERT-SENTINEL",
        happened_on=timezone.localdate(),
    )
    concern = make_concern(log)
    evaluate_measure(concern.measures.get(), by=holder, outcome=Outcome.values[0], text="Gikk bra")
    export = made(request_export(log, by=guardian_user, role=Role.GUARDIAN, parts=ALL_PARTS))
    text = _text(export)
    assert "Gikk bra" in text
    for sentinel in ("PERSONLIG-NOTAT", "FORESATT-NOTAT", "UPUBLISERT-SENTINEL"):
        assert sentinel not in text


def test_a_failed_render_is_marked_failed_and_can_be_retried_R_EXP_01(log, holder, made):
    export = request_export(log, by=holder, role=Role.HOLDER, parts=ALL_PARTS)
    with mock.patch("exports.tasks.render_log", side_effect=OSError("killed")):
        assert make_export(export.pk) == "failed"
    export.refresh_from_db()
    assert export.can_retry
    Export.objects.filter(pk=export.pk).update(created_at=timezone.now() - timedelta(hours=1))
    retry_export(export, by=holder)
    export.refresh_from_db()
    assert export.in_progress and not export.can_retry
    assert made(export).status == ExportStatus.READY
    assert AuditEvent.objects.filter(action="export.retried").count() == 1


def test_a_worker_killed_mid_pdf_leaves_an_export_that_can_be_retried_R_EXP_01(log, holder):
    export = request_export(log, by=holder, role=Role.HOLDER, parts=ALL_PARTS)
    long_ago = timezone.now() - timedelta(minutes=10)
    Export.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING, started_at=long_ago)
    export.refresh_from_db()
    assert not export.in_progress and export.can_retry
    # The task still queued for it may pick it up again, too.
    assert make_export(export.pk) == "ready"


def test_a_running_export_is_not_made_twice(log, holder):
    export = request_export(log, by=holder, role=Role.HOLDER, parts=ALL_PARTS)
    Export.objects.filter(pk=export.pk).update(
        status=ExportStatus.RUNNING, started_at=timezone.now()
    )
    assert make_export(export.pk) == "skipped"
    with pytest.raises(ValidationError):
        retry_export(export, by=holder)


def test_someone_else_may_not_retry(log, holder, other_holder):
    export = request_export(log, by=holder, role=Role.HOLDER, parts=ALL_PARTS)
    Export.objects.filter(pk=export.pk).update(status=ExportStatus.FAILED)
    with pytest.raises(ValidationError):
        retry_export(export, by=other_holder)


def test_download_is_audited_and_counts_as_a_read_R_EXP_02(log, holder, made):
    export = made(request_export(log, by=holder, role=Role.HOLDER, parts=ALL_PARTS))
    record_download(export, by=holder, inline=True)
    assert AuditEvent.objects.filter(action="export.downloaded", log_id=log.pk).count() == 1
    read = AuditEvent.objects.filter(action="log.viewed").latest("pk")
    assert read.data["page"] == "exports:file"


def test_file_deleted_after_24_hours_R_EXP_01(log, holder, made):
    export = made(request_export(log, by=holder, role=Role.HOLDER, parts=ALL_PARTS))
    path = Path(export.file.path)
    later = timezone.now() + timedelta(hours=23)
    assert delete_expired_exports(now=later) == 0
    assert path.exists()
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert delete_expired_exports(now=timezone.now() + timedelta(hours=24, minutes=1)) == 1
    export.refresh_from_db()
    assert export.status == ExportStatus.EXPIRED
    assert not export.file
    assert not path.exists()
    assert AuditEvent.objects.filter(action="export.expired", log_id=log.pk).exists()


def test_deletion_is_planned_with_the_worker_R_EXP_01(log, holder, made):
    export = made(request_export(log, by=holder, role=Role.HOLDER, parts=ALL_PARTS))
    planned = DBTaskResult.objects.filter(task_path="exports.tasks.delete_export_task")
    assert planned.get().run_after == export.expires_at


def test_retention_can_delete_every_export_file_of_a_log_R_SEC_06(log, holder, made):
    from exports.tasks import delete_log_exports

    export = made(request_export(log, by=holder, role=Role.HOLDER, parts=["concerns"]))
    path = Path(export.file.path)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert delete_log_exports(log.pk) == 1
    assert not path.exists()
    assert delete_log_exports(log.pk) == 0
