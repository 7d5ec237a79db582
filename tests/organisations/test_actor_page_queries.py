"""*Aktører* and the actor pages' shared questions, with their SQL compiled once (issue 9):
the actors of one's own units as rows, the municipality one works in, and the units of the
drop-down; the same answers as the querysets they come from, and a query count that does
not grow with the number of actors (R-HOLD-03, R-MEET-04)."""

from unittest import mock

import pytest
from django import forms
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from common.forms import PlainChoices, PlainSelect
from organisations.enums import Role
from organisations.queries import (
    ActorRow,
    actor_rows_of_own_units,
    municipality_id_of,
    unit_choices_of_municipality,
)
from organisations.views import ACTORS_PAGE_SIZE
from tests.factories import (
    MembershipFactory,
    MunicipalityFactory,
    UnitFactory,
    UserFactory,
    make_actor,
)

ACTORS = "/aktorer/"


def _no_compiling():
    return mock.patch.object(SQLCompiler, "as_sql", side_effect=AssertionError("compiled"))


def test_the_actors_of_ones_own_units_are_rows_by_name_R_HOLD_03(holder, unit, other_unit):
    berit = make_actor(unit, "Berit", "Berg", email="berit@skole.no", phone="912 34 567")
    anne = make_actor(unit, "Anne", "Aas")
    make_actor(unit, "Sluttet", "Aktør", is_active=False)
    make_actor(other_unit, "Annen", "Enhet")  # not the holder's unit
    MembershipFactory(user=UserFactory(), unit=unit, role=Role.HOLDER)  # not an actor

    rows = actor_rows_of_own_units(holder, Role.HOLDER)

    assert [row.pk for row in rows] == [
        anne.memberships.get().pk,
        berit.memberships.get().pk,
    ]
    assert rows[1] == ActorRow(
        berit.memberships.get().pk, "Berit", "Berg", "Testskolen", "berit@skole.no", "912 34 567"
    )
    # Another role of the same person: the units of that role.
    MembershipFactory(user=holder, unit=other_unit, role=Role.LEADER)
    assert [row.first_name for row in actor_rows_of_own_units(holder, Role.LEADER)] == ["Annen"]


def test_the_municipality_and_its_units_are_those_of_the_role_R_MEET_04(holder, unit, other_unit):
    elsewhere = UnitFactory(municipality=MunicipalityFactory(), name="Annen kommunes skole")
    MembershipFactory(user=holder, unit=elsewhere, role=Role.ACTOR)

    assert municipality_id_of(holder, Role.HOLDER) == unit.municipality_id
    assert municipality_id_of(holder, Role.ACTOR) == elsewhere.municipality_id
    assert municipality_id_of(holder, Role.LEADER) is None
    assert unit_choices_of_municipality(unit.municipality_id) == [
        (other_unit.pk, "Testbarnehagen"),
        (unit.pk, "Testskolen"),
    ]


def test_each_question_is_compiled_once_and_is_one_query(
    holder, unit, actor, django_assert_num_queries
):
    """Issue 9: building these querysets cost Django's ORM more than running them."""
    expected = (
        actor_rows_of_own_units(holder, Role.HOLDER),
        municipality_id_of(holder, Role.HOLDER),
        unit_choices_of_municipality(unit.municipality_id),
    )

    with _no_compiling(), django_assert_num_queries(3):
        again = (
            actor_rows_of_own_units(holder, Role.HOLDER),
            municipality_id_of(holder, Role.HOLDER),
            unit_choices_of_municipality(unit.municipality_id),
        )

    assert again == expected
    assert [row.first_name for row in expected[0]] == ["Anders"]


def _page_queries(client, query=""):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(ACTORS + query)
    assert response.status_code == 200
    return len(captured), response.content.decode()


@pytest.mark.parametrize("query", ["", "?q=aktør"])
def test_the_page_asks_as_many_queries_for_one_actor_as_for_many_R_HOLD_03(
    client, holder, unit, query
):
    client.force_login(holder)
    make_actor(unit, "Første", "Aktør")
    client.get(ACTORS + query)  # compiled, if not yet
    one, html = _page_queries(client, query)
    assert html.count("<tr>") == 2  # the head and one actor

    for number in range(2, 4):
        make_actor(unit, f"Aktør{number}", "Aktør")
    three, html = _page_queries(client, query)
    assert html.count("<tr>") == 4

    for number in range(4, ACTORS_PAGE_SIZE + 10):
        make_actor(unit, f"Aktør{number}", "Aktør")
    many, html = _page_queries(client, query)
    assert html.count("<tr>") == ACTORS_PAGE_SIZE + 1  # one page

    assert one == three == many


def test_the_drop_down_renders_plain_choices_as_given():
    choices = PlainChoices([("", "Alle virksomheter"), (3, "Skole <A&B>"), (7, "Barnehage")])

    class Form(forms.Form):
        unit = forms.ChoiceField(required=False, widget=PlainSelect)

    form = Form({"unit": "3"})
    form.fields["unit"].widget.choices = choices
    html = str(form["unit"])

    assert '<option value="">Alle virksomheter</option>' in html
    assert '<option value="3" selected>Skole &lt;A&amp;B&gt;</option>' in html
    assert html.count("<option") == 3
