"""The numbers of the leader's pages: the staff of their units and how they follow up their
measures (R-LEAD-02, R-LEAD-04), counted in the database."""

from datetime import timedelta

import pytest
from django.utils import timezone

from logs.enums import Outcome
from logs.models import Log, Measure
from logs.services import evaluate_measure, set_log_passive
from organisations.enums import Role
from organisations.queries import units_led_by
from staff.overview import (
    DEFAULT_USER_SORT,
    USER_SORTS,
    overdue,
    parse_sort,
    people_of_units,
    person_rows,
    roles_in_units,
    staff_of_units,
)
from tests.factories import MembershipFactory, UnitFactory, make_concern, make_log

pytestmark = pytest.mark.django_db


def _days(n: int):
    return timezone.localdate() + timedelta(days=n)


def _work(holder, actor, unit):
    """Two active logs of the holder (one with 2 overdue measures of the actor, one with a
    measure on time and one evaluated), and a passive one."""
    first = make_log(holder, unit)
    make_concern(first, actors=[actor], deadline=_days(-3))
    make_concern(first, actors=[actor], deadline=_days(-1))
    second = make_log(holder, unit, first_name="Per")
    make_concern(second, actors=[actor], deadline=_days(0))
    done = make_concern(second, actors=[actor], deadline=_days(-9)).measures.get()
    evaluate_measure(done, by=holder, outcome=Outcome.DESIRED_EFFECT, text="Bra")
    passive = make_log(holder, unit, first_name="Siri")
    set_log_passive(passive, by=holder, confirmed=True)


def test_min_side_counts_held_logs_and_overdue_measures_per_row_R_LEAD_02(
    unit, other_unit, leader, holder, actor, holder_other_unit
):
    _work(holder, actor, unit)
    make_log(holder_other_unit, other_unit)  # another unit: not the leader's
    rows = {(m.user, m.role): m for m in staff_of_units(units_led_by(leader))}
    assert set(rows) == {(holder, Role.HOLDER), (actor, Role.ACTOR)}
    assert rows[holder, Role.HOLDER].held_logs == 2  # the passive log is not held work
    assert rows[actor, Role.ACTOR].overdue_measures == 2
    assert rows[holder, Role.HOLDER].unit == unit


def test_a_holder_answers_for_a_log_whose_transfer_waits_R_LEAD_02(
    unit, leader, holder, holder_other_unit
):
    from logs.services import transfer_log

    log = make_log(holder, unit)
    transfer_log(
        log,
        by=holder,
        to_user=holder_other_unit,
        to_unit=holder_other_unit.memberships.get().unit,
        reason="Flytter",
        consent_confirmed=True,
    )
    [row] = staff_of_units(units_led_by(leader))
    assert row.held_logs == 1


def test_held_logs_are_counted_per_unit_R_LEAD_02(municipality, unit, leader, holder):
    below = UnitFactory(municipality=municipality, name="Avdeling", parent=unit)
    MembershipFactory(user=holder, unit=below, role=Role.HOLDER)
    make_log(holder, unit)
    make_log(holder, below, first_name="Kari")
    make_log(holder, below, first_name="Kai")
    counts = {m.unit.name: m.held_logs for m in staff_of_units(units_led_by(leader))}
    assert counts == {"Testskolen": 1, "Avdeling": 2}


def test_overdue_is_the_measures_own_definition_R_MEAS_02(unit, holder, actor):
    log = make_log(holder, unit)
    for days in (-5, -1, 0, 3):
        make_concern(log, actors=[actor], deadline=_days(days))
    evaluated = Measure.objects.filter(deadline=_days(-5)).get()
    evaluate_measure(evaluated, by=holder, outcome=Outcome.NO_EFFECT, text="Ingen")
    today = timezone.localdate()
    filtered = set(Measure.objects.filter(overdue(today)))
    assert filtered == {m for m in Measure.objects.all() if m.is_overdue(today)}
    assert len(filtered) == 1


