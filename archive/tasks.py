"""The hand-over task and what it does: claim a hand-over, make the package, give it to the
backend, record the result and plan the next attempt (R-ARCH-01). Like the e-mail outbox
(notifications.tasks): no transaction is open while the PDF is made and handed over, and a
failure is tried again after about 1, 5, 15 and 60 minutes, then every 6 hours, for ever:
a hand-over is never given up, since a log is deleted only once the archive has it.
"""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task
from django_tasks_db import DatabaseBackend

from archive.backends import get_backend
from archive.enums import HandoverStatus
from archive.models import ArchiveHandover
from archive.package import build_package
from audit.services import record
from logs.models import Log
from notifications.tasks import BACKOFF, LATER

logger = logging.getLogger(__name__)

# Longer than any one package takes to make and hand over: a claim older than this lost
# its worker (killed mid-way), and the sweep (archive.services.requeue_stale) queues the
# hand-over again.
STALE_AFTER = timedelta(minutes=15)
WAITING = (HandoverStatus.PENDING, HandoverStatus.FAILED)


@task()
def hand_over_log(handover_id: int) -> str:
    """Make and hand over one passive log's archive package; run by the worker."""
    return hand_over(handover_id)


def enqueue(handover: ArchiveHandover) -> None:
    """Queue the hand-over. With the database backend the task is a row written in the
    caller's transaction (never lost); a queue outside the database is told on commit."""
    handover_id, run_after = handover.pk, handover.next_attempt_at
    if isinstance(hand_over_log.get_backend(), DatabaseBackend):
        _enqueue(handover_id, run_after)
    else:
        transaction.on_commit(lambda: _enqueue(handover_id, run_after))


def _enqueue(handover_id: int, run_after: datetime) -> None:
    if run_after > timezone.now():
        hand_over_log.using(run_after=run_after).enqueue(handover_id)
    else:
        hand_over_log.enqueue(handover_id)


def backoff(attempts: int) -> timedelta:
    return BACKOFF[attempts - 1] if attempts <= len(BACKOFF) else LATER


def hand_over(handover_id: int) -> str:
    """Returns "handed_over", "retry", "skipped" (nothing to do, or another worker has it)
    or "superseded" (this worker's claim went stale and another took over)."""
    handover = _claim(handover_id)
    if handover is None:
        return "skipped"
    try:
        if handover.log_id is None:  # deleted meanwhile; _claim takes only those with a log
            raise Log.DoesNotExist
        log = Log.objects.select_related("child", "unit__municipality", "holder").get(
            pk=handover.log_id
        )
        reference = get_backend().hand_over(build_package(log))
    except Exception as error:
        logger.warning(
            "Archive hand-over %s failed: %s", handover.pk, type(error).__name__, exc_info=True
        )
        return _record(handover.pk, handover.claimed_at, error=error)
    return _record(handover.pk, handover.claimed_at, reference=reference)


@transaction.atomic
def _claim(handover_id: int) -> ArchiveHandover | None:
    now = timezone.now()
    handover = (
        ArchiveHandover.objects.select_for_update(skip_locked=True)
        .filter(pk=handover_id, status__in=WAITING, log__isnull=False)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - STALE_AFTER))
        .first()
    )
    if handover is None:
        return None
    handover.claimed_at = now
    handover.save(update_fields=["claimed_at"])
    return handover


@transaction.atomic
def _record(
    handover_id: int,
    claim: datetime | None,
    *,
    reference: str = "",
    error: Exception | None = None,
) -> str:
    handover = ArchiveHandover.objects.select_for_update().filter(pk=handover_id).first()
    if handover is None or handover.status not in WAITING:
        return "superseded"
    if handover.claimed_at != claim and (handover.claimed_at is not None or error is not None):
        return "superseded"
    now = timezone.now()
    handover.attempts += 1
    handover.claimed_at = None
    if error is None:
        handover.status = HandoverStatus.HANDED_OVER
        handover.handed_over_at = now
        handover.reference = reference[:300]
        handover.last_error = ""
        handover.save()
        record(
            action="log.archived",
            obj=handover,
            log_id=handover.log_number,
            data={"attempts": handover.attempts},
        )
        return "handed_over"
    # The error's type and message name a folder or a server, never the log's content.
    handover.status = HandoverStatus.FAILED
    handover.last_error = f"{type(error).__name__}: {error}"[:500]
    handover.next_attempt_at = now + backoff(handover.attempts)
    handover.save()
    enqueue(handover)
    return "retry"
