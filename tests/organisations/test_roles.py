"""Roles, the role switcher and *Min side* per role (R-ROLE-01)."""

import pytest
from django.db import IntegrityError

from accounts.models import User
from organisations.backends import PLACES, RoleBackend
from organisations.context_processors import _header_names
from organisations.enums import Role
from organisations.queries import roles_of
from tests.factories import MembershipFactory, UserFactory


def test_roles_come_from_memberships_in_menu_order_R_ROLE_01(multi_role_user):
    assert roles_of(multi_role_user) == [Role.LEADER, Role.HOLDER]


def test_a_user_without_memberships_has_no_roles(db):
    assert roles_of(UserFactory()) == []


def test_membership_is_unique_per_user_unit_and_role(holder, unit):
    with pytest.raises(IntegrityError):
        MembershipFactory(user=holder, unit=unit, role=Role.HOLDER)


def test_switcher_shows_only_the_users_roles_R_ROLE_01(client, multi_role_user):
    client.force_login(multi_role_user)
    html = client.get("/").content.decode()
    assert 'value="leader"' in html
    assert 'value="holder"' in html
    assert 'value="actor"' not in html
    assert 'value="guardian"' not in html


def test_single_role_user_sees_the_role_but_no_switcher(client, holder):
    client.force_login(holder)
    html = client.get("/").content.decode()
    assert 'id="role-select"' not in html
    assert "Rolle: Stafettholder" in html


def test_switching_role_changes_min_side_R_ROLE_01(client, multi_role_user):
    client.force_login(multi_role_user)
    assert "Virksomhetsleder" in client.get("/").content.decode().split("<h1")[1]

    response = client.post("/rolle/", {"role": "holder"}, follow=True)

    heading = response.content.decode().split("<h1")[1].split("</h1>")[0]
    assert "Stafettholder" in heading
    assert "Mine stafettbarn" in response.content.decode()
    assert client.session["active_role"] == "holder"


def test_switching_to_a_role_one_does_not_hold_is_refused_R_ROLE_01(client, holder):
    client.force_login(holder)
    response = client.post("/rolle/", {"role": "leader"}, follow=True)
    assert "Du har ikke denne rollen." in response.content.decode()
    assert client.session.get("active_role") is None
    assert "Stafettholder" in response.content.decode().split("<h1")[1]


def test_header_shows_municipality_and_unit(client, holder):
    client.force_login(holder)
    html = client.get("/").content.decode()
    assert "Testkommune" in html
    assert "Testskolen" in html


def _header(html: str) -> tuple[str, str]:
    municipality = html.split('class="site-header__municipality">')[1].split("<")[0]
    units = html.split('class="site-header__units">')[1].split("</span>")[0]
    return municipality, units


def test_the_header_names_the_units_of_the_active_role_only_in_order_R_ROLE_01(
    client, unit, other_unit
):
    """The header's names are read with the person, every role's (organisations.backends):
    the header shows those of the active role, by name, and follows a switch at once."""
    person = UserFactory()
    MembershipFactory(user=person, unit=unit, role=Role.HOLDER)  # Testskolen
    MembershipFactory(user=person, unit=other_unit, role=Role.HOLDER)
    MembershipFactory(user=person, unit=other_unit, role=Role.ACTOR)
    client.force_login(person)
    client.post("/rolle/", {"role": "holder"})
    holder_units = sorted([unit.name, other_unit.name])
    assert _header(client.get("/").content.decode()) == ("Testkommune", ", ".join(holder_units))

    client.post("/rolle/", {"role": "actor"})
    assert _header(client.get("/").content.decode()) == ("Testkommune", other_unit.name)


def test_the_header_names_without_the_persons_row_are_read_by_themselves(holder, unit):
    """A person not read by organisations.backends (no names along) gets them by a query of
    their own: the same names."""
    read = RoleBackend().get_user(holder.pk)
    plain = User.objects.get(pk=holder.pk)
    assert hasattr(read, PLACES) and not hasattr(plain, PLACES)
    assert _header_names(read, Role.HOLDER) == _header_names(plain, Role.HOLDER)
    assert _header_names(read, Role.HOLDER) == (["Testskolen"], "Testkommune")
    assert _header_names(read, Role.ACTOR) == ([], "")
