"""Delivering one e-mail: claimed in a short transaction, sent with no transaction open, its
result recorded in another short one (R-SEC-04, issue 7 items 5 and 8).

A slow SMTP server (EMAIL_TIMEOUT is 20 s a step) must hold up no page: on SQLite a
transaction holds the database's one write lock, on PostgreSQL a row lock and a connection
"idle in transaction". And two workers never send the same e-mail at once.
"""

import json
import os
import smtplib
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from audit.models import AuditEvent
from audit.services import record
from notifications.enums import EmailStatus, Kind
from notifications.models import OutgoingEmail
from notifications.services import queue_email, requeue_stale
from notifications.tasks import STALE_AFTER, deliver

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def _queued(to: str = "per@example.no") -> OutgoingEmail:
    email = queue_email(kind=Kind.MEETING, to=to, template="notifications/email/test", context={})
    assert email is not None
    return email


def _task_of(email):
    return DBTaskResult.objects.filter(args_kwargs__args=[email.pk])


def _ago(delta: timedelta):
    return timezone.now() - delta


def _while_sending(monkeypatch, action, *, then_fail: bool = False):
    """The first send runs `action` while "the SMTP server" has it, then goes through (or
    fails, as a server that drops the connection)."""
    real_send = EmailMessage.send
    sends = []

    def send(self, *args, **kwargs):
        sends.append(self.to)
        if len(sends) == 1:
            action()
            if then_fail:
                raise smtplib.SMTPServerDisconnected("connection dropped")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", send)
    return sends


# --- no lock held while the SMTP server takes its time --------------------------------------


def test_a_page_writes_at_once_while_the_worker_waits_for_a_slow_smtp_server_on_sqlite_R_SEC_04(
    tmp_path,
):
    """On a SQLite file set up as `make run` has it (WAL, immediate transactions), with a 1 s
    busy timeout: while deliver() waits for the SMTP server, a page's write (a read-audit
    row and a queued e-mail) goes through at once, and the e-mail is then marked sent."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'stafett.sqlite3'}",
        "STAFETT_DEBUG": "1",
        "STAFETT_VAR_DIR": str(tmp_path),
        "STAFETT_SQLITE_TIMEOUT": "1",
    }
    finished = subprocess.run(
        [sys.executable, "-m", "tests.notifications.sqlite_delivery"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    outcome = json.loads(finished.stdout.strip().splitlines()[-1])

    assert outcome["write"] == "ok"
    assert outcome["write_seconds"] < 0.5
    assert outcome["delivered"] == "sent"
    assert outcome["status"] == EmailStatus.SENT
    assert outcome["journal_mode"] == "wal"


@pytest.mark.django_db(transaction=True)
def test_no_transaction_or_row_lock_is_held_while_the_smtp_server_has_the_email_R_SEC_04(
    monkeypatch,
):
    """Committed for real (no test transaction around it), on the suite's database: during
    the send the worker's connection is in no transaction, and another connection locks
    the e-mail's row without waiting (PostgreSQL: FOR UPDATE NOWAIT) and writes, and a
    second worker's delivery leaves the e-mail alone."""
    email = _queued()
    seen = {}

    def another_connection():
        try:
            with transaction.atomic():
                rows = OutgoingEmail.objects.select_for_update(nowait=True).filter(pk=email.pk)
                seen["row"] = [row.status for row in rows]
                record(action="log.viewed", data={})
            seen["write"] = "ok"
            seen["second worker"] = deliver(email.pk)
        except DatabaseError as error:
            seen["write"] = f"{type(error).__name__}: {error}"
        finally:
            connection.close()

    def look_from_outside():
        seen["in_transaction"] = connection.in_atomic_block or not connection.get_autocommit()
        other = threading.Thread(target=another_connection)
        other.start()
        other.join(20)

    _while_sending(monkeypatch, look_from_outside)

    assert deliver(email.pk) == "sent"

    assert seen == {
        "in_transaction": False,
        "row": [EmailStatus.PENDING],
        "write": "ok",
        "second worker": "skipped",  # the claim holds without a lock
    }
    assert AuditEvent.objects.filter(action="log.viewed").count() == 1
    email.refresh_from_db()
    assert (email.status, email.attempts, email.claimed_at) == (EmailStatus.SENT, 1, None)


# --- claims: one live worker per e-mail ------------------------------------------------------


def test_an_email_a_live_worker_is_sending_is_not_sent_by_a_second_delivery_R_SEC_04(
    monkeypatch,
):
    email = _queued()
    second = []
    sends = _while_sending(monkeypatch, lambda: second.append(deliver(email.pk)))

    assert deliver(email.pk) == "sent"

    assert second == ["skipped"]
    assert sends == [["per@example.no"]]
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 1)


