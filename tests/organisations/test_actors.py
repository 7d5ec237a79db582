"""Registering and finding actors (R-MEET-03, R-MEET-04)."""

import json
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from common.errors import ReadOnlyError
from organisations.enums import Role
from organisations.models import Membership
from organisations.queries import actors_in_municipality, search_actors
from organisations.services import register_actor
from tests.factories import MembershipFactory, UnitFactory, UserFactory

User = get_user_model()
# Valid fødselsnumre (check digits computed with python-stdnum), none of them real people.
NID_A = "01019010046"
NID_B = "01019010127"


def actor_fields(**changes) -> dict:
    fields = {
        "first_name": "Kari",
        "last_name": "Krokus",
        "email": "Kari.Krokus@Example.no",
        "phone": "912 00 000",
        "national_id": NID_A,
    }
    fields.update(changes)
    return fields


def names(memberships) -> list[str]:
    return sorted(m.user.first_name for m in memberships)


# --- register_actor -------------------------------------------------------------------------


def test_register_actor_creates_a_person_without_a_usable_password_and_the_actor_role_R_MEET_03(
    holder, unit
):
    person = register_actor(by=holder, unit=unit, **actor_fields())

    person.refresh_from_db()
    assert person.get_full_name() == "Kari Krokus"
    assert person.email == "kari.krokus@example.no"
    assert person.national_id == NID_A
    assert not person.has_usable_password()
    assert Membership.objects.filter(user=person, unit=unit, role=Role.ACTOR).exists()


def test_register_actor_in_another_unit_of_the_same_municipality_is_allowed_R_MEET_03(
    holder, other_unit
):
    person = register_actor(by=holder, unit=other_unit, **actor_fields())

    assert Membership.objects.filter(user=person, unit=other_unit, role=Role.ACTOR).exists()


def test_register_actor_by_a_leader_is_allowed_R_MEET_03_R_LEAD_01(leader, unit):
    person = register_actor(by=leader, unit=unit, **actor_fields())

    assert Membership.objects.filter(user=person, role=Role.ACTOR).exists()


@pytest.mark.parametrize(
    "national_id",
    ["01019010047", "0101901004", "", "abcdefghijk"],
    ids=["wrong-check-digit", "too-short", "missing", "letters"],
)
def test_register_actor_with_an_invalid_national_id_is_refused_on_national_id_R_MEET_03(
    holder, unit, national_id
):
    users = User.objects.count()

    with pytest.raises(ValidationError) as excinfo:
        register_actor(by=holder, unit=unit, **actor_fields(national_id=national_id))

    assert "national_id" in excinfo.value.message_dict
    assert User.objects.count() == users
    assert not Membership.objects.filter(role=Role.ACTOR).exists()


def test_register_actor_with_a_national_id_with_spaces_is_accepted_R_MEET_03(holder, unit):
    person = register_actor(by=holder, unit=unit, **actor_fields(national_id="010190 10046"))

    assert person.national_id == NID_A


def test_register_actor_in_a_unit_of_another_municipality_is_refused_R_MEET_03(holder, outsider):
    foreign_unit = outsider.memberships.get().unit

    with pytest.raises(ReadOnlyError):
        register_actor(by=holder, unit=foreign_unit, **actor_fields())

    assert not User.objects.filter(email="kari.krokus@example.no").exists()


def test_register_actor_by_an_actor_is_refused_R_MEET_03(actor, unit):
    with pytest.raises(ReadOnlyError):
        register_actor(by=actor, unit=unit, **actor_fields())


def test_register_actor_without_a_name_is_refused_R_MEET_03(holder, unit):
    with pytest.raises(ValidationError) as excinfo:
        register_actor(by=holder, unit=unit, **actor_fields(first_name="", last_name=""))

    assert {"first_name", "last_name"} <= set(excinfo.value.message_dict)


def test_register_actor_reports_the_national_id_and_other_errors_together_R_MEET_03(holder, unit):
    with pytest.raises(ValidationError) as excinfo:
        register_actor(by=holder, unit=unit, **actor_fields(national_id="123", first_name=""))

    assert {"national_id", "first_name"} <= set(excinfo.value.message_dict)


def test_an_existing_person_with_the_same_email_gets_the_role_not_a_duplicate_R_MEET_03(
    holder_other_unit, holder, unit
):
    users = User.objects.count()

    person = register_actor(
        by=holder,
        unit=unit,
        **actor_fields(
            email=holder_other_unit.email.upper(),
            first_name=holder_other_unit.first_name,
            last_name=holder_other_unit.last_name.upper(),
        ),
    )

    assert person == holder_other_unit
    assert User.objects.count() == users
    assert Membership.objects.filter(user=person, unit=unit, role=Role.ACTOR).exists()
    person.refresh_from_db()
    assert person.first_name == "Berit"


