"""The main navigation of each role (R-GEN-07): which pages, in which order, and which of
them the current page belongs to. A data definition only: each entry names its page by URL
name, so this app needs no import of the apps whose pages it lists.

To give a role a new page, add one `NavItem` to its tuple below.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from organisations.enums import Role
from organisations.queries import active_role, administers_a_municipality


@dataclass(frozen=True)
class NavItem:
    """One page in a role's navigation.

    `url_name` is the page; `section` are the beginnings of the URL names of the pages
    under it, which mark it current too: "logs:" puts every page of a log under *Mine
    stafettbarn*, "staff:users" the users overview and its CSV under *Brukere*. The page
    itself, then the longest beginning, wins.
    """

    url_name: str
    label: str | Promise
    section: tuple[str, ...] = ()


NAVIGATION: dict[Role, tuple[NavItem, ...]] = {
    Role.LEADER: (
        NavItem("home", _("Min side")),
        NavItem("staff:list", _("Ansatte"), ("staff:",)),
        NavItem("stats:index", _("Statistikk"), ("stats:",)),
        NavItem("staff:users", _("Brukere"), ("staff:users",)),
    ),
    Role.HOLDER: (
        NavItem("home", _("Min side")),
        NavItem("logs:list", _("Mine stafettbarn"), ("logs:",)),
        NavItem("meetings:list", _("Møter"), ("meetings:",)),
        NavItem("organisations:actors", _("Aktører"), ("organisations:",)),
        NavItem("notes:list", _("Notater"), ("notes:",)),
    ),
    Role.ACTOR: (
        NavItem("home", _("Min side")),
        NavItem("logs:list", _("Mine aktørbarn"), ("logs:",)),
        NavItem("meetings:list", _("Møter"), ("meetings:",)),
        NavItem("notes:list", _("Notater"), ("notes:",)),
    ),
    Role.GUARDIAN: (
        NavItem("home", _("Min side")),
        NavItem("logs:list", _("Mitt barn"), ("logs:",)),
        NavItem("meetings:list", _("Møter"), ("meetings:",)),
    ),
}


@dataclass(frozen=True)
class NavLink:
    """A navigation entry as the header shows it."""

    url: str
    label: str | Promise
    current: bool


def _match(item: NavItem, view_name: str) -> int:
    """How closely `view_name` belongs to `item`: 0 not at all, longer is closer."""
    if view_name == item.url_name:
        return 1_000
    best = 0
    for name in item.section:
        if view_name.startswith(name):
            best = max(best, len(name))
    return best


def navigation_role(request: HttpRequest) -> Role | None:
    """The role whose navigation the header shows: the active one; a municipality
    administrator with no role of their own gets the leader's (organisations.queries.leads)."""
    role = active_role(request)
    if role is None and administers_a_municipality(request.user):
        return Role.LEADER
    return role


def links_for(role: Role | None, view_name: str) -> tuple[NavLink, ...]:
    """The navigation of `role`, the page `view_name` (or "" on none) marked current.

    The same for every request of the role on that page, so it is made once per process
    for each: reversing its addresses on every page cost a few percent of the benchmark's
    mixed load (issue 9). Kept per URL configuration, script prefix and language as well,
    the things an address depends on; the entries are frozen and their labels lazy."""
    key = (role, view_name, get_urlconf(), get_script_prefix(), get_language())
    found = _links.get(key)
    if found is None:
        found = _links[key] = _links_for(role, view_name)
    return found


# Bounded: the roles, the pages (URL names) and the languages.
_links: dict[tuple[object, ...], tuple[NavLink, ...]] = {}


def _links_for(role: Role | None, view_name: str) -> tuple[NavLink, ...]:
    items: Sequence[NavItem] = NAVIGATION.get(role, ()) if role is not None else ()
    urls = [(item, reverse(item.url_name)) for item in items]
    scores = [_match(item, view_name) if view_name else 0 for item, _url in urls]
    best = max(scores, default=0)
    return tuple(
        NavLink(url=url, label=item.label, current=best > 0 and score == best)
        for (item, url), score in zip(urls, scores, strict=True)
    )
