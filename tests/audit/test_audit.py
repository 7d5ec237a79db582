"""The audit trail is append-only (R-SEC-01)."""

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AppendOnlyError, AuditEvent
from audit.services import record


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
