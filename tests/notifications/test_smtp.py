"""The outbox against a real SMTP server (aiosmtpd on 127.0.0.1): nothing lost, nothing
doubled, nothing sensitive (R-SEC-04, R-NOTIFY-01, R-LOG-04)."""

import socket
from datetime import timedelta
from email import message_from_bytes
from unittest import mock

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from logs.reminders import send_reminders
from logs.services import create_glimpse, publish_glimpse, update_measure
from notifications.enums import EmailStatus, Kind
from notifications.models import OutgoingEmail
from notifications.services import requeue_stale
from notifications.tasks import GIVE_UP_AFTER, STALE_AFTER, deliver
from organisations.enums import Role
from tests.factories import (
    CONCERN_SENTINEL,
    VALID_NATIONAL_ID,
    guardian_data,
    make_concern,
)

REFUSED = "avvist@example.no"


class Inbox:
    """An aiosmtpd handler that keeps what it receives and refuses one address."""

    def __init__(self):
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


class SmtpServer:
    """A real SMTP server on a free local port that a test can start late (a server that is
    down at first, then comes up)."""

    def __init__(self, port: int):
        self.port = port
        self.inbox = Inbox()
        self._controller = None

    @property
    def messages(self):
        return self.inbox.messages

    def start(self):
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """The SMTP backend pointed at a local port; the server is not started yet."""
    server = SmtpServer(_free_port())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


def _add_guardian_through_the_page(client, holder, log, email: str):
    """The request that causes the invitation: the holder adds a guardian."""
    client.force_login(holder)
    data = guardian_data(first_name="Per", email=email)
    return client.post(f"/logger/{log.pk}/foresatte/ny/", data)


def _run_the_worker():
    """Run every task that is due, as `manage.py db_worker` does, then stop.

    The worker closes "old" connections between tasks; inside the test's transaction that
    would close the test's own connection (PostgreSQL), so that part is left out here.
    """
    DBTaskResult.objects.update(run_after=timezone.now())
    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    ):
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def test_the_invitation_arrives_by_smtp_with_a_link_and_a_stable_message_id_R_LOG_04(
    client, holder, log, smtp
):
    smtp.start()
    response = _add_guardian_through_the_page(client, holder, log, "per@example.no")
    assert response.status_code == 302

    _run_the_worker()

    email = OutgoingEmail.objects.get(to="per@example.no")
    assert email.status == EmailStatus.SENT
    [message] = [m for m in smtp.messages if m["To"] == "per@example.no"]
    assert message["Message-ID"] == email.message_id
    assert message["Subject"] == "Invitasjon til Stafettlogg"
    assert "/konto/aktiver/" in message.get_payload(decode=True).decode()


def test_smtp_down_the_request_succeeds_and_the_email_waits_with_backoff_R_SEC_04(
    client, holder, log, smtp
):
    response = _add_guardian_through_the_page(client, holder, log, "per@example.no")
    assert response.status_code == 302

    email = OutgoingEmail.objects.get(to="per@example.no")
    before = timezone.now()
    assert deliver(email.pk) == "retry"
    email.refresh_from_db()
    assert email.status == EmailStatus.PENDING
    assert email.attempts == 1
    assert "ConnectionRefusedError" in email.last_error
    assert before + timedelta(minutes=1) <= email.next_attempt_at
    assert email.next_attempt_at <= timezone.now() + timedelta(minutes=1)
    # The retry is a task of its own, due when the backoff says.
    assert DBTaskResult.objects.filter(
        args_kwargs__args=[email.pk], run_after=email.next_attempt_at
    ).exists()

    assert deliver(email.pk) == "retry"
    email.refresh_from_db()
    assert email.attempts == 2
    assert email.next_attempt_at >= before + timedelta(minutes=5)


def test_when_the_server_comes_up_exactly_one_email_arrives_R_SEC_04(client, holder, log, smtp):
    _add_guardian_through_the_page(client, holder, log, "per@example.no")
    email = OutgoingEmail.objects.get(to="per@example.no")
    deliver(email.pk)
    deliver(email.pk)

    smtp.start()
    _run_the_worker()  # three tasks for the same e-mail: the first sends, the others skip
    _run_the_worker()

    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert email.attempts == 3
    received = [m for m in smtp.messages if m["To"] == "per@example.no"]
    assert len(received) == 1
    assert deliver(email.pk) == "skipped"


