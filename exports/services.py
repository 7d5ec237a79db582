"""Asking for a log as PDF, asking again, and opening it (R-EXP-01, R-EXP-02).

Each is one transaction with its audit row; the PDF itself is made by the worker
(exports.tasks), never in the web request.
"""

from collections.abc import Collection

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import record
from exports import tasks
from exports.enums import ExportStatus, Part
from exports.models import Export
from exports.queries import parts_for
from logs.models import Log
from logs.services import record_log_view
from organisations.enums import Role


@transaction.atomic
def request_export(log: Log, *, by: User, role: Role, parts: Collection[str]) -> Export:
    """Ask for the PDF of the chosen `parts` of `log`, as `by` sees it in `role`.

    Refuses no part, or a part the role may not see (ValidationError on "parts"). Side
    effects: the export row, its task in the queue, the audit row "export.requested" with
    the parts (names only, no content).
    """
    allowed = {part.value for part in parts_for(by, role, log)}
    if not allowed:
        raise ValidationError(_("Du kan ikke eksportere denne loggen."))
    chosen = [part for part in Part.values if part in parts]
    if not chosen:
        raise ValidationError({"parts": _("Velg minst én del av loggen.")})
    if not set(chosen) <= allowed or len(chosen) != len(set(parts)):
        raise ValidationError({"parts": _("Du kan ikke eksportere disse delene.")})
    export = Export.objects.create(log=log, requested_by=by, role=role, parts=chosen)
    record(actor=by, action="export.requested", obj=export, log_id=log.pk, data={"parts": chosen})
    tasks.enqueue(export)
    return export


@transaction.atomic
def retry_export(export: Export, *, by: User) -> Export:
    """Ask again for an export that failed or whose worker was lost (R-EXP-01).

    Only the person who asked; refuses one that is being made, is ready or has expired.
    Side effects: the export pending again, its task queued, the audit row "export.retried".
    """
    export = Export.objects.select_for_update().get(pk=export.pk)
    if export.requested_by_id != by.pk:
        raise ValidationError(_("Bare den som bestilte rapporten, kan prøve igjen."))
    if not export.can_retry:
        raise ValidationError(_("Rapporten kan ikke lages på nytt nå."))
    export.status = ExportStatus.PENDING
    # Counted from now: an export asked for again is not stuck from its first asking.
    export.started_at = timezone.now()
    export.save(update_fields=["status", "started_at"])
    record(actor=by, action="export.retried", obj=export, log_id=export.log_id)
    tasks.enqueue(export)
    return export


@transaction.atomic
def record_download(export: Export, *, by: User, inline: bool) -> None:
    """The person opens or saves their PDF: an audit row "export.downloaded", and a read of
    the log, since the file shows its data (R-SEC-01, R-EXP-02)."""
    record(
        actor=by,
        action="export.downloaded",
        obj=export,
        log_id=export.log_id,
        data={"inline": inline},
    )
    record_log_view(export.log, by=by, page="exports:file", about=export)
