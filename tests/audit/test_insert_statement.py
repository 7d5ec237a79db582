"""The INSERT of audit events that the read of a log page shares with its access summary
(audit.services.insert_statement): the one-row statement is compiled once (issue 9) and
writes exactly what Django's compiler would (R-SEC-01)."""

from unittest import mock

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLInsertCompiler

from audit import services
from audit.models import AuditEvent
from audit.services import insert_statement

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

    assert sql == services._one_row_sql[connection.alias]
    assert len(params) == len(FIELDS) + 1  # and the time


def test_several_events_go_through_the_compiler_and_are_all_written_R_SEC_01(holder):
    events = [_event(actor_id=holder.pk), _event(actor_id=holder.pk, role="actor")]
    with mock.patch.object(services, "_compiled", wraps=services._compiled) as compiled:
        sql, params = insert_statement(events, using=connection.alias)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)

    compiled.assert_called_once()
    assert sorted(AuditEvent.objects.values_list("role", flat=True)) == ["", "actor"]
