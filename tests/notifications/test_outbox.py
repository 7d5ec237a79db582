"""The durable outbox (R-SEC-04)."""

import smtplib

from django.core import mail
from django_tasks_db.models import DBTaskResult

from notifications.enums import EmailStatus, Kind
from notifications.models import OutgoingEmail
from notifications.services import deliver, queue_email


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