def test_users_overview_counts_each_persons_measures_R_LEAD_04(unit, leader, holder, actor):
    _work(holder, actor, unit)
    people = {p: p for p in people_of_units(units_led_by(leader))}
    assert set(people) == {leader, holder, actor}
    mine = people[actor]
    assert (mine.on_time, mine.overdue, mine.evaluated) == (1, 2, 1)
    assert (people[holder].on_time, people[holder].overdue, people[holder].evaluated) == (0, 0, 0)


def test_users_overview_keeps_deactivated_people_and_leaves_out_other_units_R_LEAD_04(
    unit, leader, holder, holder_other_unit, outsider, municipality_admin
):
    holder.is_active = False
    holder.save()
    people = set(people_of_units(units_led_by(leader)))
    assert holder in people
    assert holder_other_unit not in people
    assert outsider not in people
    # The administrator's reach is the municipality, never another one.
    everyone = set(people_of_units(units_led_by(municipality_admin)))
    assert {holder, holder_other_unit, leader} <= everyone
    assert outsider not in everyone


def test_roles_are_only_those_in_the_leaders_units_R_ROLE_03(
    unit, other_unit, leader, holder, guardian_user
):
    MembershipFactory(user=holder, unit=other_unit, role=Role.ACTOR)
    MembershipFactory(user=guardian_user, unit=unit, role=Role.ACTOR)
    roles = roles_in_units(units_led_by(leader), people_of_units(units_led_by(leader)))
    assert [str(r) for r in roles[holder.pk]] == ["Stafettholder (Testskolen)"]
    # A guardian is no role in a unit: the actor role only, nothing of being a guardian.
    assert [str(r) for r in roles[guardian_user.pk]] == ["Aktør (Testskolen)"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", (DEFAULT_USER_SORT, False)),
        (None, (DEFAULT_USER_SORT, False)),
        ("over-frist", ("over-frist", False)),
        ("-innlogget", ("innlogget", True)),
        ("--navn", (DEFAULT_USER_SORT, False)),
        ("pk", (DEFAULT_USER_SORT, False)),
        ("-password", (DEFAULT_USER_SORT, False)),
        ("x" * 5000, (DEFAULT_USER_SORT, False)),
    ],
)
def test_an_unknown_sort_key_sorts_by_name_R_LEAD_04(value, expected):
    assert parse_sort(value) == expected


def test_every_sort_key_sorts_both_ways_R_LEAD_04(unit, leader, holder, actor):
    _work(holder, actor, unit)
    units = units_led_by(leader)
    holder.last_login = timezone.now() - timedelta(days=2)
    holder.save()
    actor.last_login = timezone.now()
    actor.save()
    for key in USER_SORTS:
        up = list(people_of_units(units, sort=key))
        down = list(people_of_units(units, sort=key, descending=True))
        assert sorted(up, key=lambda p: p.pk) == sorted(down, key=lambda p: p.pk)
    assert people_of_units(units, sort="over-frist", descending=True).first() == actor
    # Never signed in counts as longest ago: first going up, last going down.
    assert list(people_of_units(units, sort="innlogget")) == [leader, holder, actor]
    assert list(people_of_units(units, sort="innlogget", descending=True)) == [
        actor,
        holder,
        leader,
    ]
    names = list(people_of_units(units))
    assert names == sorted(names, key=lambda p: (p.last_name, p.first_name))


def test_person_rows_carry_the_counts_and_roles_R_LEAD_04(unit, leader, holder, actor):
    _work(holder, actor, unit)
    units = units_led_by(leader)
    people = people_of_units(units, sort="navn")
    rows = {row.name: row for row in person_rows(units, list(people), among=people)}
    row = rows[actor.get_full_name()]
    assert (row.on_time, row.overdue, row.evaluated, row.is_active) == (1, 2, 1, True)
    assert [str(r) for r in row.roles] == ["Aktør (Testskolen)"]
    assert person_rows(units, list(people)) == list(rows.values())


def test_logs_in_a_unit_outside_the_reach_are_not_counted_R_ROLE_03(unit, leader, holder):
    """No log of a unit outside the reach is counted for a holder of two units."""
    far = UnitFactory(name="Langt unna")
    MembershipFactory(user=holder, unit=far, role=Role.HOLDER)
    make_log(holder, far)
    [row] = staff_of_units(units_led_by(leader))
    assert row.held_logs == 0
    assert Log.objects.count() == 1
