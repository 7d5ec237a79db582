"""The layout's header and footer are rendered once per person, role, page kind and
language and kept (`{% keep %}`, common.kept_html; issue 9). Each change the header shows
shows on the next page, each browser gets its own CSRF token, each page its own address in
the language form, and the parts read nothing they are not keyed on (R-GEN-07, R-ROLE-01,
R-GEN-05, R-SEC-05)."""

import re
from dataclasses import dataclass

import pytest
from django.template import Template, engines
from django.template.base import FilterExpression, Node, Variable
from django.template.defaulttags import FirstOfNode
from django.template.loader_tags import IncludeNode
from django.test import Client
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy

from accounts.models import User
from common.kept_html import digest, plain
from common.templatetags.kept import KeepNode
from organisations.enums import Role
from organisations.models import Unit
from tests.factories import MembershipFactory
from tests.pages import page_text

pytestmark = pytest.mark.django_db

HEADER = "includes/header_user.html"


@pytest.fixture
def seen(client, holder):
    client.force_login(holder)
    page_text(client, "/")
    return client


def test_the_header_is_rendered_once_and_then_kept_R_GEN_07(seen):
    response = seen.get("/logger/")
    assert HEADER in [t.name for t in response.templates]  # another page kind: rendered
    response = seen.get("/logger/")
    assert HEADER not in [t.name for t in response.templates]  # kept
    assert "Hanne Holder" in response.content.decode()
    assert 'aria-current="page">Mine stafettbarn' in response.content.decode()


def test_the_current_page_in_the_navigation_follows_the_page_R_GEN_07(seen):
    assert 'aria-current="page">Min side' in page_text(seen, "/")
    page = page_text(seen, "/moter/")
    assert 'aria-current="page">Møter' in page
    assert 'aria-current="page">Min side' not in page


def test_a_renamed_unit_and_person_show_in_the_header_at_once_R_GEN_07(seen, holder, unit):
    Unit.objects.filter(pk=unit.pk).update(name="Nyskolen")
    User.objects.filter(pk=holder.pk).update(first_name="Henny")

    page = page_text(seen, "/")
    assert "Nyskolen" in page and "Henny Holder" in page


def test_a_new_role_offers_the_role_switcher_at_once_R_ROLE_01(seen, holder, unit):
    assert 'id="role-select"' not in page_text(seen, "/")
    MembershipFactory(user=holder, unit=unit, role=Role.ACTOR)

    assert 'id="role-select"' in page_text(seen, "/")


def test_the_header_follows_the_language_R_GEN_05(seen):
    assert "Logg ut" in page_text(seen, "/")
    seen.cookies["django_language"] = "en"

    page = page_text(seen, "/")
    assert "Log out" in page and "Logg ut" not in page


def test_the_language_form_returns_to_the_page_it_is_on_escaped_R_GEN_05(seen):
    page_text(seen, "/logger/?side=1")
    page = page_text(seen, '/logger/?side=2&x="<b>')
    assert 'name="next" value="/logger/?side=2&amp;x=%22%3Cb%3E"' in page

    response = seen.post("/sprak/", {"language": "en", "next": "/logger/?side=2"})
    assert response.status_code == 302 and response["Location"] == "/logger/?side=2"


