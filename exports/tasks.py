"""The worker's side of an export (R-EXP-01): make the PDF, keep it 24 hours, delete it.

The task and what it does are one module, as in notifications.tasks: the services queue the
task, and the task's work needs the models only. No transaction is open while WeasyPrint
works (a second or more): on SQLite one would hold the write lock every page needs. The
export is claimed in a short transaction, rendered, and its file recorded in another.
"""

import logging
from datetime import datetime
from functools import partial

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks import task
from django_tasks_db import DatabaseBackend

from audit.services import record
from exports.enums import ExportStatus
from exports.models import KEEP_FOR, Export
from exports.render import render_log
from organisations.enums import Role

log = logging.getLogger(__name__)


@task()
def make_export_task(export_id: int) -> str:
    """Make one export's PDF; the worker (`manage.py run_worker`) runs it."""
    return make_export(export_id)


@task()
def delete_export_task(export_id: int) -> str:
    """Delete one export's PDF once it has been kept KEEP_FOR."""
    return "deleted" if delete_expired_exports(only=export_id) else "skipped"


def enqueue(export: Export) -> None:
    """Queue the making of `export`. With the database backend the task is a row written in
    the caller's transaction, so it is never lost; a queue outside the database is told
    once that transaction commits, so a worker never looks for an export not yet there."""
    export_id = export.pk
    if isinstance(make_export_task.get_backend(), DatabaseBackend):
        make_export_task.enqueue(export_id)
    else:
        transaction.on_commit(lambda: make_export_task.enqueue(export_id))


def _claim(export_id: int) -> Export | None:
    """Mark the export as being made, unless it is made, gone, or another worker has it."""
    with transaction.atomic():
        export = (
            Export.objects.select_for_update()
            .select_related("log__child", "log__unit__municipality", "log__holder", "requested_by")
            .filter(pk=export_id)
            .first()
        )
        if export is None or export.status not in (ExportStatus.PENDING, ExportStatus.RUNNING):
            return None
        if export.status == ExportStatus.RUNNING and not export.is_stuck():
            return None
        export.status = ExportStatus.RUNNING
        export.started_at = timezone.now()
        export.attempts += 1
        export.save(update_fields=["status", "started_at", "attempts"])
        return export


def make_export(export_id: int) -> str:
    """Render the export's PDF and store it; "ready", "failed" or "skipped".

    A failure marks the export failed, so its page offers «Prøv igjen»; a worker killed
    mid-PDF leaves it running, and after STUCK_AFTER the page offers the same.
    """
    export = _claim(export_id)
    if export is None:
        return "skipped"
    try:
        rendered = render_log(
            export.log,
            viewer=export.requested_by,
            role=Role(export.role),
            parts=export.parts,
        )
    except Exception:
        # Never the log's content in the application log: the export's id only.
        log.exception("Export %s could not be made", export_id)
        Export.objects.filter(pk=export_id).update(status=ExportStatus.FAILED)
        return "failed"
    export.file.save("export.pdf", ContentFile(rendered.data), save=False)
    try:
        with transaction.atomic():
            now = timezone.now()
            export.status = ExportStatus.READY
            export.size = len(rendered.data)
            export.pages = rendered.pages
            export.finished_at = now
            export.expires_at = now + KEEP_FOR
            fields = ["file", "status", "size", "pages", "finished_at", "expires_at"]
            export.save(update_fields=fields)
            _plan_deletion(export)
    except Exception:
        # A file whose row does not name it would stay on disk for ever.
        if export.file.name:
            export.file.storage.delete(export.file.name)
        raise
    return "ready"


def _plan_deletion(export: Export) -> None:
    backend = delete_export_task.get_backend()
    if backend.supports_defer and export.expires_at is not None:
        delete_export_task.using(run_after=export.expires_at).enqueue(export.pk)


def delete_log_exports(log_id: int) -> int:
    """Delete every export file of a log, for the archive's retention (R-SEC-06) before the
    log itself goes: the rows go with the log, the files would stay. Returns how many."""
    return _expire(Export.objects.filter(log_id=log_id).exclude(status=ExportStatus.EXPIRED))


def delete_expired_exports(*, now: datetime | None = None, only: int | None = None) -> int:
    """Delete the files of exports kept past their time (and of any stuck or failed export
    older than that), mark them expired, and record each; returns how many.

    Run by the worker at each export's expiry and hourly by `manage.py purge_exports`, which
    catches any the worker missed."""
    now = now or timezone.now()
    expired = Export.objects.filter(
        status__in=(ExportStatus.READY, ExportStatus.FAILED), expires_at__lte=now
    ) | Export.objects.filter(
        status__in=(ExportStatus.PENDING, ExportStatus.RUNNING, ExportStatus.FAILED),
        created_at__lte=now - KEEP_FOR,
    )
    if only is not None:
        expired = expired.filter(pk=only)
    return _expire(expired)


def _expire(exports: QuerySet[Export]) -> int:
    count = 0
    for export in exports.order_by("pk"):
        with transaction.atomic():
            name = export.file.name
            Export.objects.filter(pk=export.pk).update(status=ExportStatus.EXPIRED, file="", size=0)
            record(action="export.expired", obj=export, log_id=export.log_id)
            if name:
                transaction.on_commit(partial(export.file.storage.delete, name))
        count += 1
    return count
