"""Transfer of a log to a new holder, proved through its services (R-TRAN-01…05): every
rule, every refusal, the chain, the e-mail, and two people deciding at the same moment."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditEvent
from common.errors import ReadOnlyError
from logs import services
from logs.enums import LogStatus, TransferStatus
from logs.models import Revision, Transfer
from logs.queries import (
    logs_visible_to,
    pending_transfers_for,
    transfers_visible_to,
)
from logs.services import (
    accept_transfer,
    add_guardian,
    create_concern,
    create_glimpse,
    forward_transfer,
    set_level,
    set_log_passive,
    transfer_log,
    update_child,
    upload_consent,
    withdraw_transfer,
)
from notifications.enums import Kind
from notifications.models import OutgoingEmail
from organisations.enums import Role
from organisations.models import Membership
from tests.factories import (
    VALID_NATIONAL_ID,
    concern_category,
    guardian_data,
    make_concern,
    measure_category,
    pdf_upload,
)

REASON = "Barnet begynner på ny skole etter sommeren"


def send(log, to_user, to_unit, *, by=None, reason=REASON, consent_confirmed=True):
    return transfer_log(
        log,
        by=by or log.holder,
        to_user=to_user,
        to_unit=to_unit,
        reason=reason,
        consent_confirmed=consent_confirmed,
    )


def error_fields(excinfo) -> set[str]:
    return set(excinfo.value.message_dict)


def nothing_changed(log, holder):
    log.refresh_from_db()
    assert log.status == LogStatus.ACTIVE
    assert log.holder == holder
    assert not Transfer.objects.filter(log=log).exists()
    assert not OutgoingEmail.objects.filter(kind=Kind.TRANSFER).exists()


# --- transfer_log ---------------------------------------------------------------------------


def test_transfer_within_the_unit_makes_the_log_pending_R_TRAN_01_R_TRAN_03(
    log, holder, other_holder, unit
):
    transfer = send(log, other_holder, unit, consent_confirmed=False)

    log.refresh_from_db()
    assert log.status == LogStatus.TRANSFER_PENDING
    assert log.holder == holder  # the holder until someone accepts
    assert transfer.status == TransferStatus.PENDING
    assert (transfer.from_holder, transfer.from_unit) == (holder, unit)
    assert (transfer.to_user, transfer.to_unit, transfer.reason) == (other_holder, unit, REASON)
    assert Revision.objects.filter(log=log, action="transfer.created").exists()
    event = AuditEvent.objects.get(action="transfer.created")
    assert (event.actor, event.log_id) == (holder, log.pk)
    assert REASON not in str(event.data)


def test_transfer_to_another_unit_of_the_municipality_with_consent_R_TRAN_01_R_TRAN_02(
    log, holder_other_unit, other_unit
):
    transfer = send(log, holder_other_unit, other_unit, consent_confirmed=True)

    assert transfer.consent_confirmed
    assert transfer.crosses_units
    log.refresh_from_db()
    assert log.status == LogStatus.TRANSFER_PENDING


def test_transfer_across_units_without_consent_confirmation_is_refused_R_TRAN_02(
    log, holder, holder_other_unit, other_unit
):
    with pytest.raises(ValidationError) as excinfo:
        send(log, holder_other_unit, other_unit, consent_confirmed=False)

    assert error_fields(excinfo) == {"consent_confirmed"}
    nothing_changed(log, holder)


def test_transfer_to_oneself_is_refused_R_TRAN_01(log, holder, unit):
    with pytest.raises(ValidationError) as excinfo:
        send(log, holder, unit)

    assert error_fields(excinfo) == {"to_user"}
    assert "deg selv" in str(excinfo.value)
    nothing_changed(log, holder)


def test_transfer_to_a_unit_outside_the_municipality_is_refused_R_TRAN_01(log, holder, outsider):
    far_unit = outsider.memberships.get().unit

    with pytest.raises(ValidationError) as excinfo:
        send(log, outsider, far_unit)

    assert "to_unit" in error_fields(excinfo)
    nothing_changed(log, holder)


def test_transfer_to_a_holder_of_another_municipality_in_our_unit_is_refused_R_TRAN_01(
    log, holder, outsider, unit
):
    with pytest.raises(ValidationError) as excinfo:
        send(log, outsider, unit)

    assert error_fields(excinfo) == {"to_user"}
    nothing_changed(log, holder)


def test_transfer_to_someone_who_is_not_a_holder_is_refused_R_TRAN_01(
    log, holder, actor, leader, unit
):
    for person in (actor, leader):
        with pytest.raises(ValidationError) as excinfo:
            send(log, person, unit)
        assert error_fields(excinfo) == {"to_user"}
    nothing_changed(log, holder)


def test_transfer_to_a_holder_of_another_unit_named_as_ours_is_refused_R_TRAN_01(
    log, holder, holder_other_unit, unit
):
    """The person must be a holder of the unit chosen, not just of some unit."""
    with pytest.raises(ValidationError) as excinfo:
        send(log, holder_other_unit, unit)

    assert error_fields(excinfo) == {"to_user"}
    nothing_changed(log, holder)


def test_transfer_to_a_deactivated_holder_is_refused_R_TRAN_01(log, holder, other_holder, unit):
    other_holder.is_active = False
    other_holder.save()

    with pytest.raises(ValidationError) as excinfo:
        send(log, other_holder, unit)

    assert error_fields(excinfo) == {"to_user"}
    nothing_changed(log, holder)


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_transfer_without_a_reason_is_refused_R_TRAN_02(log, holder, other_holder, unit, reason):
    with pytest.raises(ValidationError) as excinfo:
        send(log, other_holder, unit, reason=reason)

    assert error_fields(excinfo) == {"reason"}
    nothing_changed(log, holder)


def test_transfer_without_recipient_or_unit_names_both_fields(log, holder):
    with pytest.raises(ValidationError) as excinfo:
        send(log, None, None, reason="")

    assert error_fields(excinfo) == {"to_user", "to_unit", "reason"}
    nothing_changed(log, holder)


def test_only_the_holder_can_transfer_a_log_R_TRAN_01(log, holder, other_holder, unit):
    with pytest.raises(ReadOnlyError):
        send(log, other_holder, unit, by=other_holder)

    nothing_changed(log, holder)


def test_a_pending_log_cannot_be_transferred_again_R_TRAN_03(log, other_holder, third_holder, unit):
    send(log, other_holder, unit)

    with pytest.raises(ReadOnlyError):
        send(log, third_holder, unit)

    assert Transfer.objects.filter(log=log).count() == 1


def test_a_passive_log_cannot_be_transferred_R_TRAN_01_R_LOG_06(log, holder, other_holder, unit):
    set_log_passive(log, by=holder, confirmed=True)

    with pytest.raises(ReadOnlyError):
        send(log, other_holder, unit)

    assert not Transfer.objects.exists()


def test_the_database_allows_one_pending_transfer_per_log_R_TRAN_03(
    log, holder, other_holder, third_holder, unit
):
    send(log, other_holder, unit)

    with pytest.raises(IntegrityError), transaction.atomic():
        Transfer.objects.create(
            log=log,
            from_holder=holder,
            from_unit=unit,
            to_user=third_holder,
            to_unit=unit,
            reason="Nei",
        )


# --- the e-mail -----------------------------------------------------------------------------


def test_the_recipient_gets_an_email_with_only_a_notice_and_a_link_R_NOTIFY_01(
    log, holder_other_unit, other_unit, settings
):
    send(log, holder_other_unit, other_unit)

    email = OutgoingEmail.objects.get(kind=Kind.TRANSFER)
    assert email.to == holder_other_unit.email
    assert email.user == holder_other_unit
    assert f"{settings.STAFETT_SITE_URL}/logger/{log.pk}/" in email.body
    text = email.subject + email.body
    for secret in (VALID_NATIONAL_ID, "Sara", "Stafett", REASON, "151086"):
        assert secret not in text


def test_the_email_is_in_the_recipients_language_R_GEN_02(log, holder_other_unit, other_unit):
    holder_other_unit.language = "en"
    holder_other_unit.save()

    send(log, holder_other_unit, other_unit)

    email = OutgoingEmail.objects.get(kind=Kind.TRANSFER)
    assert email.subject and email.body


# --- read-only while pending ----------------------------------------------------------------


def test_while_pending_the_log_is_read_only_for_everyone_R_TRAN_03(
    log, holder, other_holder, unit, actor, guardian_user
):
    set_level(log, by=holder, level=2)
    make_concern(log, actors=[actor])
    send(log, other_holder, unit)
    municipality = unit.municipality
    today = timezone.localdate()

    changes = [
        lambda who: update_child(log, by=who, first_name="Ny"),
        lambda who: set_level(log, by=who, level=3),
        lambda who: add_guardian(log, by=who, **guardian_data()),
        lambda who: upload_consent(
            log, by=who, file=pdf_upload(), valid_until=today + timedelta(days=10)
        ),
        lambda who: create_concern(
            log,
            by=who,
            category=concern_category(municipality),
            description="Ny",
            goal="Mål",
            measure={
                "category": measure_category(municipality),
                "description": "Tiltak",
                "deadline": today + timedelta(days=5),
            },
        ),
    ]
    for who in (holder, other_holder):
        for change in changes:
            with pytest.raises(ReadOnlyError):
                change(who)
    for who, role in ((holder, Role.HOLDER), (other_holder, Role.HOLDER)):
        with pytest.raises(ReadOnlyError):
            create_glimpse(log, by=who, role=role, text="Fint", happened_on=today)
    for who, role in ((actor, Role.ACTOR), (guardian_user, Role.GUARDIAN)):
        with pytest.raises(ReadOnlyError):
            create_glimpse(log, by=who, role=role, text="Fint", happened_on=today)
    log.refresh_from_db()
    assert log.child.first_name == "Sara"
    assert log.level == 2


# --- visibility -----------------------------------------------------------------------------


def test_the_recipient_sees_the_pending_log_and_nobody_else_new_does_R_TRAN_04_R_ROLE_07(
    log, holder, other_holder, third_holder, holder_other_unit, unit
):
    transfer = send(log, other_holder, unit)

    assert log in logs_visible_to(holder, Role.HOLDER)
    assert log in logs_visible_to(other_holder, Role.HOLDER)
    assert log not in logs_visible_to(other_holder, Role.ACTOR)
    assert log not in logs_visible_to(third_holder, Role.HOLDER)
    assert log not in logs_visible_to(holder_other_unit, Role.HOLDER)
    assert list(pending_transfers_for(other_holder)) == [transfer]
    assert not pending_transfers_for(holder).exists()
    assert not pending_transfers_for(third_holder).exists()


def test_the_chain_is_for_holders_and_guardians_not_actors_R_TRAN_05(
    log, holder, other_holder, unit, actor, guardian_user
):
    set_level(log, by=holder, level=2)
    make_concern(log, actors=[actor])
    transfer = send(log, other_holder, unit)

    assert list(transfers_visible_to(holder, Role.HOLDER)) == [transfer]
    assert list(transfers_visible_to(other_holder, Role.HOLDER)) == [transfer]
    assert list(transfers_visible_to(guardian_user, Role.GUARDIAN)) == [transfer]
    assert not transfers_visible_to(actor, Role.ACTOR).exists()


def test_after_a_withdrawal_the_recipient_no_longer_sees_the_log_R_ROLE_07(
    log, holder, other_holder, unit
):
    transfer = send(log, other_holder, unit)
    withdraw_transfer(transfer, by=holder)

    assert log not in logs_visible_to(other_holder, Role.HOLDER)
    assert not pending_transfers_for(other_holder).exists()


# --- accept ---------------------------------------------------------------------------------


def test_accept_makes_the_recipient_the_holder_R_TRAN_04(log, holder, other_holder, unit):
    transfer = send(log, other_holder, unit, consent_confirmed=False)

    accept_transfer(transfer, by=other_holder)

    log.refresh_from_db()
    transfer.refresh_from_db()
    assert (log.holder, log.unit, log.status) == (other_holder, unit, LogStatus.ACTIVE)
    assert not log.consent_renewal_needed  # same unit: the consent still covers it
    assert transfer.status == TransferStatus.ACCEPTED
    assert transfer.decided_by == other_holder
    assert transfer.decided_at is not None
    assert Revision.objects.filter(log=log, action="transfer.accepted").exists()
    assert AuditEvent.objects.filter(action="transfer.accepted", log_id=log.pk).exists()


def test_after_accept_the_old_holder_loses_and_the_new_gains_holder_access_R_TRAN_04(
    log, holder, holder_other_unit, other_unit
):
    transfer = send(log, holder_other_unit, other_unit)

    accept_transfer(transfer, by=holder_other_unit)

    assert log not in logs_visible_to(holder, Role.HOLDER)
    assert log in logs_visible_to(holder_other_unit, Role.HOLDER)
    with pytest.raises(ReadOnlyError):
        update_child(log, by=holder, first_name="Gammel")
    update_child(log, by=holder_other_unit, first_name="Ny")
    create_glimpse(
        log,
        by=holder_other_unit,
        role=Role.HOLDER,
        text="Første dag i barnehagen",
        happened_on=timezone.localdate(),
    )
    log.refresh_from_db()
    assert log.child.first_name == "Ny"


def test_accept_across_units_asks_for_a_renewed_consent_R_LOG_02_R_TRAN_02(
    log, holder_other_unit, other_unit
):
    transfer = send(log, holder_other_unit, other_unit)
    log.refresh_from_db()
    assert not log.consent_renewal_needed  # not while it may still be withdrawn

    accept_transfer(transfer, by=holder_other_unit)

    log.refresh_from_db()
    assert log.unit == other_unit
    assert log.consent_renewal_needed
    upload_consent(
        log,
        by=holder_other_unit,
        file=pdf_upload(),
        valid_until=timezone.localdate() + timedelta(days=365),
    )
    log.refresh_from_db()
    assert not log.consent_renewal_needed


def test_only_the_recipient_can_accept_R_TRAN_04(log, holder, other_holder, third_holder, unit):
    transfer = send(log, other_holder, unit)

    for who in (holder, third_holder):
        with pytest.raises(ReadOnlyError):
            accept_transfer(transfer, by=who)

    transfer.refresh_from_db()
    assert transfer.is_pending


def test_accepting_twice_is_refused_R_TRAN_04(log, other_holder, unit):
    transfer = send(log, other_holder, unit)
    accept_transfer(transfer, by=other_holder)

    with pytest.raises(ValidationError) as excinfo:
        accept_transfer(transfer, by=other_holder)

    assert excinfo.value.code == "not_pending"


def test_a_recipient_who_is_no_longer_a_holder_of_the_unit_cannot_accept_R_TRAN_04(
    log, holder, other_holder, unit
):
    transfer = send(log, other_holder, unit)
    Membership.objects.filter(user=other_holder).delete()

    with pytest.raises(ReadOnlyError):
        accept_transfer(transfer, by=other_holder)

    log.refresh_from_db()
    assert (log.holder, log.status) == (holder, LogStatus.TRANSFER_PENDING)


# --- forward (not accept) -------------------------------------------------------------------


def test_not_accept_forwards_the_log_to_another_person_R_TRAN_04(
    log, holder, other_holder, third_holder, unit
):
    first = send(log, other_holder, unit)

    second = forward_transfer(
        first,
        by=other_holder,
        to_user=third_holder,
        to_unit=unit,
        reason="Tore kjenner familien",
        consent_confirmed=False,
    )

    first.refresh_from_db()
    log.refresh_from_db()
    assert first.status == TransferStatus.FORWARDED
    assert first.decided_by == other_holder
    assert second.status == TransferStatus.PENDING
    assert (second.from_holder, second.to_user, second.previous) == (
        other_holder,
        third_holder,
        first,
    )
    assert (log.holder, log.status) == (holder, LogStatus.TRANSFER_PENDING)
    assert log not in logs_visible_to(other_holder, Role.HOLDER)
    assert log in logs_visible_to(third_holder, Role.HOLDER)
    assert OutgoingEmail.objects.filter(kind=Kind.TRANSFER, to=third_holder.email).exists()
    assert AuditEvent.objects.filter(action="transfer.forwarded", log_id=log.pk).exists()

    accept_transfer(second, by=third_holder)
    log.refresh_from_db()
    assert log.holder == third_holder


def test_forward_follows_the_same_rules_as_a_transfer_R_TRAN_01_R_TRAN_02(
    log, holder, other_holder, holder_other_unit, other_unit, outsider, actor, unit
):
    first = send(log, other_holder, unit)
    far_unit = outsider.memberships.get().unit
    refused = [
        ({"to_user": other_holder, "to_unit": unit}, {"to_user"}),  # oneself
        ({"to_user": outsider, "to_unit": far_unit}, {"to_unit"}),  # outside
        ({"to_user": actor, "to_unit": unit}, {"to_user"}),  # not a holder
        ({"to_user": holder, "to_unit": unit, "reason": " "}, {"reason"}),
        # Across units, measured from the log's unit: the consent must be confirmed.
        ({"to_user": holder_other_unit, "to_unit": other_unit}, {"consent_confirmed"}),
    ]
    for changes, fields in refused:
        arguments = {"reason": "Videre", "consent_confirmed": False, **changes}
        with pytest.raises(ValidationError) as excinfo:
            forward_transfer(first, by=other_holder, **arguments)
        assert error_fields(excinfo) == fields, changes

    first.refresh_from_db()
    assert first.is_pending
    assert Transfer.objects.filter(log=log).count() == 1


def test_only_the_recipient_can_forward_R_TRAN_04(log, holder, other_holder, third_holder, unit):
    transfer = send(log, other_holder, unit)

    for who in (holder, third_holder):
        with pytest.raises(ReadOnlyError):
            forward_transfer(transfer, by=who, to_user=third_holder, to_unit=unit, reason="Videre")


def test_forwarding_back_to_the_holder_returns_the_log_on_accept_R_TRAN_04(
    log, holder, holder_other_unit, other_unit, unit
):
    first = send(log, holder_other_unit, other_unit)
    back = forward_transfer(
        first, by=holder_other_unit, to_user=holder, to_unit=unit, reason="Feil mottaker"
    )

    accept_transfer(back, by=holder)

    log.refresh_from_db()
    assert (log.holder, log.unit, log.status) == (holder, unit, LogStatus.ACTIVE)
    assert not log.consent_renewal_needed


# --- withdraw -------------------------------------------------------------------------------


def test_the_sender_withdraws_a_pending_transfer_R_TRAN_04(log, holder, other_holder, unit):
    transfer = send(log, other_holder, unit)

    withdraw_transfer(transfer, by=holder)

    log.refresh_from_db()
    transfer.refresh_from_db()
    assert (log.holder, log.status) == (holder, LogStatus.ACTIVE)
    assert transfer.status == TransferStatus.WITHDRAWN
    assert AuditEvent.objects.filter(action="transfer.withdrawn", log_id=log.pk).exists()
    update_child(log, by=holder, first_name="Igjen")


def test_only_the_holder_can_withdraw(log, other_holder, third_holder, unit):
    transfer = send(log, other_holder, unit)

    for who in (other_holder, third_holder):
        with pytest.raises(ReadOnlyError):
            withdraw_transfer(transfer, by=who)

    transfer.refresh_from_db()
    assert transfer.is_pending


def test_the_holder_can_withdraw_after_the_recipient_forwarded_it(
    log, holder, other_holder, third_holder, unit
):
    first = send(log, other_holder, unit)
    second = forward_transfer(
        first, by=other_holder, to_user=third_holder, to_unit=unit, reason="Videre"
    )

    withdraw_transfer(second, by=holder)

    log.refresh_from_db()
    assert (log.holder, log.status) == (holder, LogStatus.ACTIVE)
    assert not pending_transfers_for(third_holder).exists()


def test_a_decided_transfer_cannot_be_withdrawn(log, holder, other_holder, unit):
    transfer = send(log, other_holder, unit)
    withdraw_transfer(transfer, by=holder)

    with pytest.raises(ValidationError) as excinfo:
        withdraw_transfer(transfer, by=holder)

    assert excinfo.value.code == "not_pending"


# --- the chain ------------------------------------------------------------------------------


def test_every_transfer_stays_in_the_chain_R_TRAN_05(
    log, holder, other_holder, third_holder, holder_other_unit, unit, other_unit
):
    withdrawn = send(log, other_holder, unit, reason="Første forsøk")
    withdraw_transfer(withdrawn, by=holder)
    first = send(log, other_holder, unit, reason="Andre forsøk")
    forwarded = forward_transfer(
        first, by=other_holder, to_user=third_holder, to_unit=unit, reason="Tredje"
    )
    accept_transfer(forwarded, by=third_holder)
    onwards = transfer_log(
        log,
        by=third_holder,
        to_user=holder_other_unit,
        to_unit=other_unit,
        reason="Flytter til barnehagen",
        consent_confirmed=True,
    )
    accept_transfer(onwards, by=holder_other_unit)

    chain = list(transfers_visible_to(holder_other_unit, Role.HOLDER).filter(log=log))
    assert [(t.from_holder, t.to_user, t.status) for t in chain] == [
        (holder, other_holder, TransferStatus.WITHDRAWN),
        (holder, other_holder, TransferStatus.FORWARDED),
        (other_holder, third_holder, TransferStatus.ACCEPTED),
        (third_holder, holder_other_unit, TransferStatus.ACCEPTED),
    ]
    assert [t.reason for t in chain] == [
        "Første forsøk",
        "Andre forsøk",
        "Tredje",
        "Flytter til barnehagen",
    ]
    assert all(t.created_at for t in chain)
    log.refresh_from_db()
    assert (log.holder, log.unit) == (holder_other_unit, other_unit)


def test_a_level_1_log_with_actors_cannot_move_to_another_unit_R_TRAN_01_R_LOG_03(
    log, holder, actor, holder_other_unit, other_unit
):
    """Today's own-unit actors would be outside actors in the new unit, which level 1 forbids."""
    make_concern(log, actors=[actor])

    with pytest.raises(ValidationError) as excinfo:
        send(log, holder_other_unit, other_unit)

    assert "to_unit" in error_fields(excinfo)
    services.set_level(log, by=holder, level=2)
    assert send(log, holder_other_unit, other_unit).status == TransferStatus.PENDING
