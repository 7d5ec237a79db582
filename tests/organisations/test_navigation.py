"""The main navigation of each role (R-GEN-07): which pages, which is current, and that the
header asks the database nothing more for it."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organisations import context_processors, navigation
from organisations.enums import Role
from organisations.navigation import NavItem, links_for
from tests.factories import make_concern

NAV = re.compile(r'<nav class="main-nav" aria-label="Hovedmeny">(.*?)</nav>', re.S)
LINK = re.compile(r'<a class="main-nav__link" href="([^"]+)"( aria-current="page")?>([^<]+)</a>')


def _nav(response) -> list[tuple[str, str, bool]]:
    """The navigation's links on a page: (address, label, current)."""
    found = NAV.search(response.content.decode())
    assert found, "no main navigation on the page"
    return [(href, label, bool(current)) for href, current, label in LINK.findall(found[1])]


def _labels(role: Role | None, view_name: str = "home") -> list[str]:
    return [str(link.label) for link in links_for(role, view_name)]


def _current(role: Role, view_name: str) -> list[str]:
    return [str(link.label) for link in links_for(role, view_name) if link.current]


def test_each_role_has_its_own_pages_in_order_R_GEN_07(db):
    assert _labels(Role.HOLDER) == ["Min side", "Mine stafettbarn", "Møter", "Aktører", "Notater"]
    assert _labels(Role.ACTOR) == ["Min side", "Mine aktørbarn", "Møter", "Notater"]
    assert _labels(Role.GUARDIAN) == ["Min side", "Mitt barn", "Møter"]
    assert _labels(Role.LEADER)[0] == "Min side"
    assert _labels(None) == []


@pytest.mark.parametrize(
    ("view_name", "current"),
    [
        ("home", "Min side"),
        ("logs:list", "Mine stafettbarn"),
        ("logs:detail", "Mine stafettbarn"),  # a log, under its list
        ("logs:concern_edit", "Mine stafettbarn"),
        ("meetings:detail", "Møter"),
        ("organisations:register_actor", "Aktører"),
        ("notes:edit", "Notater"),
    ],
)
def test_the_current_page_and_its_section_are_marked_R_GEN_07(db, view_name, current):
    assert _current(Role.HOLDER, view_name) == [current]


@pytest.mark.parametrize("view_name", ["accounts:settings", "", "admin:index"])
def test_a_page_outside_the_navigation_marks_nothing_R_GEN_07(db, view_name):
    assert _current(Role.HOLDER, view_name) == []


def test_the_closest_entry_wins_R_GEN_07(db, monkeypatch):
    """Two entries of one namespace (the leader's staff and users pages): the exact page,
    then the longest section, is current."""
    items = (
        NavItem("home", "Min side"),
        NavItem("notes:list", "Notater", ("notes:",)),
        NavItem("notes:create", "Nytt", ("notes:create", "notes:delete")),
    )
    monkeypatch.setitem(navigation.NAVIGATION, Role.LEADER, items)
    monkeypatch.setattr(navigation, "_links", {})  # made from the real entries until now
    assert _labels(Role.LEADER) == ["Min side", "Notater", "Nytt"]
    assert _current(Role.LEADER, "notes:create") == ["Nytt"]
    assert _current(Role.LEADER, "notes:delete") == ["Nytt"]
    assert _current(Role.LEADER, "notes:edit") == ["Notater"]
    assert _current(Role.LEADER, "notes:list") == ["Notater"]


def test_every_entry_names_a_page_that_exists_R_GEN_07(db):
    """A wrong URL name fails here and on every page, never vanishes from the menu."""
    for role in navigation.NAVIGATION:
        assert len(navigation.links_for(role, "")) == len(navigation.NAVIGATION[role])


def test_the_holder_sees_the_navigation_with_the_log_page_marked_R_GEN_07(client, holder, log):
    client.force_login(holder)
    links = _nav(client.get(f"/logger/{log.pk}/"))
    assert [(href, label) for href, label, _ in links] == [
        ("/", "Min side"),
        ("/logger/", "Mine stafettbarn"),
        ("/moter/", "Møter"),
        ("/aktorer/", "Aktører"),
        ("/notater/", "Notater"),
    ]
    assert [label for _, label, current in links if current] == ["Mine stafettbarn"]
    assert [label for _, label, current in _nav(client.get("/")) if current] == ["Min side"]


