"""The INSERT of audit events that the read of a log page shares with its access summary
(audit.services.insert_statement): the one-row statement, and on PostgreSQL the statement
of several rows, is compiled once (issue 9) and writes exactly what Django's compiler
would (R-SEC-01)."""

from unittest import mock

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLInsertCompiler

from audit import context, services
from audit.models import AuditEvent
from audit.services import events_about, events_for, insert_statement
from tests.factories import make_log

pytestmark = pytest.mark.django_db

FIELDS = ("actor_id", "role", "action", "object_type", "object_id", "log_id", "ip_address", "data")


def _event(**values) -> AuditEvent:
    return AuditEvent(**{"action": "log.viewed", **values})


def _written(event: AuditEvent) -> tuple:
    sql, params = insert_statement([event], using=connection.alias)
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} RETURNING {connection.ops.quote_name('id')}", params)
        pk = cursor.fetchone()[0]
    row = AuditEvent.objects.get(pk=pk)
    return row, tuple(getattr(row, name) for name in FIELDS)


@pytest.mark.parametrize(
    "values",
    [
        {},
        {
            "role": "holder",
            "object_type": "logs.log",
            "object_id": "7",
            "log_id": 7,
            "ip_address": "2001:db8::1",
            "data": {"page": "logs:detail", "æ": [1, None, "ø"]},
        },
        {"ip_address": "127.0.0.1", "data": {}},
    ],
)
def test_one_event_is_written_as_the_compiler_writes_it_R_SEC_01(holder, values):
    values = {**values, "actor_id": holder.pk} if values else values
    ours, written = _written(_event(**values))
    theirs = AuditEvent.objects.bulk_create([_event(**values)])[0]
    theirs.refresh_from_db()

    assert written == tuple(getattr(theirs, name) for name in FIELDS)
    assert ours.at is not None and abs((theirs.at - ours.at).total_seconds()) < 5


def test_the_one_row_statement_is_compiled_once(holder):
    insert_statement([_event()], using=connection.alias)  # compiled, if it was not yet

    with mock.patch.object(SQLInsertCompiler, "as_sql", side_effect=AssertionError("compiled")):
        sql, params = insert_statement([_event(actor_id=holder.pk)], using=connection.alias)

    assert sql == services._kept_sql[connection.alias, False]
    assert len(params) == len(FIELDS) + 1  # and the time


SEVERAL = [
    {"role": "holder", "object_type": "logs.log", "object_id": "7", "log_id": 7},
    {
        "role": "actor",
        "object_type": "logs.log",
        "object_id": "8",
        "log_id": 8,
        "ip_address": "2001:db8::1",
        "data": {"page": "home", "æ": [1, None, "ø"]},
    },
    {"ip_address": "127.0.0.1", "data": {}},
]


def _rows(after: int = 0) -> list[tuple]:
    return list(AuditEvent.objects.filter(pk__gt=after).order_by("pk").values_list(*FIELDS))


def test_several_events_are_written_as_the_compiler_writes_them_R_SEC_01(holder):
    sql, params = insert_statement(
        [_event(actor_id=holder.pk, **values) for values in SEVERAL], using=connection.alias
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    ours = _rows()
    AuditEvent.objects.bulk_create([_event(actor_id=holder.pk, **values) for values in SEVERAL])

    assert ours == _rows(after=AuditEvent.objects.order_by("pk")[2].pk)
    assert [row[1] for row in ours] == ["holder", "actor", ""]  # in the events' order


@pytest.mark.skipif(connection.vendor != "postgresql", reason="UNNEST is PostgreSQL's")
def test_several_events_are_compiled_once_on_postgresql_R_SEC_01(holder):
    insert_statement([_event(), _event()], using=connection.alias)  # compiled, if not yet
    events = [_event(actor_id=holder.pk, **values) for values in SEVERAL]

    with mock.patch.object(SQLInsertCompiler, "as_sql", side_effect=AssertionError("compiled")):
        sql, params = insert_statement(events, using=connection.alias)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    assert "UNNEST" in sql
    # The time, the reader and the action are the same for all three: one value each; the
    # other columns an array each, in the columns' order.
    assert len(params) == len(FIELDS) + 1
    assert [type(value) for value in params[:3]] == [type(events[0].at), int, str]
    assert all(isinstance(column, list) and len(column) == 3 for column in params[3:])
    assert [row[4] for row in _rows()] == ["7", "8", ""]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="UNNEST is PostgreSQL's")
def test_the_reads_of_a_list_send_one_array_for_the_logs_and_one_value_for_the_rest_R_SEC_01(
    holder, unit
):
    """psycopg writes an array item by item in Python (issue 9): of a list's reads, only
    their logs differ, so only those are arrays."""
    logs = [make_log(holder, unit) for _ in range(4)]
    token = context.set_role("holder")
    try:
        events, same_again = (
            events_about(
                actor=holder,
                action="log.viewed",
                object_type="logs.log",
                ids=[(log.pk, log.pk) for log in logs],
                data={"page": "home"},
            )
            for _ in range(2)
        )
    finally:
        context.reset(token)
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    sql, params = insert_statement(events, using=connection.alias)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)

    arrays = [value for value in params if isinstance(value, list)]
    assert arrays == [[str(log.pk) for log in logs], [log.pk for log in logs]]
    assert len(params) == len(FIELDS) + 1
    ours = _rows(after=before)
    middle = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    AuditEvent.objects.bulk_create(same_again)
    theirs = _rows(after=middle)
    assert [row[1:] for row in ours] == [row[1:] for row in theirs]
    assert [row[0] for row in ours] == [holder.pk] * 4
    assert ours[0][1] == "holder" and [row[5] for row in ours] == [log.pk for log in logs]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="UNNEST is PostgreSQL's")
