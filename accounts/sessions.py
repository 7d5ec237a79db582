"""Django's database sessions, read with SQL compiled once per process.

Every signed-in request reads its session. Django's store builds that query with the ORM
each time: about a tenth of the CPU of the benchmark's mixed load (issue 9), for a query
whose only values are the session's key and the time. Here the ORM compiles it once per
database, with stand-ins for those two values, and each read puts the real ones in their
place; the columns come back through the ORM's own converters. Everything else (writing,
expiry, deleting, the cached variant's cache) is Django's.

SESSION_ENGINE: "accounts.sessions" (the database), or "accounts.cached_sessions" (Redis
first, written through to the database).
"""

from datetime import UTC, datetime
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.contrib.sessions.models import Session
from django.db import connections, router
from django.utils import timezone

from common.compiled import convert_row

_KEY = "stafett-stand-in-for-a-session-key"
_NOW = datetime(2001, 2, 3, 4, 5, 6, 789_000, tzinfo=UTC)
# Per database alias: the SQL, its parameters, where the key and the time go, converters.
_compiled: dict[str, tuple[str, list[Any], int, int, dict[int, Any]]] = {}


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
    @classmethod
    def get_model_class(cls) -> type[Session]:
        return Session

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
        with connection.cursor() as cursor:
            cursor.execute(sql, filled)
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django's store: a new key when saved
            return None
        session_data, expire_date = convert_row(row, converters, connection)
        return Session(
            session_key=self.session_key, session_data=session_data, expire_date=expire_date
        )
