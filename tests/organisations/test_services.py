"""The administration's services (R-ROLE-02, R-SEC-07): the rules hold whatever calls them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import User
from notifications.enums import Kind
from notifications.models import OutgoingEmail
from organisations.enums import Role
from organisations.models import ConcernCategory, Membership, Unit
from organisations.services import add_person, assign_role, delete_setup, save_setup
from tests.factories import VALID_NATIONAL_ID, UnitFactory, UserFactory


def test_the_administration_services_refuse_another_municipalitys_ids_R_SEC_07(
    municipality_admin, unit, holder, outsider
):
    foreign_unit = outsider.memberships.get().unit
    attempts = {
        "unit there": lambda: save_setup(
            Unit(municipality=foreign_unit.municipality, name="X"),
            by=municipality_admin,
            created=True,
        ),
        "unit under theirs": lambda: save_setup(
            Unit(municipality=unit.municipality, parent=foreign_unit, name="X"),
            by=municipality_admin,
            created=True,
        ),
        "their unit moved here": lambda: save_setup(
            Unit(pk=foreign_unit.pk, municipality=unit.municipality, name=foreign_unit.name),
            by=municipality_admin,
            created=False,
        ),
        "their unit deleted": lambda: delete_setup(foreign_unit, by=municipality_admin),
        "their category": lambda: save_setup(
            ConcernCategory(municipality=foreign_unit.municipality, name="X"),
            by=municipality_admin,
            created=True,
        ),
        "their person a role here": lambda: assign_role(
            by=municipality_admin, user=outsider, unit=unit, role=Role.LEADER
        ),
        "our person a role there": lambda: assign_role(
            by=municipality_admin, user=holder, unit=foreign_unit, role=Role.LEADER
        ),
        "a new person there": lambda: add_person(
            by=municipality_admin,
            email="n@example.no",
            first_name="N",
            last_name="N",
            unit=foreign_unit,
            role=Role.HOLDER,
        ),
        "a new person with no role": lambda: add_person(
            by=municipality_admin, email="n@example.no", first_name="N", last_name="N"
        ),
    }
    allowed = []
    for name, attempt in attempts.items():
        try:
            attempt()
            allowed.append(name)
        except PermissionDenied:
            pass

    assert allowed == []
    assert Unit.objects.filter(name="X").count() == 0
    assert Unit.objects.get(pk=foreign_unit.pk).municipality == foreign_unit.municipality
    assert not Membership.objects.filter(role=Role.LEADER).exists()
    assert not User.objects.filter(email="n@example.no").exists()


def test_an_operator_adds_a_person_with_no_role_who_activates_by_email_R_SEC_07(db):
    operator = UserFactory(is_staff=True, is_superuser=True)

    person = add_person(by=operator, email="Drift@Example.no", first_name="D", last_name="D")

    assert person.email == "drift@example.no"
    assert not person.has_usable_password()
    assert OutgoingEmail.objects.get(kind=Kind.ACTIVATION).to == "drift@example.no"


def test_a_unit_stays_in_its_municipalitys_tree_R_ROLE_02(unit, outsider):
    below = UnitFactory(municipality=unit.municipality, parent=unit)
    unit.parent = below
    with pytest.raises(ValidationError) as loop:
        unit.full_clean()
    unit.parent = outsider.memberships.get().unit
    with pytest.raises(ValidationError) as foreign:
        unit.full_clean()

    assert "parent" in loop.value.message_dict
    assert "parent" in foreign.value.message_dict


@pytest.mark.parametrize("elsewhere", ["a role", "a child"])
def test_a_person_who_also_belongs_to_another_municipality_is_not_changed_here_R_SEC_07(
    client, municipality_admin, holder, actor_other_municipality, elsewhere
):
    """Switching off someone who also works, or has a child, in another municipality would
    lock them out there too: the administrator sees them, and an operator changes them."""
    from logs.models import Guardian
    from organisations.services import change_person
    from tests.factories import make_log

    far_unit = actor_other_municipality.memberships.get().unit
    if elsewhere == "a role":
        Membership.objects.create(user=holder, unit=far_unit, role=Role.ACTOR)
    else:
        Membership.objects.filter(user=actor_other_municipality).update(role=Role.HOLDER)
        far_log = make_log(actor_other_municipality, far_unit)
        Guardian.objects.filter(log=far_log).update(user=holder)

    with pytest.raises(PermissionDenied):
        change_person(holder, by=municipality_admin, changes={"is_active": False})
    client.force_login(municipality_admin)
    page = client.get(f"/admin/accounts/user/{holder.pk}/change/")
    post = client.post(
        f"/admin/accounts/user/{holder.pk}/change/",
        {"first_name": "X", "last_name": "Y", "language": "nb", "phone": ""},
    )

    holder.refresh_from_db()
    assert holder.is_active and holder.first_name == "Hanne"
    assert page.status_code == 200 and 'name="first_name"' not in page.content.decode()
    assert post.status_code == 403


def test_a_person_only_of_this_municipality_is_changed_by_its_administrator_R_SEC_07(
    municipality_admin, holder
):
    from organisations.services import change_person

    change_person(holder, by=municipality_admin, changes={"is_active": False})

    holder.refresh_from_db()
    assert not holder.is_active


def test_a_person_with_a_login_is_told_when_someone_gives_them_a_role_R_SEC_07(
    holder, unit, actor_other_municipality
):
    """A role reaches children's logs: a person who can log in hears of a new one (and can
    say it was not agreed); a person without a login gets the activation e-mail instead."""
    from organisations.services import register_actor

    register_actor(
        by=holder,
        unit=unit,
        first_name=actor_other_municipality.first_name,
        last_name=actor_other_municipality.last_name,
        email=actor_other_municipality.email,
        phone="",
        national_id=VALID_NATIONAL_ID,
    )

    notice = OutgoingEmail.objects.get(kind=Kind.ACCOUNT_CHANGED)
    assert notice.to == actor_other_municipality.email
    assert notice.subject == "Du har fått en ny rolle i Stafettlogg"
    assert unit.name in notice.body and "Aktør" in notice.body