def test_an_existing_person_with_the_same_email_and_national_id_gets_the_role_R_MEET_03(
    holder, unit
):
    known = UserFactory(
        email="kari.krokus@example.no", national_id=NID_A, first_name="Kari", last_name="Krokus"
    )

    person = register_actor(by=holder, unit=unit, **actor_fields())

    assert person == known
    assert Membership.objects.filter(user=known, unit=unit, role=Role.ACTOR).exists()


def test_a_known_national_id_with_another_email_is_refused_without_saying_which_R_MEET_03(
    holder, unit
):
    """The form must not tell who owns a national ID number, nor attach them silently."""
    known = UserFactory(national_id=NID_A)

    with pytest.raises(ValidationError) as excinfo:
        register_actor(by=holder, unit=unit, **actor_fields(email="ny@example.no"))

    assert list(excinfo.value.message_dict) == ["email"]
    assert "passer ikke med samme person" in excinfo.value.message_dict["email"][0]
    assert not Membership.objects.filter(user=known, role=Role.ACTOR).exists()


def test_a_refused_registration_stays_in_the_audit_trail_R_SEC_01_R_MEET_03(holder, unit):
    """The registration rolls back; the record of who tried to attach whom must not."""
    UserFactory(national_id=NID_A)

    with pytest.raises(ValidationError):
        register_actor(by=holder, unit=unit, **actor_fields(email="ny@example.no"))

    refused = AuditEvent.objects.filter(action="user.register_refused", actor=holder)
    assert [event.data for event in refused] == [{"unit": unit.pk}]
    assert not AuditEvent.objects.filter(action="user.registered").exists()


def test_an_email_of_one_person_and_the_national_id_of_another_is_refused_R_MEET_03(holder, unit):
    by_email = UserFactory(email="kari.krokus@example.no", national_id=NID_B)
    UserFactory(national_id=NID_A)

    with pytest.raises(ValidationError) as excinfo:
        register_actor(by=holder, unit=unit, **actor_fields())

    assert "email" in excinfo.value.message_dict
    assert not Membership.objects.filter(user=by_email, role=Role.ACTOR).exists()


def test_an_existing_email_with_a_different_national_id_is_refused_R_MEET_03(holder, unit):
    UserFactory(email="kari.krokus@example.no", national_id=NID_B)

    with pytest.raises(ValidationError) as excinfo:
        register_actor(by=holder, unit=unit, **actor_fields())

    assert list(excinfo.value.message_dict) == ["email"]


def test_registering_an_existing_actor_again_changes_nothing_R_MEET_03(holder, unit):
    first = register_actor(by=holder, unit=unit, **actor_fields())

    again = register_actor(by=holder, unit=unit, **actor_fields())

    assert again == first
    assert Membership.objects.filter(user=first, unit=unit, role=Role.ACTOR).count() == 1


def test_register_actor_audits_without_the_national_id_R_MEET_03_R_SEC_03(holder, unit):
    person = register_actor(by=holder, unit=unit, **actor_fields())

    assert AuditEvent.objects.filter(action="user.registered", object_id=str(person.pk)).exists()
    assert AuditEvent.objects.filter(action="membership.created").exists()
    dumped = json.dumps([e.data for e in AuditEvent.objects.all()])
    assert NID_A not in dumped


# --- search_actors --------------------------------------------------------------------------


@pytest.fixture
def actors(unit, other_unit, actor, actor_other_unit, actor_other_municipality, holder):
    """Anders (Testskolen), Petra (Testbarnehagen), Johanne (Testskolen) as actors of this
    municipality; Anne (another municipality) and the holder Hanne must never be found."""
    johanne = UserFactory(first_name="Johanne", last_name="Dahl", email="johanne@example.no")
    MembershipFactory(user=johanne, unit=unit, role=Role.ACTOR)
    return {"anders": actor, "petra": actor_other_unit, "johanne": johanne}


def search(unit, query, **options):
    return names(search_actors(unit.municipality_id, query, **options))


def test_search_actors_by_part_of_the_first_name_R_MEET_04(actors, unit):
    assert search(unit, "nder") == ["Anders"]


def test_search_actors_by_last_name_R_MEET_04(actors, unit):
    assert search(unit, "Dahl") == ["Johanne"]


def test_search_actors_by_first_and_last_name_R_MEET_04(actors, unit):
    assert search(unit, "Petra PPT") == ["Petra"]


def test_search_actors_by_unit_name_R_MEET_04(actors, unit):
    assert search(unit, "barnehagen") == ["Petra"]
    assert search(unit, "Testskolen") == ["Anders", "Johanne"]


def test_search_actors_is_case_insensitive_R_MEET_04(actors, unit):
    assert search(unit, "ANDERS") == ["Anders"]
    assert search(unit, "anders") == ["Anders"]
    assert search(unit, "an*") == ["Anders"]


def test_search_actors_with_star_wildcard_matches_the_start_of_a_name_R_MEET_04(actors, unit):
    assert search(unit, "An*") == ["Anders"]


