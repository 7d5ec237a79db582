"""The task queue in Redis (django-tasks' RQ backend, STAFETT_TASK_QUEUE=redis), for the
tests of each task against it: the `rq` fixture (tests/conftest.py) gives the settings that
choice gives and the queue, in a Redis database of the test process's own."""

from collections.abc import Iterator

import pytest
from django_tasks_rq import Job
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker

from tests.redis_db import redis_url_for_tests

# A database of its own, emptied before each test: never the one a server uses.
REDIS_URL = redis_url_for_tests()


def rq_queue(settings) -> Iterator[Queue]:
    """The settings STAFETT_TASK_QUEUE=redis gives (stafett/settings.py), and the queue.
    Skipped with the reason when Redis does not answer (127.0.0.1:6379 on the CI machines,
    started by .ci/run)."""
    connection = Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except RedisError as error:
        pytest.skip(
            f"Redis does not answer at {REDIS_URL} ({error}): start it (redis-server, or "
            ".ci/run) to test the task queue in Redis."
        )
    connection.flushdb()
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
