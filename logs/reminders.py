"""The time-driven notices (R-NOTIFY-01), sent by `manage.py send_reminders`.

Safe to run every hour, or twice at once: a reminder is a SentReminder row, unique per
(kind, object, due date), written in the same transaction as its e-mail. A new deadline or
a new consent is a new date, so it is reminded again.
"""

from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from accounts.models import User
from logs.enums import LogStatus, MeasureStatus
from logs.models import Consent, Measure
from logs.notices import log_url
from notifications.enums import Kind, ReminderKind
from notifications.models import SentReminder
from notifications.services import queue_email

DEADLINE_SOON = timedelta(days=3)
CONSENT_SOON = timedelta(days=30)


def _remind(reminder: ReminderKind, object_id: int, due: date, holder: User, **email: Any) -> bool:
    """Queue the reminder unless it was sent before; True when it is new."""
    try:
        with transaction.atomic():
            sent, created = SentReminder.objects.get_or_create(
                kind=reminder, object_id=object_id, due_date=due
            )
            if not created:
                return False
            if holder.is_active:
                sent.email = queue_email(to=holder.email, user=holder, **email)
                sent.save(update_fields=["email"])
    except IntegrityError:  # another run got there first
        return False
    return True


def _open_measures() -> QuerySet[Measure]:
    return Measure.objects.filter(
        status=MeasureStatus.OPEN, concern__log__status=LogStatus.ACTIVE
    ).select_related("concern__log__holder")


def remind_deadlines(today: date) -> int:
    """Deadline in 3 days (or fewer) and deadline passed → the holder."""
    count = 0
    soon = _open_measures().filter(deadline__gte=today, deadline__lte=today + DEADLINE_SOON)
    for measure in soon:
        log = measure.concern.log
        count += _remind(
            ReminderKind.DEADLINE_SOON,
            measure.pk,
            measure.deadline,
            log.holder,
            kind=Kind.DEADLINE,
            template="notifications/email/deadline_soon",
            context={"log_url": log_url(log.pk, f"measure-{measure.pk}"), "due": measure.deadline},
        )
    for measure in _open_measures().filter(deadline__lt=today):
        log = measure.concern.log
        count += _remind(
            ReminderKind.DEADLINE_PASSED,
            measure.pk,
            measure.deadline,
            log.holder,
            kind=Kind.DEADLINE,
            template="notifications/email/deadline_passed",
            context={"log_url": log_url(log.pk, f"measure-{measure.pk}"), "due": measure.deadline},
        )
    return count


def remind_consents(today: date) -> int:
    """The log's current consent runs out within 30 days → the holder (R-LOG-02)."""
    newest = Consent.objects.filter(log=OuterRef("log")).order_by("-uploaded_at", "-id")
    expiring = Consent.objects.filter(
        pk=Subquery(newest.values("pk")[:1]),
        log__status=LogStatus.ACTIVE,
        valid_until__gte=today,
        valid_until__lte=today + CONSENT_SOON,
    ).select_related("log__holder")
    count = 0
    for consent in expiring:
        count += _remind(
            ReminderKind.CONSENT_EXPIRY,
            consent.pk,
            consent.valid_until,
            consent.log.holder,
            kind=Kind.CONSENT_EXPIRY,
            template="notifications/email/consent_expiry",
            context={"log_url": log_url(consent.log_id, "child"), "due": consent.valid_until},
        )
    return count


def send_reminders(today: date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    return {"deadlines": remind_deadlines(today), "consents": remind_consents(today)}
