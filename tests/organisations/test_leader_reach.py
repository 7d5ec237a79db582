"""The leader's reach: the units whose staff and numbers a leader or administrator sees."""

import pytest
from django.test import RequestFactory

from accounts.enums import ACTIVE_ROLE_SESSION_KEY
from organisations.enums import Role
from organisations.queries import leads, units_led_by
from tests.factories import MembershipFactory, MunicipalityFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def _request(user, role=None):
    request = RequestFactory().get("/")
    request.user = user
    request.session = {ACTIVE_ROLE_SESSION_KEY: role} if role else {}
    return request


def test_a_leader_reaches_their_units_and_those_below_R_ROLE_03(
    municipality, unit, other_unit, leader
):
    below = UnitFactory(municipality=municipality, name="Avdeling under", parent=unit)
    further = UnitFactory(municipality=municipality, name="Gruppe under", parent=below)
    assert set(units_led_by(leader)) == {unit, below, further}
    assert other_unit not in units_led_by(leader)


def test_an_administrator_reaches_every_unit_of_their_municipality_only_R_ROLE_03(
    municipality, unit, other_unit, municipality_admin
):
    far = UnitFactory(municipality=MunicipalityFactory(name="Fjern"), name="Fjernskolen")
    reach = set(units_led_by(municipality_admin))
    assert {unit, other_unit} <= reach
    assert far not in reach


def test_the_signed_in_leader_s_reach_asks_nothing_about_administration_R_ROLE_03(
    municipality, unit, other_unit, leader, municipality_admin, django_assert_num_queries
):
    """As the header does, the reach takes whether the person administers a municipality
    from the person's own query (organisations.backends): a plain leader's reach is two
    queries (their units, the tree) instead of three, and an administrator's still all."""
    from organisations.backends import RoleBackend

    signed_in_leader = RoleBackend().get_user(leader.pk)
    signed_in_admin = RoleBackend().get_user(municipality_admin.pk)
    with django_assert_num_queries(2):
        units_led_by(signed_in_leader)
    assert set(units_led_by(signed_in_leader)) == {unit}
    assert {unit, other_unit} <= set(units_led_by(signed_in_admin))


def test_nobody_else_reaches_a_unit_R_ROLE_03(holder, actor):
    assert not units_led_by(holder).exists()
    assert not units_led_by(actor).exists()


def test_the_leader_pages_open_to_the_leader_role_and_the_administrator_R_ROLE_03(
    unit, leader, holder, municipality_admin
):
    assert leads(_request(leader))
    assert not leads(_request(holder))
    assert leads(_request(municipality_admin))
    both = UserFactory()
    MembershipFactory(user=both, unit=unit, role=Role.LEADER)
    MembershipFactory(user=both, unit=unit, role=Role.HOLDER)
    assert leads(_request(both, Role.LEADER.value))
    assert not leads(_request(both, Role.HOLDER.value))
