"""The outbox: every e-mail is queued in the transaction of the change that causes it
(R-SEC-04), in the recipient's language, with no sensitive content (R-NOTIFY-01)."""

import logging
import smtplib
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from notifications.enums import OPTIONAL_KINDS, EmailStatus, Kind
from notifications.models import NotificationPreferences, OutgoingEmail

if TYPE_CHECKING:
    # For annotations only: notifications sits below accounts and never imports it to run.
    from accounts.models import User

log = logging.getLogger(__name__)

# About 1, 5, 15 and 60 minutes, then every 6 hours, for up to 72 hours (R-SEC-04).
BACKOFF = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1)]
LATER = timedelta(hours=6)
GIVE_UP_AFTER = timedelta(hours=72)
# A delivery claimed this long ago lost its worker (killed mid-send, or its database went
# away), and a pending e-mail this long past due that no live task will deliver is queued
# again by the worker's sweeper (notifications.worker), every minute: see requeue_stale().
# Longer than any one SMTP send (EMAIL_TIMEOUT a network step).
STALE_AFTER = timedelta(minutes=2)


def _enqueue(email: OutgoingEmail) -> None:
    from notifications.tasks import deliver_email

    if email.next_attempt_at > timezone.now():
        deliver_email.using(run_after=email.next_attempt_at).enqueue(email.pk)
    else:
        deliver_email.enqueue(email.pk)


def wants(user: "User | None", kind: str) -> bool:
    """Whether the person receives this kind of e-mail (R-NOTIFY-01 preferences)."""
    if user is None or kind not in OPTIONAL_KINDS:
        return True
    preferences = getattr(user, "notification_preferences", None)
    return preferences is None or preferences.wants(kind)


@transaction.atomic
def queue_email(
    *,
    kind: Kind,
    to: str,
    template: str,
    context: dict[str, Any],
    language: str | None = None,
    user: "User | None" = None,
    attachment: tuple[str, str, str] | None = None,
) -> OutgoingEmail | None:
    """Render `template`_subject.txt and `template`.txt in the recipient's language and
    queue the e-mail. Returns None when the person has switched this kind off.

    `attachment` is (file name, MIME type, text), e.g. an iCalendar invitation.
    """
    if not to or not wants(user, kind):
        return None
    language = language or (user.language if user is not None else settings.LANGUAGE_CODE)
    context = {"site_url": settings.STAFETT_SITE_URL, "recipient": user, **context}
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}.txt", context)
    name, mimetype, content = attachment or ("", "", "")
    email = OutgoingEmail.objects.create(
        kind=kind,
        to=to,
        user=user,
        subject=subject[:200],
        body=body,
        attachment_name=name,
        attachment_type=mimetype,
        attachment=content,
    )
    _enqueue(email)
    return email


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
        _enqueue(email)
        return "retry"
    return "failed"


def _forget(email: OutgoingEmail) -> tuple[str, str]:
    """Once delivered or given up, the text is not kept: it may hold an activation link,
    which must not outlive its use in the database or its backups."""
    return "", ""


def _emails_in_hand(now: datetime, stale_after: timedelta) -> set[int]:
    """The e-mails a task will still deliver: queued (now or later), or taken by a worker
    so recently that it may still be sending. A task "running" for longer lost its worker."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from notifications.tasks import deliver_email

    live = DBTaskResult.objects.filter(task_path=deliver_email.module_path).filter(
        Q(status=TaskResultStatus.READY)
        | Q(status=TaskResultStatus.RUNNING, started_at__gte=now - stale_after)
    )
    return {
        args_kwargs["args"][0]
        for args_kwargs in live.values_list("args_kwargs", flat=True)
        if args_kwargs.get("args")
    }


@transaction.atomic
def requeue_stale(now: datetime | None = None, *, stale_after: timedelta = STALE_AFTER) -> int:
    """Queue again the pending e-mails whose delivery will not happen by itself: the worker
    stopped between taking the task and marking the e-mail (killed, or its database went
    away mid-send), or the task failed. Run by the worker every minute, and by
    `manage.py send_reminders`. An e-mail still queued or being sent is left alone; the
    claim of one whose worker is lost is cleared, so that the new task's delivery takes it
    whatever limit this sweep was given."""
    now = now or timezone.now()
    overdue = OutgoingEmail.objects.filter(
        status=EmailStatus.PENDING, next_attempt_at__lt=now - stale_after
    ).exclude(claimed_at__gte=now - stale_after)
    if not overdue.exists():
        return 0
    in_hand = _emails_in_hand(now, stale_after)
    count = 0
    for email in overdue.select_for_update(skip_locked=True):
        if email.pk in in_hand:
            continue
        email.next_attempt_at = now
        email.claimed_at = None
        email.save(update_fields=["next_attempt_at", "claimed_at"])
        _enqueue(email)
        count += 1
    return count


def preferences_of(user: "User") -> NotificationPreferences:
    """The person's notification choices (an unsaved all-on row when they have made none)."""
    return NotificationPreferences.objects.filter(user=user).first() or NotificationPreferences(
        user=user
    )


@transaction.atomic
def update_preferences(
    user: "User", *, request: HttpRequest | None = None, **values: bool
) -> list[str]:
    """Switch optional e-mail kinds on or off (R-NOTIFY-01). Returns the changed kinds.

    Side effect: an audit event naming the changed kinds.
    """
    from audit.services import record

    preferences = preferences_of(user)
    changed = [
        kind
        for kind in sorted(k.value for k in OPTIONAL_KINDS)
        if kind in values and getattr(preferences, kind) != bool(values[kind])
    ]
    if not changed:
        return []
    for kind in changed:
        setattr(preferences, kind, bool(values[kind]))
    preferences.save()
    record(
        actor=user,
        action="notifications.preferences_changed",
        obj=preferences,
        request=request,
        data={kind: getattr(preferences, kind) for kind in changed},
    )
    return changed
