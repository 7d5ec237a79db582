"""Every page has its own title (R-GEN-06, WCAG 2.4.2 Page Titled).

The title is what a screen reader says first and what tells tabs and history entries apart, so
two different pages never share one. Generated from the authorization matrix: every URL of the
resolver is opened by the first persona that may see it, and Min side and the log list once per
role, since each role has its own.
"""

import re

from django.urls import reverse

from logs.models import Child
from tests.test_authorization_matrix import MATRIX, PERSONAS, world  # noqa: F401

ROLE_PAGES = {"home": ["holder", "leader", "actor", "guardian"]}
ROLE_PAGES["logs:list"] = ["holder", "actor", "guardian"]


def _title(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match, "a page without <title>"
    return " ".join(match.group(1).split())


def _pages():
    for name, (args, rows) in MATRIX.items():
        for who in ROLE_PAGES.get(name) or [p for p in PERSONAS if rows[p][0] == 200][:1]:
            yield name, args, who


def test_every_page_has_its_own_title_naming_the_child_it_is_about_R_GEN_06(client, world):  # noqa: F811
    seen: dict[str, list[str]] = {}
    about_a_child: dict[str, str] = {}
    for name, args, who in _pages():
        client.logout()
        if world["users"][who] is not None:
            client.force_login(world["users"][who])
        response = client.get(reverse(name, args=args(world)))
        assert response.status_code == 200, (name, who, response.status_code)
        html = response.content.decode() if response["Content-Type"].startswith("text/html") else ""
        if not html.lstrip().startswith("<!DOCTYPE html>"):
            continue  # a file, JSON or a fragment for htmx: not a page
        title = _title(html)
        assert title.endswith(" – Stafettlogg") and len(title) > len(" – Stafettlogg"), title
        seen.setdefault(title, []).append(f"{name} ({who})")
        if name.split(":")[0] in {"logs", "meetings"} and args(world):
            about_a_child[name] = title

    shared = {title: pages for title, pages in seen.items() if len(pages) > 1}
    assert not shared, f"different pages with the same title: {shared}"
    # A page about one child's log says whose, as «Endre tiltak – Sara S.».
    names = {child.short_name for child in Child.objects.all()}
    names |= {child.full_name for child in Child.objects.all()}
    anonymous = {page: t for page, t in about_a_child.items() if not any(n in t for n in names)}
    assert not anonymous, f"pages about a child that do not say which: {anonymous}"
