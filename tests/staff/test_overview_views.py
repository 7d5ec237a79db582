"""The leader's Min side (R-LEAD-02) and Brukere with its CSV (R-LEAD-04): numbers only,
never a child (R-ROLE-03), sortable, paged, safe to open in a spreadsheet, and asking the
database as often for one person as for many."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.enums import ACTIVE_ROLE_SESSION_KEY
from audit.models import AuditEvent
from organisations.enums import Role
from staff.overview_views import USERS_PAGE_SIZE, csv_cell
from tests.factories import (
    CONCERN_SENTINEL,
    VALID_NATIONAL_ID,
    MembershipFactory,
    UserFactory,
    make_concern,
    make_log,
)
from tests.pages import active_just_now

pytestmark = pytest.mark.django_db

USERS = "/ansatte/brukere/"
CSV = "/ansatte/brukere/csv/"
CHILD_SENTINEL = "Sentinelbarn"


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    decoded = text.decode("utf-8")
    assert decoded.startswith("\ufeff")
    return list(csv.reader(io.StringIO(decoded[1:]), delimiter=";"))


@pytest.fixture
def busy(unit, holder, actor):
    """A log of a child whose name, national ID and concern text must never reach a leader,
    with one overdue measure of the actor."""
    log = make_log(holder, unit, first_name=CHILD_SENTINEL, last_name="Hemmeligsen")
    make_concern(
        log,
        actors=[actor],
        deadline=timezone.localdate() - timedelta(days=2),
        description=CONCERN_SENTINEL,
    )
    return log


def test_the_leaders_min_side_lists_holders_and_actors_with_their_numbers_R_LEAD_02(
    client, leader, holder, actor, busy
):
    client.force_login(leader)
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hanne Holder" in page and "Anders Aktør" in page
    staff = {(m.user_id, m.role): m for m in response.context["staff"]}
    assert staff[holder.pk, Role.HOLDER].held_logs == 1
    assert staff[actor.pk, Role.ACTOR].overdue_measures == 1
    assert 'class="row--overdue"' in page
    assert "/ansatte/brukere/" in page


def test_no_child_data_on_any_leader_page_or_csv_R_ROLE_03(client, leader, busy, holder):
    client.force_login(leader)
    for url in ("/", USERS, f"{USERS}?sort=-over-frist", CSV):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for secret in (CHILD_SENTINEL, "Hemmeligsen", CONCERN_SENTINEL, VALID_NATIONAL_ID):
            assert secret not in body, (url, secret)
        # Nor the guardian's name, nor the measure's text.
        assert "Foresatt0" not in body and "Lesegruppe" not in body, url


def test_an_administrator_with_no_role_gets_the_leaders_min_side_R_ROLE_02_R_LEAD_02(
    client, municipality_admin, holder, holder_other_unit
):
    client.force_login(municipality_admin)
    page = client.get("/").content.decode()
    assert "Kommuneadministrator" in page
    assert "Hanne Holder" in page and "Berit Barnehage" in page
    assert client.get(USERS).status_code == 200


def test_a_leader_who_works_as_holder_now_has_a_holders_min_side_R_ROLE_01(
    client, unit, multi_role_user
):
    client.force_login(multi_role_user)
    session = client.session
    session[ACTIVE_ROLE_SESSION_KEY] = Role.HOLDER.value
    session.save()
    assert "Mine stafettbarn" in client.get("/").content.decode()
    assert client.get(USERS).status_code == 404
    assert client.get(CSV).status_code == 404


def test_users_overview_shows_each_persons_follow_up_R_LEAD_04(client, leader, holder, actor, busy):
    holder.last_login = timezone.now()
    holder.is_active = False
    holder.save()
    client.force_login(leader)
    response = client.get(USERS)
    rows = {row.name: row for row in response.context["rows"]}
    assert rows["Anders Aktør"].overdue == 1
    assert not rows["Hanne Holder"].is_active
    page = response.content.decode()
    assert "Deaktivert" in page and "Aldri" in page  # the actor has never signed in
    assert 'aria-sort="ascending"' in page  # sorted by name


def test_sorting_is_by_links_and_marked_on_the_header_R_LEAD_04(client, leader, actor, busy):
    client.force_login(leader)
    page = client.get(f"{USERS}?sort=-over-frist&side=1").content.decode()
    assert page.count("aria-sort=") == 1
    assert 'aria-sort="descending"' in page
    assert 'href="?sort=over-frist"' in page  # the link turns the order; the page starts over
    assert 'href="?sort=-navn"' not in page and 'href="?sort=navn"' in page
    assert "?sort=-over-frist" in page  # the CSV link keeps the order
    first = client.get(f"{USERS}?sort=-over-frist").context["rows"][0]
    assert first.name == "Anders Aktør"


@pytest.mark.parametrize(
    "query",
    [
        "?sort=DROP TABLE",
        "?sort=-",
        "?sort=password",
        "?side=999",
        "?side=-1",
        "?side=x",
        "?side=99999999999999999999999",
        "?sort=%00",
    ],
)
def test_bad_input_never_breaks_the_users_overview_R_LEAD_04(client, leader, query):
    client.force_login(leader)
    assert client.get(USERS + query).status_code == 200
    assert client.get(CSV + query).status_code == 200
    assert client.get("/" + query).status_code == 200


def test_the_users_overview_is_paged_R_LEAD_04(client, unit, leader):
    for n in range(USERS_PAGE_SIZE + 1):
        MembershipFactory(user=UserFactory(last_name=f"Ansatt{n:03}"), unit=unit, role=Role.ACTOR)
    client.force_login(leader)
    first = client.get(USERS)
    assert len(first.context["rows"]) == USERS_PAGE_SIZE
    assert "Side 1 av 2" in first.content.decode()
    second = client.get(f"{USERS}?side=2")
    assert len(second.context["rows"]) == 2  # the last actor and the leader
    assert len(client.get(f"{USERS}?side=7").context["rows"]) == 2  # past the end: the last


def test_the_csv_has_the_same_rows_in_the_same_order_R_LEAD_04(
    client, unit, leader, holder, actor, busy
):
    client.force_login(leader)
    response = client.get(f"{CSV}?sort=-over-frist")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="brukere-')
    header, *lines = _csv(response)
    assert header[0] == "Navn" and header[5] == "Tiltak over frist"
    names = [row.name for row in client.get(f"{USERS}?sort=-over-frist").context["rows"]]
    assert [line[0] for line in lines] == names
    actor_line = lines[0]
    assert actor_line == ["Anders Aktør", "Aktør (Testskolen)", "", "Aktiv", "0", "1", "0"]
    downloads = AuditEvent.objects.filter(action="staff.users_downloaded", actor=leader)
    assert [event.data for event in downloads] == [{"people": len(lines)}]  # R-SEC-01


def test_csv_cells_never_run_as_formulas_R_LEAD_04(client, unit, leader):
    for name in ("=HYPERLINK(1)", "+1", "-2", "@SUM(A1)"):
        MembershipFactory(user=UserFactory(first_name=name, last_name="X"), unit=unit)
    client.force_login(leader)
    _header, *lines = _csv(client.get(CSV))
    names = {line[0] for line in lines}
    assert {"'=HYPERLINK(1) X", "'+1 X", "'-2 X", "'@SUM(A1) X"} <= names
    assert csv_cell("\tx") == "'\tx"
    assert csv_cell("Ola") == "Ola"
    assert csv_cell(3) == "3"


# --- the number of queries -------------------------------------------------------------------


def _queries(client, url: str) -> int:
    client.get(url)
    active_just_now(client)  # the setup of many people may take longer than 10 s
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    if url.startswith(CSV):
        _csv(response)
    return len(context.captured_queries)


def _add_staff(unit, holder, start: int, stop: int) -> None:
    """Each new person: a holder with a log whose measure an actor of the unit is on."""
    for n in range(start, stop):
        person = UserFactory(last_name=f"Ansatt{n:03}")
        MembershipFactory(user=person, unit=unit, role=Role.HOLDER)
        MembershipFactory(user=person, unit=unit, role=Role.ACTOR)
        log = make_log(person, unit, first_name=f"Barn{n}")
        make_concern(log, actors=[person], deadline=timezone.localdate() - timedelta(days=1))


@pytest.mark.parametrize("url", ["/", USERS, f"{USERS}?sort=-over-frist", CSV])
def test_the_leaders_pages_count_the_same_with_1_3_and_many_people_R_LEAD_02_R_LEAD_04(
    client, unit, leader, url
):
    """The session with the person (one statement, accounts.sessions), the leader's reach
    (one query, issue 9; whether they administer a municipality is read in it), then Min
    side: the page count, the page (4); Brukere: the page count, the page, the page's roles
    (5); the CSV: every row, their roles, the audit row of the download (5). The header's
    units are read with the person. The same for any number of people."""
    _add_staff(unit, leader, 0, 1)
    client.force_login(leader)
    counts = [_queries(client, url)]
    _add_staff(unit, leader, 1, 3)
    counts.append(_queries(client, url))
    _add_staff(unit, leader, 3, USERS_PAGE_SIZE + 5)
    counts.append(_queries(client, url))
    expected = {"/": 4, CSV: 5}.get(url, 5)
    assert counts == [expected] * 3


def test_the_administrators_min_side_counts_the_same_with_1_3_and_many_people_R_ROLE_02_R_LEAD_02(
    client, unit, municipality_admin
):
    """An administrator with no role gets the leader's Min side for the whole municipality:
    the same number of queries for any number of people."""
    _add_staff(unit, municipality_admin, 0, 1)
    client.force_login(municipality_admin)
    counts = [_queries(client, "/")]
    _add_staff(unit, municipality_admin, 1, 3)
    counts.append(_queries(client, "/"))
    _add_staff(unit, municipality_admin, 3, USERS_PAGE_SIZE + 5)
    counts.append(_queries(client, "/"))
    assert counts == [counts[0]] * 3
