"""The one way to write the audit trail."""

import functools
import re
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.sql import InsertQuery
from django.http import HttpRequest

from audit import context
from audit.models import AuditEvent
from common.requests import client_ip


def record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None = None,
    action: str,
    obj: models.Model | None = None,
    request: HttpRequest | None = None,
    role: str = "",
    log_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Callers run it inside the transaction of the change it records.

    Never put sensitive values (national ID numbers, case text) into `data`.
    """
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    ambient = context.current()
    if request is not None and not role:
        role = request.session.get("active_role", "") if hasattr(request, "session") else ""
    return AuditEvent.objects.create(
        actor_id=actor.pk if actor is not None else None,
        role=role or ambient.role,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        log_id=log_id,
        ip_address=client_ip(request) if request is not None else ambient.ip_address,
        data=data or {},
    )


def events_for(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    objs: Sequence[tuple[models.Model, int | None]],
    data: dict[str, Any] | None = None,
) -> list[AuditEvent]:
    """One unsaved event per (object, log id), with the request's role and address."""
    about = [(obj._meta.label_lower, obj.pk, log_id) for obj, log_id in objs]
    return _events(actor, action, about, data)


def events_about(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    object_type: str,
    ids: Sequence[tuple[Any, int | None]],
    data: dict[str, Any] | None = None,
) -> list[AuditEvent]:
    """As events_for, for objects of one type (`app.model`) known by their ids: the reads of
    a list of logs need no instance of each log (issue 9)."""
    return _events(actor, action, [(object_type, pk, log_id) for pk, log_id in ids], data)


def _events(
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    about: Sequence[tuple[str, Any, int | None]],
    data: dict[str, Any] | None,
) -> list[AuditEvent]:
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    ambient = context.current()
    actor_id = actor.pk if actor is not None else None
    data = data or {}
    return [
        AuditEvent(
            actor_id=actor_id,
            role=ambient.role,
            action=action,
            object_type=object_type,
            object_id=str(pk),
            log_id=log_id,
            ip_address=ambient.ip_address,
            data=data,
        )
        for object_type, pk, log_id in about
    ]


def insert_statement(events: Sequence[AuditEvent], *, using: str) -> tuple[str, Sequence[Any]]:
    """The one INSERT of `events` as SQL text and parameters, made by Django's own compiler,
    for a caller that writes something else in the same statement (one round trip: the
    log's access summary, logs.services.reads). Sets the events' time, as saving does; where
    the statement is kept, the events of one statement share one time (`_columns`).

    Its SQL is the same every time for one event (the read of a log page), and on
    PostgreSQL for any number of them (`UNNEST` of arrays: the reads of a list on Min
    side). Such text is compiled once per database, and each event's values are prepared
    as the compiler prepares them (`pre_save`, then `get_db_prep_save`). Compiling it was a
    few percent of every log page and of Min side (issue 9).

    Of several events, a column whose value is the same for all (the reader, the time, the
    page: all but the log of a list's reads) is one value, not an array: psycopg writes an
    array's text item by item in Python, a sixth of an actor's Min side."""
    fields = _insert_fields()
    if not events:
        raise ValueError("No events to insert.")
    connection = connections[using]
    several = len(events) > 1
    if (using, several) not in _kept_sql:
        _kept_sql[using, several] = (
            _compiled_several(fields, using) if several else _compiled_one_row(fields, using)
        )
    sql = _kept_sql[using, several]
    if sql is None:  # this database's INSERT of several rows depends on their number
        return _compiled(events, fields, using)
    columns = _columns(events, fields, connection)
    if not several:
        return sql, [column.value for column in columns]
    varying = tuple(column.values is not None for column in columns)
    if not any(varying):  # the same event several times: one array gives the rows
        varying = (True, *varying[1:])
    shaped = _shape(sql, varying)
    if shaped is None:  # Django's text has a shape we do not know: one array a column
        return sql, [column.array(len(events)) for column in columns]
    return shaped, [
        *(column.value for column, varies in zip(columns, varying, strict=True) if not varies),
        *(
            column.array(len(events))
            for column, varies in zip(columns, varying, strict=True)
            if varies
        ),
    ]


class _Column:
    """One column's values: `value` (the first event's, prepared), and `values` (all of
    them, in event order) only when they are not all the same."""

    __slots__ = ("value", "values")

    def __init__(self, value: Any, values: list[Any] | None) -> None:
        self.value = value
        self.values = values

    def array(self, count: int) -> list[Any]:
        return self.values if self.values is not None else [self.value] * count


def _columns(
    events: Sequence[AuditEvent], fields: Sequence[models.Field], connection: BaseDatabaseWrapper
) -> list[_Column]:
    """Each column's values as the compiler prepares them (`pre_save`, then
    `get_db_prep_save`). The events of one statement are one moment's: they all get the
    first one's time. A value the same as the first event's (the same type and equal, or
    the very same object) is taken as prepared for it, so that the reads of a list, which
    differ only in their log, prepare the other columns once (issue 9)."""
    first, *rest = events
    stamped = _stamped()
    columns = []
    for field in fields:
        prepared = field.get_db_prep_save(field.pre_save(first, True), connection)
        name = field.attname
        theirs = getattr(first, name)
        if name in stamped:
            for event in rest:
                setattr(event, name, theirs)
            columns.append(_Column(prepared, None))
            continue
        same = [_same(getattr(event, name), theirs) for event in rest]
        if all(same):
            columns.append(_Column(prepared, None))
            continue
        others = [
            prepared if alike else field.get_db_prep_save(field.pre_save(event, True), connection)
            for event, alike in zip(rest, same, strict=True)
        ]
        columns.append(_Column(prepared, [prepared, *others]))
    return columns


