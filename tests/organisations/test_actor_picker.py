"""The actor picker's live search (R-MEET-04): the listbox options that htmx puts into the
meeting, concern and measure forms. Only actors of one's own municipality, only name and
units, at most PICKER_LIMIT of them, in a constant number of queries."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from organisations.enums import Role
from organisations.forms import PICKER_LIMIT
from tests.factories import (
    VALID_NATIONAL_ID,
    MembershipFactory,
    make_actor,
)

SEARCH = "/aktorer/sok/"


def _options(html: str) -> list[str]:
    return re.findall(r'<li role="option"[^>]*data-label="([^"]*)"', html)


def _status(html: str) -> str:
    match = re.search(r'<span id="([^"]*)_status" hx-swap-oob="innerHTML">(.*?)</span>', html, re.S)
    return match.group(2).strip() if match else ""


def test_the_live_search_finds_actors_of_the_own_municipality_with_their_units_R_MEET_04(
    client, holder, unit, actor, actor_other_unit, actor_other_municipality
):
    MembershipFactory(user=actor_other_unit, unit=unit, role=Role.ACTOR)
    client.force_login(holder)

    response = client.get(SEARCH, {"q": "pet*", "picker": "id_actors"})

    html = response.content.decode()
    assert response.status_code == 200
    assert _options(html) == ["Petra PPT (Testbarnehagen, Testskolen)"]
    assert f'id="id_actors_opt_{actor_other_unit.pk}"' in html
    assert f'data-value="{actor_other_unit.pk}"' in html
    assert "1 aktør funnet" in _status(html)
    assert "Anne Fjern" not in html


def test_the_live_search_by_unit_finds_every_actor_there_R_MEET_04(
    client, holder, actor, actor_other_unit
):
    client.force_login(holder)

    html = client.get(SEARCH, {"q": "barnehagen"}).content.decode()

    assert _options(html) == ["Petra PPT (Testbarnehagen)"]


def test_the_live_search_shows_names_and_units_only_never_contact_details_R_SEC_03(
    client, holder, unit
):
    make_actor(
        unit,
        "Nina",
        "Nummer",
        national_id=VALID_NATIONAL_ID,
        email="nina.nummer@example.no",
        phone="912 34 567",
    )
    client.force_login(holder)

    html = client.get(SEARCH, {"q": "nina"}).content.decode()

    assert _options(html) == ["Nina Nummer (Testskolen)"]
    assert VALID_NATIONAL_ID not in html
    assert VALID_NATIONAL_ID[6:] not in html
    assert "nina.nummer@example.no" not in html
    assert "912 34 567" not in html


def test_an_empty_search_lists_nobody_R_MEET_04(client, holder, actor, actor_other_unit):
    client.force_login(holder)

    response = client.get(SEARCH, {"q": "  "})

    html = response.content.decode()
    assert response.status_code == 200
    assert _options(html) == []
    assert _status(html) == ""


def test_a_search_without_hits_says_so_in_the_live_region_R_MEET_04(client, holder, actor):
    client.force_login(holder)

    html = client.get(SEARCH, {"q": "finnesikke", "picker": "id_measure-actors"}).content.decode()

    assert _options(html) == []
    assert "Ingen aktører passer med søket." in _status(html)
    assert 'id="id_measure-actors_status"' in html


def test_deactivated_actors_are_not_found_R_MEET_04(client, holder, unit):
    make_actor(unit, "Gammel", "Aktør", is_active=False)
    make_actor(unit, "Gammel", "Aktiv")
    client.force_login(holder)

    assert _options(client.get(SEARCH, {"q": "gammel"}).content.decode()) == [
        "Gammel Aktiv (Testskolen)"
    ]


def test_the_live_search_shows_at_most_the_limit_and_says_there_are_more_R_MEET_04(
    client, holder, unit
):
    for number in range(PICKER_LIMIT + 5):
        make_actor(unit, "Mange", f"Aktør{number:02d}")
    client.force_login(holder)

    html = client.get(SEARCH, {"q": "mange"}).content.decode()

    assert len(_options(html)) == PICKER_LIMIT
    assert _options(html)[0] == "Mange Aktør00 (Testskolen)"
    assert "Mange treff" in _status(html)


def test_a_picker_name_that_is_not_an_id_is_not_echoed(client, holder, actor):
    client.force_login(holder)

    html = client.get(SEARCH, {"q": "anders", "picker": '"><script>x</script>'}).content.decode()

    assert "<script>x" not in html
    assert 'id="actor_opt_' in html


def test_a_holder_of_another_municipality_finds_none_of_ours_R_ROLE_07(
    client, outsider, actor, actor_other_unit
):
    client.force_login(outsider)

    response = client.get(SEARCH, {"q": "*"})

    assert response.status_code == 200
    assert _options(response.content.decode()) == []


def _count(client, query: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_live_search_has_a_constant_query_count_R_MEET_04(client, holder, unit, other_unit):
    """One hit, three, or more than the picker shows, each in one or two units: the same
    number of queries."""
    make_actor(unit, "Ett", "Treff")
    for number in range(3):
        person = make_actor(unit, "Tre", f"Treff{number}")
        MembershipFactory(user=person, unit=other_unit, role=Role.ACTOR)
    for number in range(PICKER_LIMIT + 5):
        person = make_actor(unit, "Mange", f"Treff{number:02d}")
        MembershipFactory(user=person, unit=other_unit, role=Role.ACTOR)
    client.force_login(holder)
    client.get("/")  # the first request of a session does some bookkeeping of its own

    one, three, none = _count(client, "ett"), _count(client, "tre"), _count(client, "ingen")
    many = _count(client, "mange")

    assert one == three == many
    assert none <= one
