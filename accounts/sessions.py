"""Django's database sessions, read with SQL compiled once per process, and with the
signed-in person in the same statement.

Every signed-in request reads its session. Django's store builds that query with the ORM
each time: about a tenth of the CPU of the benchmark's mixed load (issue 9), for a query
whose only values are the session's key and the time. Here the ORM compiles it once per
database, with stand-ins for those two values, and each read puts the real ones in their
place; the columns come back through the ORM's own converters. Everything else (writing,
expiry, deleting, the cached variant's cache) is Django's.

Then the request reads the person the session names (accounts.backends): a second round
trip on every signed-in request. A session's person never changes (a login in a session
that has one gives it a new key, a logout deletes it), so once a process has read a session
it knows whose it is, and from then on reads the session and that person's row in one
statement (the backend's own query, as a subquery). The person is handed to the request's
get_user only when the session, as decoded and verified, names that very person and
backend; anything else and get_user reads the person itself, as before. Nothing is kept
between requests but whose a session key is: the person is read with each request.

SESSION_ENGINE: "accounts.sessions" (the database), or "accounts.cached_sessions" (Redis
first, written through to the database).
"""

import sys
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY, load_backend
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.contrib.sessions.models import Session
from django.db import connections, router
from django.utils import timezone

from accounts.backends import UserBackend, hand_over
from accounts.models import User
from common.compiled import convert_row

_KEY = "stafett-stand-in-for-a-session-key"
_NOW = datetime(2001, 2, 3, 4, 5, 6, 789_000, tzinfo=UTC)
# Per database alias: the SQL, its parameters, where the key and the time go, converters.
_compiled: dict[str, tuple[str, list[Any], int, int, dict[int, Any]]] = {}
# Whose each session key read in this process is: (the person's id, the backend's path).
_whose: dict[str, tuple[int, str]] = {}
# A process remembers at most this many (about 250 bytes each, 5 MB); past it, it starts
# again, which also forgets the keys of sessions that have ended.
_WHOSE_LIMIT = 20_000
_backends: dict[str, Any] = {}


def _compile(using: str) -> tuple[str, list[Any], int, int, dict[int, Any]]:
    query = Session.objects.using(using).filter(session_key=_KEY, expire_date__gt=_NOW)
    compiler = query.values_list("session_data", "expire_date").query.get_compiler(using)
    sql, params = compiler.as_sql()
    params = list(params)
    if len(params) != 2:  # pragma: no cover - a Django whose query has more values
        raise RuntimeError(f"The session query has unexpected parameters: {params!r}")
    key_at = params.index(_KEY)
    # The time as the ORM prepares it for this database (a string on SQLite).
    time_at = params.index(connections[using].ops.adapt_datetimefield_value(_NOW))
    columns = [select[0] for select in compiler.select[: compiler.col_count]]
    return sql, params, key_at, time_at, compiler.get_converters(columns)


class SessionStore(DatabaseStore):
    # The person read with the session in this store's last read: (id, backend, person).
    _person_read: tuple[int, str, User | None] | None = None

    @classmethod
    def get_model_class(cls) -> type[Session]:
        return Session

    def load(self) -> dict[str, Any]:
        hand_over(None)  # nothing read with a session of an earlier request
        self._person_read = None
        data = super().load()
        user_id, backend = data.get(SESSION_KEY), data.get(BACKEND_SESSION_KEY)
        if not (isinstance(user_id, str) and user_id.isdigit() and isinstance(backend, str)):
            return data
        read = self._person_read
        if read is not None and read[:2] == (int(user_id), backend):
            hand_over(read[0], read[2])
        if self.session_key is not None:
            if len(_whose) >= _WHOSE_LIMIT:
                _whose.clear()
            # One string per backend, not one per session read.
            _whose[self.session_key] = (int(user_id), sys.intern(backend))
        return data

    def _get_session_from_db(self) -> Session | None:
        if self.session_key is None:
            return None
        using = router.db_for_read(Session)
        if using not in _compiled:
            _compiled[using] = _compile(using)
        sql, params, key_at, time_at, converters = _compiled[using]
        connection = connections[using]
        filled = list(params)
        filled[key_at] = self.session_key
        filled[time_at] = connection.ops.adapt_datetimefield_value(timezone.now())
        whose = _whose.get(self.session_key)
        person = _person_statement(*whose) if whose is not None else None
        if person is not None and router.db_for_read(User) == using:
            person_sql, person_params, make_person = person
            # The session's row with the person's beside it (NULLs if there is no such
            # person): one round trip. Both statements are the ORM's own.
            sql = (
                f"SELECT * FROM ({sql}) stafett_session "  # noqa: S608 - the ORM's own SQL
                f"LEFT JOIN ({person_sql}) stafett_person ON TRUE"
            )
            filled += person_params
        else:
            person = None
        with connection.cursor() as cursor:
            cursor.execute(sql, filled)
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django's store: a new key when saved
            return None
        if person is not None and whose is not None:
            self._person_read = (whose[0], whose[1], make_person(row[2:]))
        session_data, expire_date = convert_row(row[:2], converters, connection)
        return Session(
            session_key=self.session_key, session_data=session_data, expire_date=expire_date
        )


def _person_statement(user_id: int, backend_path: str) -> Any:
    """The person's query of the session's backend, when it is one of ours (a UserBackend)
    and still configured (as Django's get_user asks); None for any other backend."""
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return None
    backend = _backends.get(backend_path)
    if backend is None:
        try:
            backend = _backends[backend_path] = load_backend(backend_path)
        except ImportError:
            return None  # asked again next time: Django's get_user says what is wrong
    if not isinstance(backend, UserBackend):
        return None
    return backend.person_statement(user_id)