def test_the_same_event_several_times_is_written_as_many_times_R_SEC_01(holder):
    events = [_event(actor_id=holder.pk, object_id="9") for _ in range(3)]

    sql, params = insert_statement(events, using=connection.alias)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)

    assert _rows() == [(holder.pk, "", "log.viewed", "", "9", None, None, {})] * 3


def test_only_the_text_django_writes_is_reshaped():
    """Should Django write its INSERT of several rows otherwise, every column stays an
    array, as Django sends it; a type with a comma in it keeps it."""
    assert services._shape("INSERT INTO t (a) VALUES (%s), (%s)", (True,)) is None
    assert (
        services._shape('INSERT INTO "t" ("a") SELECT * FROM UNNEST(ARRAY[%s, %s])', (True,))
        is None
    )
    assert services._shape(
        'INSERT INTO "t" ("a", "b") SELECT * FROM UNNEST((%s)::int[], (%s)::numeric(5, 2)[])',
        (True, False),
    ) == (
        'INSERT INTO "t" ("a", "b") SELECT stafett_rows.c0, (%s)::numeric(5, 2) '
        "FROM UNNEST((%s)::int[]) AS stafett_rows(c0)"
    )
    assert services._shape(
        'INSERT INTO "t" ("a", "b") SELECT * FROM UNNEST((%s)::bigint[], (%s)::varchar[])',
        (False, True),
    ) == (
        'INSERT INTO "t" ("a", "b") SELECT (%s)::bigint, stafett_rows.c1 '
        "FROM UNNEST((%s)::varchar[]) AS stafett_rows(c1)"
    )


@pytest.mark.skipif(connection.vendor == "postgresql", reason="one text a number of rows")
def test_several_events_go_through_the_compiler_where_their_number_is_in_the_sql(holder):
    """SQLite's INSERT has a row of placeholders per event: nothing is kept for it."""
    events = [_event(actor_id=holder.pk), _event(actor_id=holder.pk, role="actor")]
    with mock.patch.object(services, "_compiled", wraps=services._compiled) as compiled:
        sql, params = insert_statement(events, using=connection.alias)
        insert_statement(events, using=connection.alias)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)

    assert services._kept_sql[connection.alias, True] is None
    assert compiled.call_count == 2
    assert sorted(AuditEvent.objects.values_list("role", flat=True)) == ["", "actor"]


def test_no_events_are_refused():
    with pytest.raises(ValueError, match="No events"):
        insert_statement([], using=connection.alias)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the statement kept: PostgreSQL's")
def test_the_events_of_one_statement_are_one_moment_R_SEC_01(holder):
    events = [_event(actor_id=holder.pk, **values) for values in SEVERAL]

    sql, params = insert_statement(events, using=connection.alias)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)

    written = set(AuditEvent.objects.values_list("at", flat=True))
    assert written == {events[0].at} and all(event.at == events[0].at for event in events)


def test_a_value_like_the_first_events_but_not_the_same_is_written_as_it_is_R_SEC_01(holder):
    """The values of later events that equal the first's are prepared once; equal is not
    the same when the type differs (True == 1), nor for another dict."""
    shared = {"page": "home"}
    events = [
        _event(actor_id=holder.pk, object_id="1", data=shared),
        _event(actor_id=holder.pk, object_id="2", data=shared),
        _event(actor_id=holder.pk, object_id="3", data={"page": "home", "n": True}),
        _event(actor_id=holder.pk, object_id="4", data={"page": "home", "n": 1}),
        _event(actor_id=None, object_id="5", log_id=5, data={}),
    ]

    sql, params = insert_statement(events, using=connection.alias)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)

    assert _rows() == [
        (holder.pk, "", "log.viewed", "", "1", None, None, {"page": "home"}),
        (holder.pk, "", "log.viewed", "", "2", None, None, {"page": "home"}),
        (holder.pk, "", "log.viewed", "", "3", None, None, {"page": "home", "n": True}),
        (holder.pk, "", "log.viewed", "", "4", None, None, {"page": "home", "n": 1}),
        (None, "", "log.viewed", "", "5", 5, None, {}),
    ]
    assert type(_rows()[3][7]["n"]) is int


def test_events_about_ids_are_the_events_for_their_objects_R_SEC_01(holder, unit):
    """The reads of a list name their logs by id (issue 9): the same events as for the
    logs themselves."""
    logs = [make_log(holder, unit) for _ in range(2)]
    token = context.set_role("holder")
    try:
        by_id = events_about(
            actor=holder,
            action="log.viewed",
            object_type="logs.log",
            ids=[(log.pk, log.pk) for log in logs],
            data={"page": "home"},
        )
        by_object = events_for(
            actor=holder, action="log.viewed", objs=[(log, log.pk) for log in logs],
            data={"page": "home"},
        )  # fmt: skip
    finally:
        context.reset(token)

    def fields(events):
        return [tuple(getattr(event, name) for name in FIELDS) for event in events]

    assert fields(by_id) == fields(by_object)
    assert fields(by_id)[0][:6] == (
        holder.pk,
        "holder",
        "log.viewed",
        "logs.log",
        str(logs[0].pk),
        logs[0].pk,
    )
