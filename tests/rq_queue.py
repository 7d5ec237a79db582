"""The task queue in Redis (django-tasks' RQ backend, STAFETT_TASK_QUEUE=redis), for the
tests of each task against it: the `rq` fixture (tests/conftest.py) gives the settings that
choice gives and the queue, in a Redis database of the test process's own."""

from collections.abc import Iterator

from django_tasks_rq import Job
from rq import Queue, SimpleWorker

from tests.redis_db import redis_for_tests, redis_url_for_tests

# A database of its own, emptied before each test: never the one a server uses.
REDIS_URL = redis_url_for_tests()


def rq_queue(settings) -> Iterator[Queue]:
    """The settings STAFETT_TASK_QUEUE=redis gives (stafett/settings.py), and the queue."""
    connection = redis_for_tests()
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    queue = Queue("default", connection=connection, job_class=Job)
    yield queue
    connection.flushdb()
    connection.close()


def work(queue: Queue) -> None:
    """One RQ worker in this process, until the queue is empty (`manage.py rqworker
    --job-class django_tasks_rq.Job` in production)."""
    SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
