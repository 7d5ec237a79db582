"""The audit trail is append-only (R-SEC-01)."""

import pytest
from django.db import DatabaseError, connection, transaction

from audit import context
from audit.models import AppendOnlyError, AuditEvent
from audit.services import record
from logs.services import record_log_views
from tests.factories import make_log


def test_record_writes_actor_action_object_and_address_R_SEC_01(rf, holder):
    request = rf.get("/", REMOTE_ADDR="10.1.2.3")
    request.session = {"active_role": "holder"}
    event = record(actor=holder, action="log.viewed", obj=holder, request=request, log_id=7)
    assert event.actor == holder
    assert event.role == "holder"
    assert event.object_type == "accounts.user"
    assert event.object_id == str(holder.pk)
    assert event.log_id == 7
    assert event.ip_address == "10.1.2.3"


def test_events_cannot_be_changed_or_deleted_through_the_orm_R_SEC_01(db):
    event = record(action="test.event")
    event.action = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


@pytest.mark.django_db
def test_postgresql_refuses_update_and_delete_in_sql_R_SEC_01():
    if connection.vendor != "postgresql":
        pytest.skip("The trigger exists on PostgreSQL only; this runs in the PostgreSQL CI pass.")
    event = record(action="test.event")
    for sql in (
        "UPDATE audit_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


@pytest.mark.django_db(transaction=True)
def test_reads_of_several_logs_outside_a_transaction_are_one_statement_R_SEC_01(
    holder, unit, django_assert_num_queries
):
    """A page's read audit (logs.services.record_log_views) as it runs in a view, outside a
    transaction: on PostgreSQL the audit rows and the access summary are one statement, no
    BEGIN and COMMIT around it."""
    logs = [make_log(holder, unit) for _ in range(3)]
    token = context.set_role("holder")
    try:
        if connection.vendor == "postgresql":
            with django_assert_num_queries(1):
                record_log_views(logs, by=holder, page="home")
        else:
            record_log_views(logs, by=holder, page="home")
    finally:
        context.reset(token)
    events = AuditEvent.objects.filter(action="log.viewed", actor=holder).order_by("log_id")
    assert [(e.log_id, e.object_id, e.role) for e in events] == [
        (lg.pk, str(lg.pk), "holder") for lg in logs
    ]
    assert all(e.at is not None for e in events)


def test_reads_inside_a_transaction_are_written_with_it_R_SEC_01(holder, unit):
    logs = [make_log(holder, unit) for _ in range(2)]
    with pytest.raises(RuntimeError), transaction.atomic():
        record_log_views(logs, by=holder, page="home")
        assert AuditEvent.objects.filter(action="log.viewed", actor=holder).count() == 2
        raise RuntimeError("the page failed")
    assert not AuditEvent.objects.filter(action="log.viewed", actor=holder).exists()
