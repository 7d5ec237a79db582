"""The cache a process keeps without Redis (issue 9): big enough for a city's kept pages."""

from tests.settings_in_process import setting_for


def _caches(**environ: str) -> dict:
    """The default cache stafett/settings.py gives for these environment variables."""
    return setting_for(
        "s.CACHES['default']",
        unset=("STAFETT_CACHE_", "REDIS_URL"),
        **{"STAFETT_DEBUG": "1", **environ},
    )


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
