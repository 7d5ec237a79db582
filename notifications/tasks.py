"""The delivery task, and what it does: claim an e-mail from the outbox, send it, record
the result, and plan the next attempt (R-SEC-04). The outbox itself is notifications.services.

The task and the delivery are one module because each needs the other (a failed attempt
queues the task again); services imports from here, never the other way.
"""

import logging
import smtplib
from datetime import datetime, timedelta

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task
from django_tasks_db import DatabaseBackend

from notifications.enums import EmailStatus
from notifications.models import OutgoingEmail

log = logging.getLogger(__name__)

# About 1, 5, 15 and 60 minutes, then every 6 hours, for up to 72 hours (R-SEC-04).
BACKOFF = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1)]
LATER = timedelta(hours=6)
GIVE_UP_AFTER = timedelta(hours=72)
# A delivery claimed this long ago lost its worker (killed mid-send, or its database went
# away), and a pending e-mail this long past due that no live task will deliver is queued
# again by the worker's sweeper (notifications.worker), every minute: see
# notifications.services.requeue_stale().
# Longer than any one SMTP send (EMAIL_TIMEOUT a network step).
STALE_AFTER = timedelta(minutes=2)


@task()
def deliver_email(email_id: int) -> str:
    """Send one e-mail from the outbox; the worker (`manage.py run_worker`) runs it."""
    return deliver(email_id)


def enqueue(email: OutgoingEmail) -> None:
    """Queue the delivery of `email`. With the database backend the task is a row written in
    the caller's transaction (R-SEC-04). A queue outside the database (RQ in Redis) is only
    told once that transaction commits: a worker never looks for an e-mail not yet there, or
    one rolled back. Should the process die in between, the sweep (requeue_stale) queues it
    again; the e-mail row is the durable record either way."""
    email_id, run_after = email.pk, email.next_attempt_at
    if isinstance(deliver_email.get_backend(), DatabaseBackend):
        _enqueue(email_id, run_after)
    else:
        transaction.on_commit(lambda: _enqueue(email_id, run_after))


def _enqueue(email_id: int, run_after: datetime) -> None:
    if run_after > timezone.now():
        deliver_email.using(run_after=run_after).enqueue(email_id)
    else:
        deliver_email.enqueue(email_id)


def _backoff(attempts: int) -> timedelta:
    return BACKOFF[attempts - 1] if attempts <= len(BACKOFF) else LATER


def deliver(email_id: int) -> str:
    """Send one queued e-mail; on failure schedule the next attempt or give up.

    In three steps, so that no transaction is open while the SMTP server takes its time (up
    to EMAIL_TIMEOUT a network step): on SQLite a transaction holds the write lock every
    page needs, on PostgreSQL a row lock and a connection. The e-mail is claimed in a
    short transaction, sent, and its result recorded in another. Returns "sent", "retry",
    "failed", "skipped" (nothing to send, or another worker is sending it) or "superseded"
    (this worker's claim went stale and another took the e-mail over: the result is theirs).
    """
    email = _claim(email_id)
    if email is None:
        return "skipped"
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        to=[email.to],
        headers={"Message-ID": email.message_id, "Auto-Submitted": "auto-generated"},
    )
    if email.attachment:
        message.attach(email.attachment_name, email.attachment, email.attachment_type)
    try:
        message.send()
    except Exception as error:
        return _record(email.pk, email.claimed_at, error)
    return _record(email.pk, email.claimed_at)


@transaction.atomic
def _claim(email_id: int) -> OutgoingEmail | None:
    """Take a pending e-mail that no live worker has: two workers never send it at once.

    The row lock lasts only this transaction; the claim time marks the e-mail as taken
    after it, until it is older than STALE_AFTER."""
    now = timezone.now()
    email = (
        OutgoingEmail.objects.select_for_update(skip_locked=True)
        .filter(pk=email_id, status=EmailStatus.PENDING)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - STALE_AFTER))
        .first()
    )
    if email is None:
        return None
    email.claimed_at = now
    email.save(update_fields=["claimed_at"])
    return email


@transaction.atomic
def _record(email_id: int, claim: datetime | None, error: Exception | None = None) -> str:
    """Mark the e-mail sent, or plan its next attempt, or give up on it, once: only while
    the claim is still this worker's. A claim the sweep found lost and freed still counts
    for a send that got through, so that the e-mail is not sent again."""
    email = OutgoingEmail.objects.select_for_update().filter(pk=email_id).first()
    if email is None or email.status != EmailStatus.PENDING:
        return "superseded"
    if email.claimed_at != claim and (email.claimed_at is not None or error is not None):
        return "superseded"
    now = timezone.now()
    email.attempts += 1
    email.claimed_at = None
    if error is None:
        email.status = EmailStatus.SENT
        email.sent_at = now
        email.body, email.attachment = _forget(email)
        email.save(
            update_fields=["status", "sent_at", "attempts", "body", "attachment", "claimed_at"]
        )
        return "sent"
    email.last_error = f"{type(error).__name__}: {error}"[:500]
    if now - email.created_at >= GIVE_UP_AFTER or isinstance(error, smtplib.SMTPRecipientsRefused):
        email.status = EmailStatus.FAILED
        email.body, email.attachment = _forget(email)
        log.warning("E-mail %s failed for good: %s", email.pk, type(error).__name__)
    else:
        email.next_attempt_at = now + _backoff(email.attempts)
    email.save(
        update_fields=[
            *("attempts", "last_error", "status", "next_attempt_at"),
            *("body", "attachment", "claimed_at"),
        ]
    )
    if email.status == EmailStatus.PENDING:
        enqueue(email)
        return "retry"
    return "failed"


def _forget(email: OutgoingEmail) -> tuple[str, str]:
    """Once delivered or given up, the text is not kept: it may hold an activation link,
    which must not outlive its use in the database or its backups."""
    return "", ""