def test_each_browser_logs_out_with_its_own_csrf_token_from_a_kept_header_R_SEC_05(seen, holder):
    other_browser = Client(enforce_csrf_checks=True)
    other_browser.force_login(holder)
    page = page_text(other_browser, "/")  # the header the first browser had rendered
    action, token = re.search(
        r'<form method="post" action="(/konto/logg-ut/)"[^>]*>\s*'
        r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)">',
        page,
    ).groups()

    response = other_browser.post(action, {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert other_browser.get("/").status_code == 302  # signed out


def test_a_signed_out_page_has_the_signed_out_header(seen):
    page = page_text(Client(), "/konto/logg-inn/")
    assert "Hanne Holder" not in page and "Logg ut" not in page
    assert 'name="next" value="/konto/logg-inn/"' in page


# --- What the kept parts read ------------------------------------------------------------

# Names a kept part defines for itself: loop variables, {% get_… as %}, and the marks.
_OWN = {"forloop", "role", "unit", "link", "code", "name", "LANGUAGE_CODE", "LANGUAGES"}
_OWN |= {"csrf_token", "kept_path"}


def _expressions(node: Node):
    """Every variable expression a node reads itself (not its children's)."""
    seen = []

    def walk(value, depth=0):
        if depth > 3:
            return
        if isinstance(value, FilterExpression):
            seen.append(value)
            for _func, args in value.filters:
                for _lookup, arg in args:
                    if isinstance(arg, Variable):
                        seen.append(arg)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item, depth + 1)
        elif hasattr(value, "value") and isinstance(value.value, FilterExpression):
            walk(value.value, depth + 1)  # an {% if %} operand
        elif hasattr(value, "first") and hasattr(value, "second"):
            walk(value.first, depth + 1)  # an {% if %} operator
            walk(value.second, depth + 1)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item, depth + 1)

    for name, value in vars(node).items():
        if name not in ("nodelist", "token", "origin"):
            walk(value)
    return seen


def _paths(expression) -> str | None:
    variable = expression.var if isinstance(expression, FilterExpression) else expression
    if not isinstance(variable, Variable) or variable.lookups is None:
        return None  # a literal
    return ".".join(variable.lookups)


def _reads(nodelist, template_engine) -> set[str]:
    reads = set()
    for node in nodelist.get_nodes_by_type(Node):
        if isinstance(node, KeepNode):
            continue
        if isinstance(node, FirstOfNode) and _paths(node.vars[0]) == "kept_path":
            continue  # the page's address: a mark when kept
        for expression in _expressions(node):
            path = _paths(expression)
            if path is not None:
                reads.add(path)
        if isinstance(node, IncludeNode):
            name = node.template.var
            included = template_engine.get_template(name)
            reads |= _reads(included.nodelist, template_engine)
    return reads


@pytest.mark.parametrize("part", ["layout-header", "layout-footer"])
def test_a_kept_part_of_the_layout_reads_only_what_it_is_keyed_on(part):
    engine = engines["django"].engine
    base: Template = engine.get_template("base.html")
    [node] = [n for n in base.nodelist.get_nodes_by_type(KeepNode) if n.name == part]
    keyed = {_paths(value) for value in node.values}

    reads = _reads(node.nodelist, engine)

    def covered(path: str) -> bool:
        root = path.split(".")[0]
        return path in keyed or root in keyed or root in _OWN

    assert reads, "the walk found nothing: it no longer sees the template's variables"
    assert {path for path in reads if not covered(path)} == set()
    assert ("user.get_full_name" in reads and "main_nav" in reads) or part == "layout-footer"


# --- The key's values ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Link:
    url: str
    label: object


def test_a_key_is_made_of_the_values_content_not_their_addresses():
    lazy = SimpleLazyObject(lambda: ["Testskolen"])
    assert plain(lazy) == ("Testskolen",)
    assert plain(Role.HOLDER) == "holder"
    assert plain(_Link("/", gettext_lazy("Min side"))) == ("_Link", "/", "Min side")
    assert digest([_Link("/", "a")]) == digest([_Link("/", "a")])
    assert digest([_Link("/", "a")]) != digest([_Link("/", "b")])

    with pytest.raises(TypeError):
        plain(object())


def test_the_kept_parts_of_a_page_share_one_csrf_token_that_works_R_SEC_05(holder, log):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(holder)
    page_text(browser, f"/logger/{log.pk}/")
    page = page_text(browser, f"/logger/{log.pk}/")  # header, page and footer kept

    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page))
    assert len(tokens) == 1
    response = browser.post("/konto/logg-ut/", {"csrfmiddlewaretoken": tokens.pop()})
    assert response.status_code == 302