def test_a_recent_claim_is_left_alone_by_delivery_and_by_the_sweep_R_SEC_04():
    """A worker took the e-mail half a minute ago and may still be talking to the server."""
    email = _queued()
    OutgoingEmail.objects.filter(pk=email.pk).update(
        claimed_at=_ago(timedelta(seconds=30)), next_attempt_at=_ago(timedelta(minutes=30))
    )
    _task_of(email).update(status=TaskResultStatus.FAILED)  # no task in hand: only the claim

    assert deliver(email.pk) == "skipped"
    assert requeue_stale() == 0

    assert mail.outbox == []
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.PENDING, 0)


def test_a_claim_older_than_the_stale_limit_is_taken_again_by_a_later_delivery_R_SEC_04():
    """The worker that claimed it is gone (killed, or its database went away mid-send)."""
    email = _queued()
    OutgoingEmail.objects.filter(pk=email.pk).update(
        claimed_at=_ago(STALE_AFTER + timedelta(seconds=1))
    )

    assert deliver(email.pk) == "sent"

    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts, email.claimed_at) == (EmailStatus.SENT, 1, None)


def test_the_sweep_queues_an_email_with_a_lost_claim_again_and_frees_it_R_SEC_04():
    """The sweep runs with its own limit (`run_worker --stale-after`); the claim it found
    lost is cleared, so the new task's delivery takes it whatever the default limit."""
    email = _queued()
    OutgoingEmail.objects.filter(pk=email.pk).update(
        claimed_at=_ago(timedelta(seconds=10)), next_attempt_at=_ago(timedelta(seconds=10))
    )
    _task_of(email).update(status=TaskResultStatus.RUNNING, started_at=_ago(timedelta(seconds=10)))

    assert requeue_stale(stale_after=timedelta(seconds=5)) == 1

    email.refresh_from_db()
    assert email.claimed_at is None
    assert _task_of(email).filter(status=TaskResultStatus.READY).count() == 1
    assert deliver(email.pk) == "sent"


def test_a_send_that_got_through_after_the_sweep_freed_its_claim_counts_once_R_SEC_04(
    monkeypatch,
):
    """The sweep (with a short limit) found the worker's claim lost and queued the e-mail
    again, but the worker's send got through after all: it is marked sent, and the
    sweep's task sends nothing more."""
    email = _queued()

    def the_sweep_finds_it_lost():
        OutgoingEmail.objects.filter(pk=email.pk).update(
            claimed_at=_ago(timedelta(seconds=10)), next_attempt_at=_ago(timedelta(seconds=10))
        )
        _task_of(email).update(status=TaskResultStatus.FAILED)
        assert requeue_stale(stale_after=timedelta(seconds=5)) == 1

    _while_sending(monkeypatch, the_sweep_finds_it_lost)

    assert deliver(email.pk) == "sent"
    assert deliver(email.pk) == "skipped"  # the sweep's task

    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 1)


def test_the_result_is_recorded_once_by_the_worker_holding_the_claim_R_SEC_04(monkeypatch):
    """Worker A is so slow that its claim goes stale; worker B takes the e-mail over, sends
    it and marks it sent. A, done at last, records nothing over B's result."""
    email = _queued()
    taken_over = []

    def a_is_stuck_and_b_takes_over():
        OutgoingEmail.objects.filter(pk=email.pk).update(
            claimed_at=_ago(STALE_AFTER + timedelta(seconds=1))
        )
        taken_over.append(deliver(email.pk))

    sends = _while_sending(monkeypatch, a_is_stuck_and_b_takes_over)

    assert deliver(email.pk) == "superseded"

    assert taken_over == ["sent"]
    assert len(sends) == 2  # at least once; both carry the same Message-ID
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 1)


def test_a_failure_after_another_worker_sent_the_email_changes_nothing_R_SEC_04(monkeypatch):
    """A's send fails after B took the e-mail over and sent it: A schedules no retry and
    puts no error on an e-mail that was delivered."""
    email = _queued()
    taken_over = []

    def a_is_stuck_and_b_takes_over():
        OutgoingEmail.objects.filter(pk=email.pk).update(
            claimed_at=_ago(STALE_AFTER + timedelta(seconds=1))
        )
        taken_over.append(deliver(email.pk))

    _while_sending(monkeypatch, a_is_stuck_and_b_takes_over, then_fail=True)
    tasks = _task_of(email).count()

    assert deliver(email.pk) == "superseded"

    assert taken_over == ["sent"]
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (EmailStatus.SENT, 1, "")
    assert _task_of(email).count() == tasks
