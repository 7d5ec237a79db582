"""Timestamps read from PostgreSQL by psycopg's compiled loader (issue 9).

Django reads every `timestamp with time zone` through a loader of its own
(`psycopg_any.BaseTzLoader`) that subclasses psycopg's *pure-Python* loader, so each value
is parsed in Python: about 4 µs, against 0.2 µs for psycopg's compiled loader. A log page
reads some 35 of them (its access list alone up to 50): 11 % of the holder's log page and
3 % of the benchmark's mixed load, in instructions (callgrind).

Django's loader parses the value in the connection's time zone and then sets its tzinfo to
Django's own (UTC with USE_TZ). When both are UTC, the compiled loader gives the very same
value, `datetime.timezone.utc` included, and the same errors for what Python cannot hold
(`infinity`, years before 1). So when, and only when, a new connection's session time zone
and Django's are both UTC, that connection reads timestamps with the compiled loader; any
other set-up keeps Django's.
"""

import datetime
import functools
from typing import Any

import psycopg
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg import postgres, pq
from psycopg.adapt import Loader

_UTC = datetime.UTC


@functools.cache
def compiled_timestamptz_loader() -> type | None:
    """psycopg's loader of timestamptz as text, when it is the compiled one (the
    psycopg-binary or psycopg-c package); None with only the pure-Python one. Looked up
    once: a loader is made for each cursor that reads a timestamp."""
    loader = psycopg.adapters.get_loader(postgres.types["timestamptz"].oid, pq.Format.TEXT)
    return None if loader is None or loader.__module__.startswith("psycopg.") else loader


class UtcTimestamptzLoader(Loader):
    """psycopg's compiled loader, called directly: `load` is the compiled loader's own
    method, so psycopg calls no Python code per value. `timezone` is the attribute
    Django compares with its own before each cursor, to keep this loader in place."""

    timezone = _UTC

    def __init__(self, oid: int, context: Any = None) -> None:
        super().__init__(oid, context)
        compiled = compiled_timestamptz_loader()
        if compiled is None:  # pragma: no cover - only installed when it exists
            raise RuntimeError("psycopg's compiled timestamp loader is not installed")
        self.load = compiled(oid, context).load  # type: ignore[method-assign]

    def load(self, data: Any) -> datetime.datetime:  # pragma: no cover - shadowed above
        raise NotImplementedError


def read_timestamps_compiled(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """On `connection_created`: a PostgreSQL connection whose session time zone and Django's
    are both UTC reads timestamps with psycopg's compiled loader."""
    if connection.vendor != "postgresql":
        return
    raw = connection.connection
    if not isinstance(raw, psycopg.Connection) or compiled_timestamptz_loader() is None:
        return
    if connection.timezone is not _UTC or raw.info.timezone is not _UTC:
        return
    raw.adapters.register_loader("timestamptz", UtcTimestamptzLoader)
