"""The actor search and the Aktører page at a city's scale (R-MEET-04, R-HOLD-03, issue 9):
every word looked for in the person's stored, upper-cased names and e-mail
(User.search_text) and in the unit's name, and the unit drop-down drawn in one piece with
the same options and choice as Django's."""

import pytest
from django import forms
from django.db import connection

import organisations.queries
from common.forms import PlainSelect
from organisations.enums import Role
from organisations.queries import find_actor_ids, search_actors
from tests.factories import (
    MembershipFactory,
    MunicipalityFactory,
    UnitFactory,
    UserFactory,
    make_actor,
)

ACTORS = "/aktorer/"


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("ingrid", True),  # first name, any case
        ("LøKKE", True),  # last name (SQLite folds only ASCII letters)
        ("vestre.no", True),  # e-mail
        ("helsestasjon", True),  # the unit's name
        ("in", True),  # a short word
        ("ingrid bakken", False),  # every word must match
        ("løk helse", True),
    ],
)
def test_search_finds_by_name_email_or_unit_with_long_and_short_words_R_MEET_04(
    municipality, query, found
):
    unit = UnitFactory(municipality=municipality, name="Helsestasjonen Vest")
    ingrid = make_actor(unit, "Ingrid", "Løkken", email="ingrid@vestre.no")
    make_actor(UnitFactory(municipality=municipality), "Per", "Bakken", email="per@ostre.no")
    guardian_only = UserFactory(first_name="Ingrid", last_name="Løkken")

    ids = set(search_actors(municipality.pk, query).values_list("user_id", flat=True))

    assert (ingrid.pk in ids) is found
    assert guardian_only.pk not in ids
    picked = find_actor_ids(municipality.pk, query, limit=5)[0]
    assert picked == ([ingrid.pk] if found else [])


def test_a_deactivated_actor_is_not_found_by_a_long_word_R_MEET_04(municipality):
    unit = UnitFactory(municipality=municipality)
    make_actor(unit, "Solveig", "Sluttet", is_active=False)

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


def test_the_search_reads_the_stored_names_not_each_persons_columns_R_MEET_04(municipality):
    """Issue 9: upper-casing three columns of every actor made a two-letter search cost
    tens of milliseconds on a city's data; the word is looked for in User.search_text."""
    for query in ("in", "hansen", "per hansen"):
        sql = str(search_actors(municipality.pk, query).query)

        assert '"accounts_user"."search_text" LIKE' in sql
        for column in ("first_name", "last_name", "email"):
            assert f'UPPER("accounts_user"."{column}"' not in sql


def test_the_stored_names_follow_every_change_of_a_person_R_MEET_04(municipality):
    """The database keeps search_text: a rename by any path, an update that skips save(),
    is found at once, and the old name no longer is."""
    unit = UnitFactory(municipality=municipality)
    person = make_actor(unit, "Kari", "Nordmann", email="kari@skole.no")
    User = type(person)

    User.objects.filter(pk=person.pk).update(last_name="Åsheim")
    assert find_actor_ids(municipality.pk, "Åsheim", limit=5)[0] == [person.pk]
    assert find_actor_ids(municipality.pk, "nordmann", limit=5)[0] == []

    person.refresh_from_db()
    person.email = "kari.aasheim@barnehage.no"
    person.save()
    assert find_actor_ids(municipality.pk, "aasheim", limit=5)[0] == [person.pk]
    assert find_actor_ids(municipality.pk, "skole.no", limit=5)[0] == []


def test_letters_beyond_ascii_match_in_any_case_on_postgresql_R_MEET_04(municipality):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite folds only ASCII letters, in LIKE and UPPER alike")
    unit = UnitFactory(municipality=municipality)
    person = make_actor(unit, "Øystein", "Brænne")

    for query in ("øystein", "ØYSTEIN", "brÆnne", "Æ", "ø"):
        assert find_actor_ids(municipality.pk, query, limit=5)[0] == [person.pk], query


def test_the_picker_lists_a_person_once_by_name_in_one_query_R_MEET_04(
    municipality, django_assert_num_queries, monkeypatch
):
    """An actor in two matching units is one hit; the hits come by last name, first name.
    When the first people by name hold more hits than a picker shows, that is one query."""
    monkeypatch.setattr(organisations.queries, "PICKER_WALK", 2)
    school = UnitFactory(municipality=municipality, name="Berg skole")
    kindergarten = UnitFactory(municipality=municipality, name="Berg barnehage")
    both = make_actor(school, "Ola", "Berg")
    MembershipFactory(user=both, unit=kindergarten, role=Role.ACTOR)
    first = make_actor(kindergarten, "Anne", "Aas")
    last = make_actor(school, "Cecilie", "Dahl")
    UserFactory(first_name="Zara", last_name="Zeta")  # the walk ends at the third person

    with django_assert_num_queries(1):
        found, more = find_actor_ids(municipality.pk, "berg", limit=2)

    assert (found, more) == ([first.pk, both.pk], True)
    assert find_actor_ids(municipality.pk, "berg", limit=5) == ([first.pk, both.pk, last.pk], False)


@pytest.mark.parametrize("walk", [1, 3, 6, 100])
def test_the_picker_finds_the_same_actors_however_far_it_walks_R_MEET_04(
    municipality, monkeypatch, walk
):
    """Issue 9: the picker first walks the people in name order, only PICKER_WALK of them,
    and reads every actor of the municipality when that walk finds fewer than it shows.
    Either way the hits are the first by name of all the matching actors: none skipped,
    none of another municipality, no one who is not an actor, none switched off."""
    monkeypatch.setattr(organisations.queries, "PICKER_WALK", walk)
    unit = UnitFactory(municipality=municipality, name="Sentrum skole")
    elsewhere = UnitFactory(municipality=MunicipalityFactory(), name="Sentrum skole")
    names = ["Aas", "Berg", "Dahl", "Eng", "Haug", "Lie", "Moen", "Nilsen", "Strand", "Vik"]
    actors = [make_actor(unit, "Anne" if i % 2 else "Per", name) for i, name in enumerate(names)]
    make_actor(elsewhere, "Anne", "Andersen")
    make_actor(unit, "Anne", "Borte", is_active=False)
    UserFactory(first_name="Anne", last_name="Bakke")  # a guardian, say: no actor
    annes = [person.pk for person in actors if person.first_name == "Anne"]

    assert find_actor_ids(municipality.pk, "anne", limit=2) == (annes[:2], True)
    assert find_actor_ids(municipality.pk, "anne", limit=5) == (annes, False)
    assert find_actor_ids(municipality.pk, "sentrum", limit=20) == (
        [person.pk for person in actors],
        False,
    )
    assert find_actor_ids(municipality.pk, "vik", limit=5) == ([actors[-1].pk], False)
    assert find_actor_ids(municipality.pk, "zq", limit=5) == ([], False)
