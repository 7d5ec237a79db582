"""The durable outbox (R-SEC-04)."""

import smtplib
from datetime import timedelta

from django.core import mail
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from notifications.enums import EmailStatus, Kind
from notifications.models import OutgoingEmail
from notifications.services import queue_email, requeue_stale
from notifications.tasks import deliver


def test_queued_email_is_a_row_and_a_task_in_the_same_transaction_R_SEC_04(holder):
    email = queue_email(
        kind=Kind.MEETING,
        to=holder.email,
        template="notifications/email/test",
        context={},
        user=holder,
    )
    assert email.status == EmailStatus.PENDING
    assert DBTaskResult.objects.filter(args_kwargs__args=[email.pk]).exists()
    assert deliver(email.pk) == "sent"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == email.message_id
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert email.body == ""  # a sent text (maybe an activation link) is not kept
    assert deliver(email.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_a_failing_send_is_retried_later_R_SEC_04(holder, monkeypatch):
    email = queue_email(
        kind=Kind.MEETING, to=holder.email, template="notifications/email/test", context={}
    )

    def down(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", down)
    assert deliver(email.pk) == "retry"
    email.refresh_from_db()
    assert email.status == EmailStatus.PENDING
    assert email.attempts == 1
    assert OutgoingEmail.objects.count() == 1


def test_an_unexpected_error_while_sending_takes_the_retry_path_R_SEC_04(holder, monkeypatch):
    email = queue_email(
        kind=Kind.MEETING, to=holder.email, template="notifications/email/test", context={}
    )

    def broken(self, *args, **kwargs):
        raise ValueError("unexpected")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    assert deliver(email.pk) == "retry"
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.PENDING, 1)
    assert "ValueError" in email.last_error


# --- the sweep: deliveries a stopped worker left (R-SEC-04) -----------------------------------


def _queued(holder):
    return queue_email(
        kind=Kind.MEETING, to=holder.email, template="notifications/email/test", context={}
    )


def _task_of(email):
    return DBTaskResult.objects.filter(args_kwargs__args=[email.pk])


def _minutes_ago(minutes: float):
    return timezone.now() - timedelta(minutes=minutes)


def test_an_email_whose_worker_stopped_mid_send_is_queued_again_within_minutes_R_SEC_04(holder):
    email = _queued(holder)
    # A worker took it three minutes ago and never came back (killed, or its database went
    # away mid-send): the task stays "running", the e-mail pending.
    OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=_minutes_ago(3))
    _task_of(email).update(status=TaskResultStatus.RUNNING, started_at=_minutes_ago(3))

    assert requeue_stale() == 1

    assert _task_of(email).filter(status=TaskResultStatus.READY).count() == 1
    assert deliver(email.pk) == "sent"
    assert requeue_stale() == 0


def test_an_email_whose_task_failed_is_queued_again_R_SEC_04(holder):
    email = _queued(holder)
    OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=_minutes_ago(3))
    _task_of(email).update(status=TaskResultStatus.FAILED, started_at=_minutes_ago(3))

    assert requeue_stale() == 1


def test_an_email_still_queued_or_being_sent_is_not_queued_twice_R_SEC_04_R_GEN_08(holder):
    """A worker that is behind, or a slow SMTP server, is no reason for a second task."""
    waiting, sending = _queued(holder), _queued(holder)
    OutgoingEmail.objects.update(next_attempt_at=_minutes_ago(30))
    _task_of(sending).update(status=TaskResultStatus.RUNNING, started_at=_minutes_ago(0.5))

    assert requeue_stale() == 0

    assert _task_of(waiting).count() == 1
    assert _task_of(sending).count() == 1
