"""A leader's staff services (R-LEAD-01, R-ROLE-03): each rule and each refusal."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import ActivationToken, User
from audit.models import AuditEvent
from logs.models import Log
from notifications.enums import Kind
from notifications.models import OutgoingEmail
from organisations.enums import Role
from organisations.models import Membership
from staff.services import (
    add_staff_role,
    create_staff,
    deactivate_staff,
    edit_staff,
    hand_over_staff_logs,
    remove_staff_role,
)
from tests.factories import (
    MembershipFactory,
    MunicipalityFactory,
    UnitFactory,
    UserFactory,
    make_log,
)

pytestmark = pytest.mark.django_db


def _new(by, unit, **changes):
    data = {
        "email": "Ny.Person@Example.no",
        "first_name": " Nora ",
        "last_name": "Ny",
        "phone": "",
        "unit": unit,
        "role": Role.HOLDER.value,
    } | changes
    return create_staff(by=by, **data)


# --- create -----------------------------------------------------------------------------------


def test_a_leader_creates_a_holder_who_gets_an_activation_email_R_LEAD_01(leader, unit):
    added = _new(leader, unit)
    person = added.person
    assert added.new_account
    assert (person.email, person.first_name) == ("ny.person@example.no", "Nora")
    assert not person.has_usable_password()
    assert Membership.objects.filter(user=person, unit=unit, role=Role.HOLDER).exists()
    assert OutgoingEmail.objects.filter(kind=Kind.ACTIVATION, to=person.email).count() == 1
    assert ActivationToken.objects.filter(user=person, created_by=leader).exists()
    registered = AuditEvent.objects.get(action="user.registered")
    assert registered.actor_id == leader.pk and registered.data == {"via": "leader"}
    assert AuditEvent.objects.filter(action="membership.created", actor_id=leader.pk).exists()


def test_a_municipality_administrator_creates_staff_in_any_unit_R_LEAD_01(
    municipality_admin, other_unit
):
    person = _new(municipality_admin, other_unit, role=Role.ACTOR.value).person
    assert Membership.objects.filter(user=person, unit=other_unit, role=Role.ACTOR).exists()


def test_a_person_known_in_the_municipality_gets_a_new_role_not_a_second_account_R_LEAD_01(
    leader, unit, holder_other_unit
):
    added = _new(leader, unit, email=holder_other_unit.email.upper(), role=Role.ACTOR.value)
    assert not added.new_account and added.person == holder_other_unit
    assert User.objects.filter(email__iexact=holder_other_unit.email).count() == 1
    assert Membership.objects.filter(user=holder_other_unit, unit=unit, role=Role.ACTOR).exists()
    # They can log in already: told of the role, no activation link (R-SEC-07).
    assert not OutgoingEmail.objects.filter(kind=Kind.ACTIVATION).exists()
    assert OutgoingEmail.objects.filter(kind=Kind.ACCOUNT_CHANGED).exists()


@pytest.mark.parametrize("whose", ["other_municipality", "operator", "guardian_only"])
def test_an_email_of_someone_outside_the_municipality_is_refused_saying_nothing_R_LEAD_01(
    leader, unit, outsider, whose
):
    person = {
        "other_municipality": outsider,
        "operator": UserFactory(is_staff=True, is_superuser=True),
        "guardian_only": UserFactory(),
    }[whose]
    with pytest.raises(ValidationError) as refused:
        _new(leader, unit, email=person.email)
    message = " ".join(refused.value.message_dict["email"])
    assert "kan ikke brukes her" in message
    for secret in (person.first_name, person.last_name, "Annen kommune"):
        assert secret not in message
    assert not Membership.objects.filter(user=person, unit=unit).exists()


def test_a_unit_outside_the_leaders_reach_is_refused_R_LEAD_01(leader, other_unit):
    with pytest.raises(ValidationError) as refused:
        _new(leader, other_unit)
    assert "unit" in refused.value.message_dict
    assert not User.objects.filter(email="ny.person@example.no").exists()


def test_a_leader_gives_only_holder_and_actor_roles_R_LEAD_01(leader, unit):
    with pytest.raises(ValidationError) as refused:
        _new(leader, unit, role=Role.LEADER.value)
    assert "role" in refused.value.message_dict


def test_holders_and_actors_cannot_create_staff_R_ROLE_03(holder, unit):
    with pytest.raises(ValidationError) as refused:
        _new(holder, unit)
    assert "unit" in refused.value.message_dict


def test_a_deactivated_person_of_the_municipality_is_not_given_a_role_R_LEAD_01(
    leader, unit, other_holder
):
    other_holder.is_active = False
    other_holder.save()
    with pytest.raises(ValidationError) as refused:
        _new(leader, unit, email=other_holder.email, role=Role.ACTOR.value)
    assert "deaktivert" in " ".join(refused.value.message_dict["email"])


def test_the_same_form_sent_twice_makes_one_person_and_one_email_R_GEN_08(leader, unit):
    from common.submissions import AlreadySubmitted, new_submission_key

    key = new_submission_key()
    _new(leader, unit, submission=key)
    with pytest.raises(AlreadySubmitted):
        _new(leader, unit, submission=key)
    assert OutgoingEmail.objects.filter(kind=Kind.ACTIVATION).count() == 1


# --- edit -------------------------------------------------------------------------------------


def _edit(person, by, **changes):
    data = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "phone": person.phone,
        "email": person.email,
    } | changes
    return edit_staff(person, by=by, **data)


def test_a_leader_edits_name_and_phone_R_LEAD_01(leader, holder):
    _edit(holder, leader, first_name="Hanna", phone="+47 900 00 000")
    holder.refresh_from_db()
    assert (holder.first_name, holder.phone) == ("Hanna", "+47 900 00 000")
    event = AuditEvent.objects.get(action="user.changed")
    assert event.actor_id == leader.pk and event.data == {"fields": ["first_name", "phone"]}


def test_a_leader_corrects_the_email_until_the_person_has_activated_R_LEAD_01_R_SEC_07(
    leader, unit
):
    person = _new(leader, unit).person
    _edit(person, leader, email="riktig@example.no")
    person.refresh_from_db()
    assert person.email == "riktig@example.no"
    emails = OutgoingEmail.objects.filter(kind=Kind.ACTIVATION).order_by("pk")
    assert [e.to for e in emails] == ["ny.person@example.no", "riktig@example.no"]
    # The link sent to the wrong address no longer works.
    assert ActivationToken.objects.filter(user=person, revoked_at__isnull=True).count() == 1


def test_an_activated_persons_email_is_theirs_to_change_R_SEC_07(leader, holder):
    with pytest.raises(ValidationError) as refused:
        _edit(holder, leader, email="kapret@example.no")
    assert "email" in refused.value.message_dict
    holder.refresh_from_db()
    assert holder.email != "kapret@example.no"


def test_an_email_already_in_use_is_refused_saying_nothing_R_SEC_07(leader, unit, outsider):
    person = _new(leader, unit).person
    with pytest.raises(ValidationError) as refused:
        _edit(person, leader, email=outsider.email)
    assert "kan ikke brukes her" in " ".join(refused.value.message_dict["email"])


def test_a_person_outside_the_leaders_units_cannot_be_edited_R_ROLE_03(
    leader, holder_other_unit, outsider
):
    for person in (holder_other_unit, outsider):
        with pytest.raises(PermissionDenied):
            _edit(person, leader, first_name="X")


def test_a_person_who_works_in_another_municipality_too_is_not_edited_by_a_leader_R_SEC_07(
    leader, holder, outsider
):
    MembershipFactory(user=holder, unit=outsider.memberships.get().unit, role=Role.ACTOR)
    with pytest.raises(ValidationError):
        _edit(holder, leader, first_name="X")


# --- roles ------------------------------------------------------------------------------------


def test_a_leader_adds_and_removes_a_role_in_their_units_R_LEAD_01(leader, unit, holder):
    below = UnitFactory(municipality=unit.municipality, parent=unit, name="Avdeling")
    membership = add_staff_role(holder, by=leader, unit=below, role=Role.ACTOR.value)
    assert membership.unit == below
    remove_staff_role(membership, by=leader)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.filter(action="membership.deleted", actor_id=leader.pk).exists()


def test_a_role_outside_the_reach_or_a_leader_role_is_refused_R_LEAD_01(
    leader, unit, other_unit, holder
):
    with pytest.raises(ValidationError) as refused:
        add_staff_role(holder, by=leader, unit=other_unit, role=Role.ACTOR.value)
    assert "unit" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        add_staff_role(holder, by=leader, unit=unit, role=Role.LEADER.value)
    assert "role" in refused.value.message_dict


def test_removing_a_role_is_refused_for_a_leader_role_the_last_role_or_held_logs_R_LEAD_01(
    leader, unit, holder, actor
):
    leader_role = MembershipFactory(user=holder, unit=unit, role=Role.LEADER)
    with pytest.raises(ValidationError):
        remove_staff_role(leader_role, by=leader)
    with pytest.raises(ValidationError, match="eneste rolle"):
        remove_staff_role(actor.memberships.get(), by=leader)
    make_log(holder, unit)
    with pytest.raises(ValidationError, match="aktive logger"):
        remove_staff_role(holder.memberships.get(role=Role.HOLDER), by=leader)


def test_a_role_in_another_unit_cannot_be_removed_by_this_leader_R_ROLE_03(
    leader, holder, other_unit
):
    elsewhere = MembershipFactory(user=holder, unit=other_unit, role=Role.ACTOR)
    with pytest.raises(PermissionDenied):
        remove_staff_role(elsewhere, by=leader)
    assert Membership.objects.filter(pk=elsewhere.pk).exists()


# --- deactivate -------------------------------------------------------------------------------


def test_deactivating_oneself_is_refused_R_LEAD_01(leader, unit):
    MembershipFactory(user=leader, unit=unit, role=Role.HOLDER)
    with pytest.raises(ValidationError, match="deg selv"):
        deactivate_staff(leader, by=leader, hand_to={})
    leader.refresh_from_db()
    assert leader.is_active


def test_a_leader_deactivates_a_person_and_the_history_stays_R_LEAD_01(leader, actor):
    deactivate_staff(actor, by=leader, hand_to={})
    actor.refresh_from_db()
    assert not actor.is_active
    assert actor.memberships.exists()
    assert AuditEvent.objects.filter(action="user.deactivated", actor_id=leader.pk).exists()
    with pytest.raises(ValidationError, match="allerede"):
        deactivate_staff(actor, by=leader, hand_to={})


def test_a_holder_with_active_logs_is_deactivated_only_with_a_hand_over_R_LEAD_01(
    leader, unit, holder, other_holder
):
    logs = [make_log(holder, unit), make_log(holder, unit, first_name="Siri")]
    with pytest.raises(ValidationError) as refused:
        deactivate_staff(holder, by=leader, hand_to={})
    assert f"holder_{unit.pk}" in refused.value.message_dict
    holder.refresh_from_db()
    assert holder.is_active
    moved = deactivate_staff(holder, by=leader, hand_to={unit.pk: other_holder})
    assert moved == 2
    holder.refresh_from_db()
    assert not holder.is_active
    assert set(
        Log.objects.filter(pk__in=[log.pk for log in logs]).values_list("holder", flat=True)
    ) == {other_holder.pk}


def test_a_failed_hand_over_deactivates_nobody_R_LEAD_01(leader, unit, holder, holder_other_unit):
    make_log(holder, unit)
    with pytest.raises(ValidationError):
        deactivate_staff(holder, by=leader, hand_to={unit.pk: holder_other_unit})
    holder.refresh_from_db()
    assert holder.is_active


def test_a_person_who_works_or_is_a_guardian_outside_the_reach_is_not_deactivated_R_LEAD_01(
    leader, holder, other_unit, guardian_user, unit
):
    MembershipFactory(user=holder, unit=other_unit, role=Role.ACTOR)
    with pytest.raises(ValidationError, match="utenfor"):
        deactivate_staff(holder, by=leader, hand_to={})
    MembershipFactory(user=guardian_user, unit=unit, role=Role.ACTOR)
    with pytest.raises(ValidationError, match="utenfor"):
        deactivate_staff(guardian_user, by=leader, hand_to={})


def test_a_person_outside_the_reach_is_neither_deactivated_nor_handed_over_R_ROLE_03(
    leader, holder_other_unit, outsider
):
    for person in (holder_other_unit, outsider):
        with pytest.raises(PermissionDenied):
            deactivate_staff(person, by=leader, hand_to={})
        with pytest.raises(PermissionDenied):
            hand_over_staff_logs(person, by=leader, hand_to={})


def test_a_municipality_administrator_deactivates_in_any_unit_R_LEAD_01(
    municipality_admin, holder_other_unit
):
    deactivate_staff(holder_other_unit, by=municipality_admin, hand_to={})
    holder_other_unit.refresh_from_db()
    assert not holder_other_unit.is_active


def test_another_municipalitys_administrator_reaches_nobody_here_R_ROLE_03(holder):
    stranger = UserFactory()
    MunicipalityFactory(name="Fjern").administrators.add(stranger)
    with pytest.raises(PermissionDenied):
        deactivate_staff(holder, by=stranger, hand_to={})


# --- reactivate -------------------------------------------------------------------------------


def test_a_leader_reactivates_a_person_who_is_told_R_LEAD_01(leader, actor):
    from staff.services import reactivate_staff

    deactivate_staff(actor, by=leader, hand_to={})
    reactivate_staff(actor, by=leader)
    actor.refresh_from_db()
    assert actor.is_active
    assert AuditEvent.objects.filter(action="user.reactivated", actor_id=leader.pk).exists()
    assert OutgoingEmail.objects.filter(kind=Kind.ACCOUNT_CHANGED, to=actor.email).exists()


def test_a_person_who_never_activated_gets_a_new_link_when_reactivated_R_LEAD_01(leader, unit):
    from staff.services import reactivate_staff

    person = _new(leader, unit).person
    deactivate_staff(person, by=leader, hand_to={})
    assert not ActivationToken.objects.filter(user=person, revoked_at__isnull=True).exists()
    reactivate_staff(person, by=leader)
    assert ActivationToken.objects.filter(user=person, revoked_at__isnull=True).count() == 1


def test_reactivation_is_refused_for_an_active_person_or_one_outside_the_reach_R_LEAD_01(
    leader, actor, holder_other_unit, other_unit
):
    from staff.services import reactivate_staff

    with pytest.raises(ValidationError, match="aktiv"):
        reactivate_staff(actor, by=leader)
    with pytest.raises(PermissionDenied):
        reactivate_staff(holder_other_unit, by=leader)
    deactivate_staff(actor, by=leader, hand_to={})
    MembershipFactory(user=actor, unit=other_unit, role=Role.ACTOR)
    with pytest.raises(ValidationError, match="utenfor"):
        reactivate_staff(actor, by=leader)
