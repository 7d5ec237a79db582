"""Archive hand-overs through the task queue in Redis (STAFETT_TASK_QUEUE=redis,
tests.rq_queue; R-ARCH-01): the task reaches Redis once the log is set passive, an RQ worker
hands the package over, and a failed attempt waits in RQ's schedule for the next. Skipped
with the reason when Redis does not answer."""

import pytest

from archive import tasks
from archive.enums import HandoverStatus
from archive.models import ArchiveHandover
from logs import services
from tests.rq_queue import work

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("fake_pdf")
def test_an_rq_worker_hands_over_and_a_failure_waits_for_its_next_attempt_R_ARCH_01(
    rq, log, holder, archive_folder, settings, django_capture_on_commit_callbacks
):
    settings.STAFETT_ARCHIVE_FOLDER = str(archive_folder / "not-mounted")
    with django_capture_on_commit_callbacks(execute=True):
        services.set_log_passive(log, by=holder, confirmed=True)
        assert rq.count == 0  # not before the commit: a worker would not find the row
    assert rq.count == 1

    with django_capture_on_commit_callbacks(execute=True):
        work(rq)
    handover = ArchiveHandover.objects.get(log=log)
    assert (handover.status, handover.attempts) == (HandoverStatus.FAILED, 1)
    # The next attempt waits in RQ's schedule (a worker started with --with-scheduler).
    registry = rq.scheduled_job_registry
    (retry,) = registry.get_job_ids()
    assert abs(registry.get_scheduled_time(retry) - handover.next_attempt_at).total_seconds() < 1

    # The folder is back, and the attempt's time has come.
    settings.STAFETT_ARCHIVE_FOLDER = str(archive_folder)
    registry.remove(retry)
    rq.enqueue_job(rq.fetch_job(retry))
    with django_capture_on_commit_callbacks(execute=True):
        work(rq)
    handover.refresh_from_db()
    assert (handover.status, handover.attempts) == (HandoverStatus.HANDED_OVER, 2)
    assert [path.name for path in archive_folder.iterdir()] == [f"stafettlogg-{log.pk}.zip"]
    assert tasks.hand_over(handover.pk) == "skipped"  # done once
