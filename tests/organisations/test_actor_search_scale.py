"""The actor search and the Aktører page at a city's scale (R-MEET-04, R-HOLD-03, issue 9):
words of three letters or more found through the person's own columns (the trigram
indexes on PostgreSQL), short words still everywhere, and the unit drop-down drawn in one
piece with the same options and choice as Django's."""

import pytest
from django import forms
from django.db import connection

from common.forms import PlainSelect
from organisations.enums import Role
from organisations.queries import find_actor_ids, search_actors
from tests.factories import MembershipFactory, UnitFactory, UserFactory

ACTORS = "/aktorer/"


def _actor(unit, first_name, last_name, **fields):
    user = UserFactory(first_name=first_name, last_name=last_name, **fields)
    MembershipFactory(user=user, unit=unit, role=Role.ACTOR)
    return user


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("ingrid", True),  # first name, any case
        ("LøKKE", True),  # last name (SQLite folds only ASCII letters)
        ("vestre.no", True),  # e-mail
        ("helsestasjon", True),  # the unit's name
        ("in", True),  # a short word: no trigram, the same answer
        ("ingrid bakken", False),  # every word must match
        ("løk helse", True),
    ],
)
def test_search_finds_by_name_email_or_unit_with_long_and_short_words_R_MEET_04(
    municipality, query, found
):
    unit = UnitFactory(municipality=municipality, name="Helsestasjonen Vest")
    ingrid = _actor(unit, "Ingrid", "Løkken", email="ingrid@vestre.no")
    _actor(UnitFactory(municipality=municipality), "Per", "Bakken", email="per@ostre.no")
    guardian_only = UserFactory(first_name="Ingrid", last_name="Løkken")

    ids = set(search_actors(municipality.pk, query).values_list("user_id", flat=True))

    assert (ingrid.pk in ids) is found
    assert guardian_only.pk not in ids
    picked = find_actor_ids(municipality.pk, query, limit=5)[0]
    assert picked == ([ingrid.pk] if found else [])


def test_a_deactivated_actor_is_not_found_by_a_long_word_R_MEET_04(municipality):
    unit = UnitFactory(municipality=municipality)
    _actor(unit, "Solveig", "Sluttet", is_active=False)

    assert not search_actors(municipality.pk, "solveig").exists()


def test_the_plain_select_renders_the_options_django_would():
    choices = [("", "Alle virksomheter"), (3, "Skole <A&B>"), (7, "Barnehage")]

    class Form(forms.Form):
        unit = forms.ChoiceField(choices=choices, required=False, widget=PlainSelect)

    html = str(Form({"unit": "7"})["unit"])

    assert html.startswith('<select name="unit" id="id_unit">')
    assert '<option value="">Alle virksomheter</option>' in html
    assert '<option value="3">Skole &lt;A&amp;B&gt;</option>' in html
    assert '<option value="7" selected>Barnehage</option>' in html
    assert html.count("<option") == 3
    assert '<option value="" selected>' in str(Form()["unit"])


def test_the_unit_filter_is_labelled_and_keeps_the_chosen_unit_R_MEET_04(
    client, holder, unit, other_unit
):
    client.force_login(holder)

    html = client.get(ACTORS, {"unit": other_unit.pk}).content.decode()

    assert '<label class="ds-label" for="id_unit">' in html
    assert f'<option value="{other_unit.pk}" selected>{other_unit.name}</option>' in html


def test_the_search_uses_the_trigram_indexes_on_postgresql_R_MEET_04(municipality):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no trigram index (accounts migration 0003)")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # a test table is too small to need it
        sql, params = search_actors(municipality.pk, "hansen").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")

    for column in ("first_name", "last_name", "email"):
        assert f"accounts_user_{column}_trgm" in plan
