"""The session store reads a session with SQL compiled once (accounts/sessions.py, issue 9),
and otherwise behaves as Django's: an expired or unknown session is no session (R-GEN-03)."""

from datetime import timedelta
from importlib import import_module
from unittest import mock

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.signals import request_finished
from django.db import close_old_connections
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from accounts import sessions
from accounts.backends import hand_over
from accounts.models import User
from organisations.backends import RoleBackend

pytestmark = pytest.mark.django_db

ENGINES = ["accounts.sessions", "accounts.cached_sessions"]


def _store(engine: str, key: str | None = None):
    return import_module(engine).SessionStore(key)


def _saved(engine: str, **data) -> str:
    store = _store(engine)
    store.update(data)
    store.create()
    return store.session_key


def _forget_cached(settings) -> None:
    """The cached store's copy gone (evicted, or another server): it reads the database."""
    caches[settings.SESSION_CACHE_ALIAS].clear()


@pytest.mark.parametrize("engine", ENGINES)
def test_a_saved_session_is_read_back_with_its_data_R_GEN_03(settings, engine):
    settings.SESSION_ENGINE = engine
    key = _saved(engine, **{SESSION_KEY: "42", "note": "æøå"})
    _forget_cached(settings)

    store = _store(engine, key)

    assert store[SESSION_KEY] == "42" and store["note"] == "æøå"
    assert store.session_key == key


@pytest.mark.parametrize("engine", ENGINES)
def test_an_expired_session_is_no_session_and_gets_a_new_key_R_GEN_03(settings, engine):
    settings.SESSION_ENGINE = engine
    key = _saved(engine, **{SESSION_KEY: "42"})
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    _forget_cached(settings)

    store = _store(engine, key)

    assert SESSION_KEY not in store
    assert store.session_key is None  # as Django's: a new key when saved
    store["x"] = 1
    store.save()
    assert store.session_key != key


@pytest.mark.parametrize("engine", ENGINES)
def test_an_unknown_key_is_no_session_R_GEN_03(settings, engine):
    settings.SESSION_ENGINE = engine

    store = _store(engine, "k" * 32)

    assert dict(store.items()) == {}
    assert store.session_key is None


def test_no_key_asks_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert dict(_store("accounts.sessions").items()) == {}


def test_the_expiry_read_is_the_stored_time_zone_aware_as_the_cache_needs_it():
    key = _saved("accounts.sessions", a=1)
    stored = Session.objects.get(session_key=key).expire_date

    found = _store("accounts.sessions", key)._get_session_from_db()

    assert found is not None and found.expire_date == stored
    assert timezone.is_aware(found.expire_date)


def test_the_cached_store_keeps_what_it_read_until_the_session_expires(settings):
    settings.SESSION_ENGINE = "accounts.cached_sessions"
    key = _saved(settings.SESSION_ENGINE, a=1)
    cache = caches[settings.SESSION_CACHE_ALIAS]
    cache.clear()

    store = _store(settings.SESSION_ENGINE, key)
    assert store["a"] == 1

    assert cache.get(store.cache_key) == {"a": 1}


def test_the_query_is_compiled_once_and_is_one_query(django_assert_num_queries):
    key = _saved("accounts.sessions", a=1)
    assert _store("accounts.sessions", key)["a"] == 1  # compiled, if it was not yet

    with (
        mock.patch.object(SQLCompiler, "as_sql", side_effect=AssertionError("compiled")),
        django_assert_num_queries(1),
    ):
        assert _store("accounts.sessions", key)["a"] == 1


def test_a_signed_in_request_reads_its_session_through_the_compiled_store_R_GEN_03(client, holder):
    client.force_login(holder)
    with mock.patch(
        "accounts.sessions.SessionStore._get_session_from_db",
        autospec=True,
        side_effect=lambda store: None,
    ) as read:
        response = client.get("/")

    read.assert_called_once()
    # No session found: signed out, as an expired session would be.
    assert response.status_code == 302 and "/konto/logg-inn/" in response["Location"]


# The session and its person in one statement (accounts.sessions, issue 9).


def _signed_in(client, user) -> str:
    client.force_login(user)
    client.get("/")  # the first request after login stamps the session
    return client.cookies["sessionid"].value