def test_the_actor_and_the_guardian_see_their_own_pages_R_GEN_07(client, log, actor, guardian_user):
    make_concern(log, actors=[actor])
    client.force_login(actor)
    links = _nav(client.get("/logger/"))
    assert [label for _, label, _ in links] == ["Min side", "Mine aktørbarn", "Møter", "Notater"]
    assert [label for _, label, current in links if current] == ["Mine aktørbarn"]
    client.force_login(guardian_user)
    links = _nav(client.get(f"/logger/{log.pk}/"))
    assert [label for _, label, _ in links] == ["Min side", "Mitt barn", "Møter"]
    assert [label for _, label, current in links if current] == ["Mitt barn"]


def test_the_role_switch_changes_the_navigation_R_GEN_07(client, multi_role_user):
    client.force_login(multi_role_user)
    assert [label for _, label, _ in _nav(client.get("/"))] == _labels(Role.LEADER)
    client.post("/rolle/", {"role": Role.HOLDER.value})
    assert [label for _, label, _ in _nav(client.get("/"))] == _labels(Role.HOLDER)


def test_a_municipality_administrator_without_a_role_gets_the_leaders_navigation_R_GEN_07(
    client, municipality_admin
):
    client.force_login(municipality_admin)
    links = _nav(client.get("/"))
    assert [label for _, label, _ in links] == _labels(Role.LEADER)
    assert [label for _, label, current in links if current] == ["Min side"]


def test_nobody_signed_out_gets_a_navigation_R_GEN_07(client, db):
    response = client.get("/konto/logg-inn/")
    assert 'class="main-nav"' not in response.content.decode()


def _count(client, url: str, *, nav: bool = True) -> int:
    client.get(url)  # stamps the session's last activity, which is not the page's cost
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    assert ('class="main-nav"' in response.content.decode()) == nav
    return len(context.captured_queries)


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("municipality_admin", "/"),  # no role: the leader's navigation
        ("holder", "/"),
        ("holder", "/logger/"),
        ("actor", "/logger/"),
        ("guardian_user", "/moter/"),
    ],
)
def test_the_navigation_costs_the_header_no_query_R_GEN_07(
    request, client, log, actor, monkeypatch, who, url
):
    """The same page asks the database as often with the navigation as without it: the
    roles and whether the person administers a municipality are read with the person
    (organisations.backends), and the entries are URL names reversed in memory."""
    make_concern(log, actors=[actor])
    client.force_login(request.getfixturevalue(who))
    with_nav = _count(client, url)
    monkeypatch.setattr(context_processors, "navigation_role", lambda request: None)
    monkeypatch.setattr(context_processors, "links_for", lambda role, view_name: [])
    assert _count(client, url, nav=False) == with_nav


def test_the_administrator_flag_is_read_with_the_person_R_GEN_07(
    rf, municipality_admin, holder, django_assert_num_queries
):
    from organisations.backends import RoleBackend
    from organisations.queries import administers_a_municipality

    admin = RoleBackend().get_user(municipality_admin.pk)
    other = RoleBackend().get_user(holder.pk)
    with django_assert_num_queries(0):
        assert administers_a_municipality(admin)
        assert not administers_a_municipality(other)
    # A person not read through the backend is still answered, by a query.
    with django_assert_num_queries(1):
        assert administers_a_municipality(municipality_admin)


def test_the_links_of_a_role_on_a_page_are_made_once_R_GEN_07(db, monkeypatch):
    """Made once per process for each role and page (issue 9): no address reversed again."""
    first = links_for(Role.HOLDER, "meetings:detail")
    monkeypatch.setattr(navigation, "reverse", lambda name: pytest.fail(f"reversed {name}"))

    assert links_for(Role.HOLDER, "meetings:detail") is first
    assert [link.label for link in first if link.current] == ["Møter"]


def test_the_kept_links_follow_the_script_prefix_and_the_language_R_GEN_07(db):
    """A site served under a path, or a language whose addresses differ, gets its own."""
    from django.urls import set_script_prefix
    from django.utils import translation

    plain = links_for(Role.GUARDIAN, "home")
    set_script_prefix("/stafett/")
    try:
        prefixed = links_for(Role.GUARDIAN, "home")
    finally:
        set_script_prefix("/")
    with translation.override("en"):
        english = [str(link.label) for link in links_for(Role.GUARDIAN, "home")]

    assert [link.url for link in plain] == ["/", "/logger/", "/moter/"]
    assert [link.url for link in prefixed] == ["/stafett/", "/stafett/logger/", "/stafett/moter/"]
    assert english == ["My page", "My child", "Meetings"]
