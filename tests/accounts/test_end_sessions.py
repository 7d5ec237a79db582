"""Deactivation signs a person out everywhere at once (R-LEAD-01): every live session of
theirs is deleted, from the database and from the cache in front of it (Redis in
production, SESSION_ENGINE accounts.cached_sessions), and nobody else's."""

from importlib import import_module

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.cache import caches

from accounts.services import end_sessions
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _session_of(engine: str, user) -> object:
    store = import_module(engine).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store.create()
    return store


@pytest.mark.parametrize(
    "engine",
    ["accounts.sessions", "accounts.cached_sessions"],
)
def test_every_session_of_the_person_ends_and_nobody_elses_R_LEAD_01(
    settings, engine, holder, other_holder, leader
):
    settings.SESSION_ENGINE = engine
    theirs = [_session_of(engine, holder), _session_of(engine, holder)]
    other = _session_of(engine, other_holder)
    assert end_sessions(holder, by=leader) == 2
    store_class = import_module(engine).SessionStore
    for store in theirs:
        assert not store_class().exists(store.session_key)
        if engine.endswith("cached_sessions"):
            assert caches[settings.SESSION_CACHE_ALIAS].get(store.cache_key) is None
    assert store_class().exists(other.session_key)
    event = AuditEvent.objects.get(action="account.sessions_ended")
    assert event.actor_id == leader.pk and event.data == {"count": 2}


def test_a_person_without_sessions_ends_none_and_writes_nothing_R_LEAD_01(holder):
    assert end_sessions(holder) == 0
    assert not AuditEvent.objects.filter(action="account.sessions_ended").exists()
