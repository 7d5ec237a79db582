"""The leader's reach: the units whose staff and numbers a leader or administrator sees."""

import pytest
from django.test import RequestFactory

from accounts.enums import ACTIVE_ROLE_SESSION_KEY
from organisations.enums import Role
from organisations.models import Unit
from organisations.queries import leads, reach_of, units_led_by
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


def test_the_reach_is_one_query_for_a_leader_and_an_administrator_alike_R_ROLE_03(
    municipality, unit, other_unit, leader, municipality_admin, django_assert_num_queries
):
    """The reach is one query (issue 9), however deep the tree and whoever asks: the ids
    of the units (reach_of), which the units' queryset then names."""
    below = UnitFactory(municipality=municipality, name="Avdeling under", parent=unit)
    further = UnitFactory(municipality=municipality, name="Gruppe under", parent=below)
    with django_assert_num_queries(1):
        assert sorted(reach_of(leader)) == sorted([unit.pk, below.pk, further.pk])
    with django_assert_num_queries(2):
        assert set(units_led_by(leader)) == {unit, below, further}
    with django_assert_num_queries(1):
        assert {unit.pk, other_unit.pk, below.pk, further.pk} <= set(reach_of(municipality_admin))


def test_the_reach_stays_in_the_municipalities_the_person_leads_in_R_ROLE_03(
    municipality, unit, leader
):
    """A unit below a led one but of another municipality (the model refuses it; data
    written around the model) is out of reach, and so is everything below it."""
    elsewhere = MunicipalityFactory(name="Annen kommune")
    stray = UnitFactory(municipality=elsewhere, name="Feilplassert")
    Unit.objects.filter(pk=stray.pk).update(parent=unit)
    below_stray = UnitFactory(municipality=municipality, name="Under feilplassert")
    Unit.objects.filter(pk=below_stray.pk).update(parent=stray)

    assert set(units_led_by(leader)) == {unit}


def test_a_leader_who_also_administers_reaches_both_R_ROLE_03(municipality, unit, leader):
    elsewhere = MunicipalityFactory(name="Annen kommune")
    far = UnitFactory(municipality=elsewhere, name="Fjernskolen")
    far_below = UnitFactory(municipality=elsewhere, name="Fjern avdeling", parent=far)
    elsewhere.administrators.add(leader)

    assert set(units_led_by(leader)) == {unit, far, far_below}
    assert list(units_led_by(leader)) == sorted(units_led_by(leader), key=lambda u: u.name)


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
