"""The outbox: every e-mail is queued in the transaction of the change that causes it
(R-SEC-04), in the recipient's language, with no sensitive content (R-NOTIFY-01)."""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from audit.services import record
from notifications.enums import OPTIONAL_KINDS, EmailStatus, Kind
from notifications.models import NotificationPreferences, OutgoingEmail
from notifications.tasks import STALE_AFTER, deliver_email, enqueue

if TYPE_CHECKING:
    # For annotations only: notifications sits below accounts and never imports it to run.
    from accounts.models import User


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
    # RFC 2606 .invalid: a login made without an address (logs.services.id_logins).
    if not to or to.lower().endswith(".invalid") or not wants(user, kind):
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
    enqueue(email)
    return email


def _emails_in_hand(now: datetime, stale_after: timedelta) -> set[int]:
    """The e-mails a task will still deliver: queued (now or later), or taken by a worker
    so recently that it may still be sending. A task "running" for longer lost its worker."""
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
        enqueue(email)
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