def _same(value: Any, theirs: Any) -> bool:
    return value is theirs or (
        type(value) in _SCALARS and type(value) is type(theirs) and value == theirs
    )


# Values whose equality means the same database value (a dict may hold True where another
# holds 1: equal, but not the same JSON).
_SCALARS = frozenset({str, int, type(None)})


@functools.cache
def _stamped() -> frozenset[str]:
    """The columns saving stamps with the time."""
    return frozenset(
        field.attname
        for field in _insert_fields()
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    )


# The INSERT of one event and of several (None: not the same for every number), per
# database alias.
_kept_sql: dict[tuple[str, bool], str | None] = {}


@functools.cache
def _insert_fields() -> tuple[models.Field, ...]:
    """The columns an INSERT of events writes: all but the id."""
    return tuple(field for field in AuditEvent._meta.concrete_fields if not field.primary_key)


def _compiled(
    events: Sequence[AuditEvent], fields: Sequence[models.Field], using: str
) -> tuple[str, Sequence[Any]]:
    query = InsertQuery(AuditEvent)
    rows: list[models.Model] = list(events)
    query.insert_values(fields, rows)
    statements = query.get_compiler(using=using).as_sql()
    if len(statements) != 1:  # pragma: no cover - a backend that cannot insert rows at once
        raise ValueError("The events do not fit one INSERT statement.")
    return statements[0]


def _stand_ins() -> tuple[AuditEvent, AuditEvent]:
    """Two events that differ in every value."""
    one = AuditEvent(actor_id=None, role="", action="a", object_id="", ip_address=None, data={})
    other = AuditEvent(
        actor_id=1,
        role="r",
        action="b",
        object_type="t",
        object_id="1",
        log_id=1,
        ip_address="10.0.0.1",
        data={"k": 1},
    )
    return one, other


def _compiled_one_row(fields: Sequence[models.Field], using: str) -> str:
    """The one-row INSERT's text, made from two stand-in events that differ in every value:
    the same text for both, one placeholder per column, or it is not kept."""
    one, other = _stand_ins()
    sql, params = _compiled([one], fields, using)
    other_sql, other_params = _compiled([other], fields, using)
    if sql != other_sql or len(params) != len(fields) or len(other_params) != len(fields):
        raise ValueError("The INSERT of one audit event is not the same for every event.")
    return sql


# Django's INSERT of several rows on PostgreSQL: one array a column, each cast to its type.
_UNNEST = re.compile(r"^(?P<insert>INSERT INTO .+) SELECT \* FROM UNNEST\((?P<arrays>.+)\)$", re.S)
_ARRAY = re.compile(r"\(%s\)::(?P<type>[^\[\]]+?)\[\]")


@functools.cache
def _shape(sql: str, varying: tuple[bool, ...]) -> str | None:
    """Django's INSERT of several rows (`sql`) with an array for each varying column only,
    and one value, cast as Django casts the array, for each other: `INSERT … SELECT
    (%s)::varchar, rows.c5, … FROM UNNEST((%s)::varchar[], …) AS rows(c5, …)`. None if
    Django's text is not the shape this knows (then every column is an array, as before).
    Made once per text and set of varying columns."""
    found = _UNNEST.match(sql)
    if found is None:
        return None
    types = [array["type"] for array in _ARRAY.finditer(found["arrays"])]
    if len(types) != len(varying) or ", ".join(f"(%s)::{t}[]" for t in types) != found["arrays"]:
        return None
    names = [f"c{index}" for index, varies in enumerate(varying) if varies]
    values = ", ".join(
        f"stafett_rows.c{index}" if varies else f"(%s)::{kind}"
        for index, (kind, varies) in enumerate(zip(types, varying, strict=True))
    )
    arrays = ", ".join(
        f"(%s)::{kind}[]" for kind, varies in zip(types, varying, strict=True) if varies
    )
    # Only Django's own text, our names and the casts Django wrote go in; values are
    # parameters.
    rows = ", ".join(names)
    return f"{found['insert']} SELECT {values} FROM UNNEST({arrays}) AS stafett_rows({rows})"  # noqa: S608


def _compiled_several(fields: Sequence[models.Field], using: str) -> str | None:
    """The INSERT of several events, if its text is the same for two and for three events
    with one parameter a column, the column's values in event order (PostgreSQL's
    `UNNEST` of arrays); None where each number of rows has its own text (SQLite)."""
    one, other = _stand_ins()
    two_sql, two_params = _compiled([one, other], fields, using)
    three_sql, three_params = _compiled([other, one, other], fields, using)
    if (
        two_sql != three_sql
        or len(two_params) != len(fields)
        or len(three_params) != len(fields)
        or not all(isinstance(column, list) and len(column) == 2 for column in two_params)
    ):
        return None
    return two_sql
