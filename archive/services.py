"""The archive hand-over's state changes (R-ARCH-01): queued with the log's passive state,
swept again when a worker was lost. The hand-over itself is archive.tasks."""

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from archive.enums import HandoverStatus
from archive.models import ArchiveHandover
from archive.tasks import STALE_AFTER, WAITING, enqueue, hand_over_log
from audit.services import record
from logs.enums import LogStatus
from logs.models import Log


@transaction.atomic
def queue_handover(log: Log) -> ArchiveHandover:
    """Queue the archive hand-over of a passive log, once. Side effects: the hand-over row
    and its task, in the caller's transaction; audit event log.archive_queued."""
    handover, created = ArchiveHandover.objects.get_or_create(
        log_number=log.pk, defaults={"log": log}
    )
    if created:
        enqueue(handover)
        record(action="log.archive_queued", obj=handover, log_id=log.pk)
    return handover


def on_log_set_passive(sender: type[Log], *, log: Log, by: User, **kwargs: Any) -> None:
    """The receiver of logs.signals.log_set_passive (connected in archive.apps)."""
    queue_handover(log)


def _handovers_in_hand(now: datetime, stale_after: timedelta) -> set[int]:
    """The hand-overs a task will still do: queued, or running for less than stale_after."""
    live = DBTaskResult.objects.filter(task_path=hand_over_log.module_path).filter(
        Q(status=TaskResultStatus.READY)
        | Q(status=TaskResultStatus.RUNNING, started_at__gte=now - stale_after)
    )
    return {
        args_kwargs["args"][0]
        for args_kwargs in live.values_list("args_kwargs", flat=True)
        if args_kwargs.get("args")
    }


@transaction.atomic
def requeue_stale(now: datetime, *, stale_after: timedelta = STALE_AFTER) -> int:
    """Queue again what no live task will do: a hand-over whose worker was killed or whose
    task failed, and a passive log with no hand-over at all (set passive before this
    version). Run by `manage.py apply_retention`. Returns how many were queued."""
    count = 0
    missing = Log.objects.filter(status=LogStatus.PASSIVE, archive_handover__isnull=True)
    for log in missing.exclude(pk__in=ArchiveHandover.objects.values("log_number")):
        queue_handover(log)
        count += 1
    overdue = ArchiveHandover.objects.filter(
        status__in=WAITING, log__isnull=False, next_attempt_at__lt=now - stale_after
    ).exclude(claimed_at__gte=now - stale_after)
    if not overdue.exists():
        return count
    in_hand = _handovers_in_hand(now, stale_after)
    for handover in overdue.select_for_update(skip_locked=True):
        if handover.pk in in_hand:
            continue
        handover.next_attempt_at = now
        handover.claimed_at = None
        handover.save(update_fields=["next_attempt_at", "claimed_at"])
        enqueue(handover)
        count += 1
    return count


def log_page_context(
    sender: type[Log], *, log: Log, sensitive: bool, **kwargs: Any
) -> dict[str, Any]:
    """The archive status on a passive log's page, for those who see its sensitive details
    (the holder, guardians): the receiver of logs.signals.log_page_context."""
    if log.status != LogStatus.PASSIVE or not sensitive:
        return {}
    handover = ArchiveHandover.objects.filter(log=log).first()
    if handover is None:
        handover = ArchiveHandover(log=log, log_number=log.pk, status=HandoverStatus.PENDING)
    return {"archive_handover": handover}
