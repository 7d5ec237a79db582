"""The task queue in Redis (django-tasks' RQ backend, STAFETT_TASK_QUEUE=redis), for when one
worker reading the database is not enough (docs/deployment.md, "Several app servers").

The outbox's task tests, run against that backend: the e-mail row stays the durable record,
its task reaches Redis only once the transaction commits, an RQ worker delivers it, and the
sweep queues again what a lost worker left. Needs Redis (127.0.0.1:6379 on the CI machines,
started by .ci/run); skipped with the reason when it does not answer.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from notifications.enums import EmailStatus, Kind
from notifications.models import OutgoingEmail
from notifications.services import queue_email, requeue_stale
from tests.rq_queue import work


def _queue_one(user) -> OutgoingEmail:
    email = queue_email(
        kind=Kind.MEETING,
        to=user.email,
        template="notifications/email/test",
        context={},
        user=user,
    )
    assert email is not None
    return email


def test_a_queued_email_reaches_redis_when_its_transaction_commits_R_SEC_04(
    rq, holder, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue_one(holder)
        assert rq.count == 0  # not before the commit: a worker would not find the row
    assert rq.count == 1
    work(rq)
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == email.message_id


def test_a_rolled_back_email_never_reaches_redis_R_SEC_04(
    rq, holder, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _queue_one(holder)
        raise RuntimeError("the change fails")
    assert rq.count == 0
    assert not OutgoingEmail.objects.exists()


def test_a_failed_send_is_queued_again_for_later_in_redis_R_SEC_04(
    rq, holder, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("the mail server is down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue_one(holder)
    with django_capture_on_commit_callbacks(execute=True):
        work(rq)
    email.refresh_from_db()
    assert email.status == EmailStatus.PENDING
    assert email.attempts == 1
    # The next attempt waits in RQ's schedule (a worker started with --with-scheduler).
    assert rq.scheduled_job_registry.count == 1


def test_the_sweep_queues_a_lost_delivery_again_in_redis_R_SEC_04(
    rq, holder, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue_one(holder)
    rq.empty()  # the job is lost (Redis flushed, a worker killed mid-send)
    OutgoingEmail.objects.filter(pk=email.pk).update(
        next_attempt_at=timezone.now() - timedelta(minutes=10)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stale() == 1
    assert rq.count == 1
    work(rq)
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert len(mail.outbox) == 1
