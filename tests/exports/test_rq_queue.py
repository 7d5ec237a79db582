"""Exports through the task queue in Redis (STAFETT_TASK_QUEUE=redis, tests.rq_queue;
R-EXP-01): the task reaches Redis once the request commits, an RQ worker makes the PDF, and
the deletion of the file waits in RQ's schedule until the export expires. Skipped with the
reason when Redis does not answer."""

from datetime import timedelta
from unittest import mock

import pytest

from exports.enums import ExportStatus, Part
from exports.services import request_export
from organisations.enums import Role
from tests.exports.conftest import pdf_text
from tests.rq_queue import work

pytestmark = pytest.mark.django_db


def test_an_rq_worker_makes_the_export_and_deletes_it_when_it_expires_R_EXP_01(
    rq, log, holder, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export = request_export(log, by=holder, role=Role.HOLDER, parts=[Part.CONCERNS])
        assert rq.count == 0  # not before the commit: a worker would not find the row
    assert rq.count == 1

    with django_capture_on_commit_callbacks(execute=True):
        work(rq)
    export.refresh_from_db()
    assert export.status == ExportStatus.READY
    with export.file.open("rb") as stored:
        assert "Oppmerksomheter og tiltak" in pdf_text(stored.read())
    # The deletion waits in RQ's schedule (a worker started with --with-scheduler).
    registry = rq.scheduled_job_registry
    (deletion,) = registry.get_job_ids()
    assert abs(registry.get_scheduled_time(deletion) - export.expires_at) < timedelta(seconds=1)

    # Its time has come: RQ's scheduler moves it to the queue, and a worker runs it.
    registry.remove(deletion)
    rq.enqueue_job(rq.fetch_job(deletion))
    later = export.expires_at + timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        work(rq)
    export.refresh_from_db()
    assert export.status == ExportStatus.EXPIRED
    assert not export.file
