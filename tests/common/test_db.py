"""Timestamps read by psycopg's compiled loader on PostgreSQL (common.db, issue 9)."""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.postgresql.psycopg_any import BaseTzLoader

from common import db
from logs.models import LogOpening

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="psycopg's loaders: PostgreSQL only"
)

UTC = datetime.UTC
VALUES = [
    "'2026-12-04 05:23:11.123456+00'",
    "'2026-12-04 05:23:11+01'",
    "'2026-03-29 01:30:00-09:30'",
    "'0001-01-01 00:00:00+00'",
    "'9999-12-31 23:59:59.999999+00'",
    "'1970-01-01'",
    "NULL",
]


def _timestamp_loader(cursor) -> type:
    from psycopg import postgres, pq

    return cursor.cursor.adapters.get_loader(postgres.types["timestamptz"].oid, pq.Format.TEXT)


@contextmanager
def _new_connection() -> Iterator[BaseDatabaseWrapper]:
    """A connection of its own, opened as a worker opens one (connection_created)."""
    new = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        new.ensure_connection()
        yield new
    finally:
        new.close()


@pytest.mark.django_db
def test_a_connection_reads_timestamps_with_the_compiled_loader() -> None:
    """Issue 9: a new connection (session in UTC, USE_TZ) reads timestamps with psycopg's
    compiled loader, and Django keeps it for every cursor."""
    with _new_connection() as new, new.cursor() as cursor:
        assert _timestamp_loader(cursor) is db.UtcTimestamptzLoader
        cursor.execute("SELECT now()")
        assert cursor.fetchone()[0].tzinfo is UTC


class DjangosLoader(BaseTzLoader):
    timezone = UTC


def _read_with(loader: type | None, sql_values: list[str]) -> list:
    """The values read on one cursor, with `loader` put on it (None: the connection's)."""
    with connection.cursor() as cursor:
        if loader is not None:
            cursor.cursor.adapters.register_loader("timestamptz", loader)
        else:
            assert _timestamp_loader(cursor) is db.UtcTimestamptzLoader
        cursor.execute("SELECT " + ", ".join(f"({v})::timestamptz" for v in sql_values))
        return list(cursor.fetchone())


@pytest.mark.django_db
def test_timestamps_are_the_values_djangos_loader_gives() -> None:
    """Issue 9: the same datetimes as Django's own loader, with the same tzinfo object,
    and the same error for a value Python cannot hold."""
    ours = _read_with(None, VALUES)
    djangos = _read_with(DjangosLoader, VALUES)
    assert ours == djangos
    for mine, theirs in zip(ours, djangos, strict=True):
        assert getattr(mine, "tzinfo", None) is getattr(theirs, "tzinfo", None)
    assert ours[0] == datetime.datetime(2026, 12, 4, 5, 23, 11, 123456, tzinfo=UTC)
    assert ours[2] == datetime.datetime(2026, 3, 29, 11, 0, tzinfo=UTC)
    for value in ("'infinity'", "'0044-03-15 00:00:00+00 BC'"):
        errors = []
        for loader in (None, DjangosLoader):
            with pytest.raises(Exception) as raised:
                _read_with(loader, [value])
            errors.append(type(raised.value).__name__)
        assert errors == ["DataError", "DataError"]


@pytest.mark.django_db
def test_a_model_reads_back_what_it_saved(log, holder) -> None:
    """Issue 9: a timestamp written through the ORM comes back equal and aware."""
    at = datetime.datetime(2026, 12, 4, 13, 14, 15, 161718, tzinfo=UTC)
    opening = LogOpening.objects.create(
        log=log, user=holder, role="holder", first_opened=at, last_opened=at, times=1
    )
    opening.refresh_from_db()
    assert opening.last_opened == at
    assert opening.last_opened.tzinfo is UTC


@pytest.mark.django_db
def test_any_other_time_zone_keeps_djangos_loader() -> None:
    """Issue 9: when the session's time zone is not UTC, Django's loader stays: it is the
    one that puts Django's time zone on each value."""
    other = datetime.timezone(datetime.timedelta(hours=1))
    with (
        mock.patch.object(db, "_UTC", other),
        _new_connection() as new,
        new.cursor() as cursor,
    ):
        assert _timestamp_loader(cursor) is not db.UtcTimestamptzLoader
        assert issubclass(_timestamp_loader(cursor), BaseTzLoader)


def test_without_the_compiled_loader_nothing_is_installed() -> None:
    """Issue 9: with psycopg's pure-Python loader only, the connection keeps Django's."""
    import psycopg

    fake = mock.Mock(vendor="postgresql", timezone=UTC)
    fake.connection = mock.MagicMock(spec=psycopg.Connection)
    fake.connection.info.timezone = UTC
    db.read_timestamps_compiled(sender=None, connection=fake)
    fake.connection.adapters.register_loader.assert_called_once()
    fake.connection.adapters.register_loader.reset_mock()
    with mock.patch.object(db, "compiled_timestamptz_loader", return_value=None):
        db.read_timestamps_compiled(sender=None, connection=fake)
    fake.connection.adapters.register_loader.assert_not_called()
    # Nor when the session's time zone is not UTC, though Django's is.
    fake.connection.info.timezone = datetime.timezone(datetime.timedelta(hours=1))
    db.read_timestamps_compiled(sender=None, connection=fake)
    fake.connection.adapters.register_loader.assert_not_called()


def test_the_pure_python_loader_is_not_taken_for_the_compiled_one() -> None:
    """Issue 9: psycopg's own module's loader (pure Python) is not the compiled one."""
    import psycopg
    from psycopg.types.datetime import TimestamptzLoader

    with mock.patch.object(psycopg.adapters, "get_loader", return_value=TimestamptzLoader):
        assert db.compiled_timestamptz_loader.__wrapped__() is None
    assert db.compiled_timestamptz_loader() is not TimestamptzLoader
