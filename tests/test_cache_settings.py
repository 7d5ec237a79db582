"""The cache a process keeps without Redis (issue 9): big enough for a city's kept pages."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _caches(**environ: str) -> dict:
    """The CACHES stafett/settings.py gives for these environment variables, read in a
    process of its own (the settings module is read once per process)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("STAFETT_CACHE_") and key != "REDIS_URL"
    }
    code = "import json, stafett.settings as s; print(json.dumps(s.CACHES))"
    found = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "STAFETT_DEBUG": "1", **environ},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(found.stdout)["default"]


def test_without_redis_each_process_keeps_thousands_of_kept_parts_not_django_s_300():
    """Django's default of 300 entries would push a city's kept log pages and lists out of
    the cache long before their time, and every page would be rendered anew."""
    cache = _caches()

    assert cache["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert cache["OPTIONS"]["MAX_ENTRIES"] == 5000
    assert _caches(STAFETT_CACHE_ENTRIES="20000")["OPTIONS"]["MAX_ENTRIES"] == 20000


def test_with_redis_the_cache_is_shared_by_every_process():
    cache = _caches(REDIS_URL="redis://127.0.0.1:6379/3")

    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://127.0.0.1:6379/3"