def test_search_actors_with_percent_wildcard_matches_the_start_of_a_name_R_MEET_04(actors, unit):
    assert search(unit, "Pe%") == ["Petra"]


def test_search_actors_with_wildcards_on_both_sides_matches_inside_R_MEET_04(actors, unit):
    assert search(unit, "*han*") == ["Johanne"]
    assert search(unit, "%skole%") == ["Anders", "Johanne"]


def test_search_actors_with_a_wildcard_matches_the_full_name_R_MEET_04(actors, unit):
    assert search(unit, "Anders A*") == ["Anders"]


@pytest.mark.parametrize("query", ["*", "%", "", "   "])
def test_search_actors_with_a_lone_wildcard_or_nothing_lists_all_R_MEET_04(actors, unit, query):
    assert search(unit, query) == ["Anders", "Johanne", "Petra"]


@pytest.mark.parametrize("query", ["Anne", "Fjern", "An*", "*", "Fjernskolen", "%"])
def test_search_actors_never_returns_actors_of_another_municipality_R_MEET_04_R_ROLE_07(
    actors, unit, query
):
    assert "Anne" not in search(unit, query)


def test_search_actors_never_returns_holders_or_leaders_R_MEET_04(actors, unit, leader):
    assert "Hanne" not in search(unit, "*")
    assert "Lena" not in search(unit, "*")


def test_search_actors_leaves_out_deactivated_actors_R_MEET_04(actors, unit):
    actors["johanne"].is_active = False
    actors["johanne"].save()

    assert search(unit, "*") == ["Anders", "Petra"]


def test_search_actors_within_one_unit_R_MEET_04(actors, unit, other_unit):
    assert search(unit, "*", unit_id=other_unit.pk) == ["Petra"]


def test_search_actors_treats_regex_characters_literally_R_MEET_04(actors, unit):
    assert search(unit, "A.*") == []
    assert search(unit, "(*") == []


# Queries that make a backtracking regex engine (Python's re, which Django's SQLite backend
# runs for regex lookups) take seconds per row: no user query may become a pattern.
HOSTILE_QUERIES = [
    "%%%%%%%%%%z",
    "*a*a*a*a*a*a*a*a*a*a*a*a*z",
    "a" + "%a" * 45 + "z",
    "%" * 100,
    " ".join(["%a%a%a%a%z"] * 20),
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_a_hostile_search_answers_at_once_and_still_finds_by_name_and_unit_R_MEET_04(
    actors, unit, query
):
    """The live search runs on every keystroke (R-MEET-04): a query full of wildcards must
    not pin a server process, on SQLite as on PostgreSQL."""
    crowd = UnitFactory(municipality=unit.municipality, name="Aaaaaaaaaaaaaaaaaaaaaaaa")
    for person in UserFactory.create_batch(
        200, first_name="Aaaaaaaaaaaaaaaaaaaa", last_name="Aaaaaaaaaaaaaaaaaaaaaa"
    ):
        MembershipFactory(user=person, unit=crowd, role=Role.ACTOR)
    results = search_actors(unit.municipality_id, query)
    sql = str(results.query)
    assert " REGEXP " not in sql and "~*" not in sql  # no pattern built from user input

    started = time.perf_counter()
    found = len(list(results))
    assert time.perf_counter() - started < 0.5
    assert found <= 203
    # The search is as good as before: first name, last name, full name, unit.
    assert search(unit, "anders") == ["Anders"]
    assert search(unit, "Dahl") == ["Johanne"]
    assert search(unit, "Petra PPT") == ["Petra"]
    assert search(unit, "Pe% P*") == ["Petra"]
    assert search(unit, "%skole%") == ["Anders", "Johanne"]


def test_actors_in_municipality_lists_each_actor_membership_of_the_municipality_R_HOLD_03(
    actors, unit
):
    second_unit = UnitFactory(municipality=unit.municipality, name="Helsestasjonen")
    MembershipFactory(user=actors["anders"], unit=second_unit, role=Role.ACTOR)

    listed = [
        (m.user.first_name, m.unit.name) for m in actors_in_municipality(unit.municipality_id)
    ]

    assert sorted(listed) == [
        ("Anders", "Helsestasjonen"),
        ("Anders", "Testskolen"),
        ("Johanne", "Testskolen"),
        ("Petra", "Testbarnehagen"),
    ]


def test_an_existing_email_with_another_name_is_refused_not_attached_R_MEET_03(holder, unit):
    """Typing a new person's name with a colleague's e-mail must not attach the colleague."""
    colleague = UserFactory(email="kari.krokus@example.no", first_name="Astrid")

    with pytest.raises(ValidationError) as excinfo:
        register_actor(by=holder, unit=unit, **actor_fields())

    assert list(excinfo.value.message_dict) == ["email"]
    assert not Membership.objects.filter(user=colleague, role=Role.ACTOR).exists()