def _status(client):
    response = client.get("/konto/okt/")
    assert response.status_code == 200
    return response


def test_a_known_session_and_its_person_are_read_in_one_statement_R_GEN_03(
    client, holder, django_assert_num_queries
):
    """Issue 9: once a process has read a session, the session and its person are one
    statement: the session's row with the person's beside it."""
    _signed_in(client, holder)
    with django_assert_num_queries(1) as captured:
        response = _status(client)
    assert response.wsgi_request.user == holder
    [statement] = captured.captured_queries
    assert "django_session" in statement["sql"]
    assert "accounts_user" in statement["sql"]


def test_an_unknown_session_is_read_alone_first_R_GEN_03(client, holder, django_assert_num_queries):
    """A session this process has not read yet: its row, then the person, as before."""
    key = _signed_in(client, holder)
    sessions._whose.pop(key)
    with django_assert_num_queries(2):
        assert _status(client).wsgi_request.user == holder
    with django_assert_num_queries(1):
        assert _status(client).wsgi_request.user == holder


@pytest.mark.parametrize("change", ["deactivated", "password", "session deleted", "logged out"])
def test_a_change_to_the_person_or_session_takes_effect_on_the_next_request_R_GEN_03(
    client, holder, change
):
    """The person is read with each request, not kept: switched off, a new password (the
    session's hash), deleted, or the session ended, the next request is signed out."""
    _signed_in(client, holder)
    assert _status(client).wsgi_request.user == holder
    if change == "deactivated":
        User.objects.filter(pk=holder.pk).update(is_active=False)
    elif change == "password":
        holder.set_password("et-helt-nytt-passord-2026")
        holder.save()
    elif change == "session deleted":
        Session.objects.all().delete()
    else:
        client.post("/konto/logg-ut/")
    assert not _status(client).wsgi_request.user.is_authenticated


def test_a_person_read_with_a_session_is_never_given_to_another_R_GEN_03(
    client, holder, other_holder
):
    """Whose a session is comes from the session as verified: a wrong belief in this
    process (another person's id) reads that person along, but the request is the
    session's own person, read by the backend itself."""
    key = _signed_in(client, holder)
    sessions._whose[key] = (other_holder.pk, sessions._whose[key][1])
    assert _status(client).wsgi_request.user == holder


def test_a_person_read_with_a_session_is_taken_once(holder):
    """What one session read hands over is for that request's get_user of that person
    only: asked again, or for someone else, the backend reads the person itself."""
    backend = RoleBackend()
    hand_over(holder.pk, holder)
    with mock.patch.object(backend, "_compiled", wraps=backend._compiled) as reading:
        assert backend.get_user(holder.pk) is holder
        reading.assert_not_called()
        assert backend.get_user(holder.pk) == holder
        assert reading.call_count == 1
        hand_over(holder.pk, holder)
        assert backend.get_user(holder.pk + 1) is None
        assert backend.get_user(holder.pk) is not holder


def test_a_session_of_another_backend_reads_the_person_as_before(client, holder, settings):
    """Only the configured backends of this app read the person with the session."""
    key = _signed_in(client, holder)
    assert (
        sessions._person_statement(holder.pk, "django.contrib.auth.backends.ModelBackend") is None
    )
    assert sessions._person_statement(holder.pk, sessions._whose[key][1]) is not None


def test_nothing_read_with_a_session_outlives_its_request(client, holder):
    """The person handed over by a request's session read is dropped when the request ends,
    even if nothing took it: a later get_user on the thread reads the person itself."""
    _signed_in(client, holder)
    hand_over(holder.pk, holder)
    _status(client)  # a request that ends
    hand_over(holder.pk, holder)
    # As Django's test client ends a request: without closing the test's connection.
    request_finished.disconnect(close_old_connections)
    try:
        request_finished.send(sender=None)
    finally:
        request_finished.connect(close_old_connections)
    backend = RoleBackend()
    with mock.patch.object(backend, "_compiled", wraps=backend._compiled) as reading:
        assert backend.get_user(holder.pk) == holder
        assert reading.call_count == 1
