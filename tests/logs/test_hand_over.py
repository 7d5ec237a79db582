"""A leader hands a leaving holder's active logs to another holder of the unit (R-LEAD-01):
a transfer in the leader's name, accepted at once, audited, with every refusal."""

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from common.errors import ReadOnlyError
from logs.enums import LogStatus, TransferStatus
from logs.models import Revision, Transfer
from logs.services import hand_over_logs, set_log_passive
from notifications.enums import Kind
from notifications.models import OutgoingEmail
from tests.factories import make_log

pytestmark = pytest.mark.django_db


def test_a_leader_hands_every_active_log_to_another_holder_R_LEAD_01(
    leader, holder, other_holder, unit
):
    first, second = make_log(holder, unit), make_log(holder, unit, first_name="Siri")
    passive = make_log(holder, unit, first_name="Per")
    set_log_passive(passive, by=holder, confirmed=True)
    moved = hand_over_logs(holder, to_holder=other_holder, unit=unit, by=leader, reason="Slutter")
    assert moved == 2
    for log in (first, second):
        log.refresh_from_db()
        assert log.holder == other_holder and log.status == LogStatus.ACTIVE
        transfer = Transfer.objects.get(log=log)
        assert transfer.status == TransferStatus.ACCEPTED
        assert (transfer.from_holder, transfer.to_user, transfer.decided_by) == (
            holder,
            other_holder,
            leader,
        )
        assert Revision.objects.filter(log=log, action="transfer.handed_over").exists()
    passive.refresh_from_db()
    assert passive.holder == holder  # history stays as it was
    events = AuditEvent.objects.filter(action="transfer.handed_over")
    assert events.count() == 2 and {e.actor_id for e in events} == {leader.pk}
    # One notice, with a count and a link, never a child's name.
    notice = OutgoingEmail.objects.get(kind=Kind.TRANSFER, to=other_holder.email)
    assert "Siri" not in notice.body and "2" in notice.body


def test_a_hand_over_outside_the_leaders_units_is_refused_R_LEAD_01(
    holder, other_holder, unit, holder_other_unit, other_unit
):
    from organisations.enums import Role
    from tests.factories import MembershipFactory, UserFactory

    leader_elsewhere = UserFactory()
    MembershipFactory(user=leader_elsewhere, unit=other_unit, role=Role.LEADER)
    make_log(holder, unit)
    with pytest.raises(ReadOnlyError):
        hand_over_logs(
            holder, to_holder=other_holder, unit=unit, by=leader_elsewhere, reason="Slutter"
        )
    # A holder may not hand over in their own name either: only a leader.
    with pytest.raises(ReadOnlyError):
        hand_over_logs(holder, to_holder=other_holder, unit=unit, by=holder, reason="Slutter")


@pytest.mark.parametrize("to", ["same", "other_unit", "deactivated"])
def test_a_hand_over_goes_only_to_another_active_holder_of_the_unit_R_LEAD_01(
    leader, holder, other_holder, holder_other_unit, unit, to
):
    log = make_log(holder, unit)
    target = {"same": holder, "other_unit": holder_other_unit, "deactivated": other_holder}[to]
    if to == "deactivated":
        other_holder.is_active = False
        other_holder.save()
    with pytest.raises(ValidationError) as refused:
        hand_over_logs(holder, to_holder=target, unit=unit, by=leader, reason="Slutter")
    assert "to_holder" in refused.value.message_dict
    log.refresh_from_db()
    assert log.holder == holder
    assert not Transfer.objects.exists()
