"""The Redis database a test may empty: never one a server uses, and one per test process.

`make test` runs the suite in several processes (pytest-xdist); each empties its database before
and after a test, so two processes must never share one.
"""

import os

import pytest
from redis import Redis
from redis.exceptions import RedisError

_BASE_URL = os.environ.get("STAFETT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_url_for_tests() -> str:
    # PYTEST_XDIST_WORKER is "gw0", "gw1", …; absent in a single-process run.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or "0"
    base, _, number = _BASE_URL.rpartition("/")
    database = int(number) - int(worker)
    # Counted down from the base: never 0, the database a server on this machine uses.
    if database < 1:
        raise RuntimeError(
            f"No Redis database is left for test process gw{worker}: run fewer processes, "
            "or set STAFETT_TEST_REDIS_URL to a database with a higher number."
        )
    return f"{base}/{database}"


def redis_for_tests() -> Redis:
    """A connection to the test process's Redis database, emptied; the test is skipped, with
    the reason, when Redis does not answer (it runs on 127.0.0.1:6379 on the CI machines,
    started by .ci/run)."""
    url = redis_url_for_tests()
    connection = Redis.from_url(url, socket_connect_timeout=1)
    try:
        connection.ping()
    except RedisError as error:
        pytest.skip(
            f"Redis does not answer at {url} ({error}): start it (redis-server, or .ci/run) "
            "to test what needs it."
        )
    connection.flushdb()
    return connection