def test_a_worker_killed_between_sending_and_marking_does_not_lose_the_email_R_SEC_04(
    client, holder, log, smtp, monkeypatch
):
    smtp.start()
    _add_guardian_through_the_page(client, holder, log, "per@example.no")
    email = OutgoingEmail.objects.get(to="per@example.no")
    real_save = OutgoingEmail.save

    def killed(self, *args, **kwargs):
        if "sent_at" in (kwargs.get("update_fields") or ()):
            raise RuntimeError("worker killed")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(OutgoingEmail, "save", killed)
    # The worker takes the task, sends, and is killed before it marks the e-mail sent.
    DBTaskResult.objects.filter(args_kwargs__args=[email.pk]).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now()
    )
    with pytest.raises(RuntimeError):
        deliver(email.pk)
    monkeypatch.setattr(OutgoingEmail, "save", real_save)

    email.refresh_from_db()
    assert email.status == EmailStatus.PENDING  # the marking was rolled back
    assert email.attempts == 0
    assert requeue_stale() == 0  # it may still be sending: not yet
    later = timezone.now() + STALE_AFTER + timedelta(seconds=1)
    assert requeue_stale(now=later) == 1
    email.refresh_from_db()
    assert email.next_attempt_at == later
    assert DBTaskResult.objects.filter(args_kwargs__args=[email.pk]).count() == 2
    assert deliver(email.pk) == "sent"
    received = [m for m in smtp.messages if m["To"] == "per@example.no"]
    # At least once, never lost; a repeat carries the same Message-ID, so it is one mail.
    assert len(received) == 2
    assert {m["Message-ID"] for m in received} == {email.message_id}


def test_after_72_hours_the_email_is_marked_failed_R_SEC_04(client, holder, log, smtp):
    _add_guardian_through_the_page(client, holder, log, "per@example.no")
    email = OutgoingEmail.objects.get(to="per@example.no")
    OutgoingEmail.objects.filter(pk=email.pk).update(
        created_at=timezone.now() - GIVE_UP_AFTER - timedelta(minutes=1), attempts=12
    )
    tasks = DBTaskResult.objects.count()

    assert deliver(email.pk) == "failed"

    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert email.attempts == 13
    assert email.last_error
    assert DBTaskResult.objects.count() == tasks  # no further attempt is planned


def test_a_refused_recipient_fails_with_the_error_and_the_request_still_succeeded_R_SEC_04(
    client, holder, log, smtp
):
    smtp.start()
    response = _add_guardian_through_the_page(client, holder, log, REFUSED)
    assert response.status_code == 302
    assert log.guardians.filter(email=REFUSED).exists()

    email = OutgoingEmail.objects.get(to=REFUSED)
    assert deliver(email.pk) == "failed"

    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert "SMTPRecipientsRefused" in email.last_error
    assert "550" in email.last_error
    assert not [m for m in smtp.messages if m["To"] == REFUSED]


def test_every_kind_of_notice_carries_no_national_id_no_case_text_no_child_name_R_NOTIFY_01(
    client, holder, log, actor, guardian_user, smtp
):
    """Each notice the log can cause, with the sentinel in every text field; then every body
    that reached the SMTP server and every body in the outbox is scanned."""
    from logs.services import set_level, upload_consent
    from tests.factories import pdf_upload

    smtp.start()
    set_level(log, by=holder, level=2)
    deadline = timezone.localdate() + timedelta(days=2)
    concern = make_concern(log, actors=[actor], deadline=deadline, description=CONCERN_SENTINEL)
    measure = concern.measures.get()
    update_measure(measure, by=holder, description=f"Tiltak {CONCERN_SENTINEL}")
    glimpse = create_glimpse(
        log,
        by=holder,
        role=Role.HOLDER,
        text=f"Lysglimt {CONCERN_SENTINEL}",
        happened_on=timezone.localdate(),
    )
    publish_glimpse(glimpse, by=holder, role=Role.HOLDER)
    upload_consent(
        log, by=holder, file=pdf_upload(), valid_until=timezone.localdate() + timedelta(days=9)
    )
    send_reminders(timezone.localdate() + timedelta(days=5))  # the deadline has passed then
    send_reminders()
    _add_guardian_through_the_page(client, holder, log, "per@example.no")
    _run_the_worker()

    kinds = set(OutgoingEmail.objects.values_list("kind", flat=True))
    assert {
        Kind.GUARDIAN_INVITATION,
        Kind.MEASURE_ACTOR,
        Kind.GLIMPSE,
        Kind.DEADLINE,
        Kind.CONSENT_EXPIRY,
    } <= kinds
    assert not OutgoingEmail.objects.exclude(status=EmailStatus.SENT).exists()
    texts = [str(m) for m in smtp.messages] + [
        e.subject + e.body for e in OutgoingEmail.objects.all()
    ]
    assert len(smtp.messages) == OutgoingEmail.objects.count()
    for text in texts:
        assert VALID_NATIONAL_ID not in text
        assert CONCERN_SENTINEL not in text
        assert log.child.full_name not in text
        assert "Sara" not in text
