"""The layout's header and footer are rendered once per person, role, page kind and
language and kept (`{% keep %}`, common.kept_html; issue 9). Each change the header shows
shows on the next page, each browser gets its own CSRF token, each page its own address in
the language form, and the parts read nothing they are not keyed on (R-GEN-07, R-ROLE-01,
R-GEN-05, R-SEC-05)."""

import re
from dataclasses import dataclass

import pytest
from django.middleware.csrf import (  # type: ignore[attr-defined]  # private, no stub
    _unmask_cipher_token,
    rotate_token,
)
from django.template import Context, Template, engines
from django.template.base import FilterExpression, TokenType, Variable
from django.template.defaulttags import FirstOfNode, ForNode
from django.template.loader_tags import BlockNode, IncludeNode
from django.templatetags.i18n import BlockTranslateNode
from django.test import Client
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy

from accounts.models import User
from common.kept_html import digest, plain, release, token
from common.templatetags.kept import KeepNode
from organisations.enums import Role
from organisations.models import Unit
from tests.factories import MembershipFactory
from tests.pages import browser_of, form_token, page_text

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
    other_browser = browser_of(holder, csrf_checks=True)
    page = page_text(other_browser, "/")  # the header the first browser had rendered
    token = form_token(page, "/konto/logg-ut/")

    response = other_browser.post("/konto/logg-ut/", {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert other_browser.get("/").status_code == 302  # signed out


def test_a_signed_out_page_has_the_signed_out_header(seen):
    page = page_text(Client(), "/konto/logg-inn/")
    assert "Hanne Holder" not in page and "Logg ut" not in page
    assert 'name="next" value="/konto/logg-inn/"' in page


# --- What the kept parts read ------------------------------------------------------------

# Names a kept part has without the page: what {% get_current_language as … %} and
# {% get_available_languages as … %} set in base.html, and the marks. Loop variables count
# only inside their loop.
_OWN = frozenset({"LANGUAGE_CODE", "LANGUAGES", "csrf_token", "kept_path"})


def _path(expression) -> str | None:
    variable = expression.var if isinstance(expression, FilterExpression) else expression
    if not isinstance(variable, Variable) or variable.lookups is None:
        return None  # a literal
    return ".".join(variable.lookups)


def _expressions(value, found: list, seen: set) -> None:
    """Every variable expression in `value`: a FilterExpression with its filters' arguments,
    an {% if %} condition's operands however deep, and lists and dicts of them."""
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, FilterExpression):
        found.append(value)
        for _func, args in value.filters:
            for _lookup, arg in args:
                if isinstance(arg, Variable):
                    found.append(arg)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _expressions(item, found, seen)
    elif isinstance(value, dict):
        for item in value.values():
            _expressions(item, found, seen)
    else:
        for name in ("value", "first", "second"):  # {% if %}: operands and operators
            if hasattr(value, name):
                _expressions(getattr(value, name), found, seen)


def _reads(nodelist, engine, own: frozenset) -> set[tuple[str, frozenset]]:
    """Each variable path the nodes read, with the names their place defines itself."""
    reads: set[tuple[str, frozenset]] = set()

    def read(expressions) -> None:
        found: list = []
        _expressions(expressions, found, set())
        reads.update((path, own) for path in map(_path, found) if path is not None)

    for node in nodelist:
        if isinstance(node, KeepNode):
            continue  # a part of its own, checked by itself
        if isinstance(node, ForNode):
            read(node.sequence)
            reads |= _reads(node.nodelist_loop, engine, own | {*node.loopvars, "forloop"})
            reads |= _reads(node.nodelist_empty, engine, own)
            continue
        if isinstance(node, FirstOfNode) and _path(node.vars[0]) == "kept_path":
            # The page's address: a mark when kept, the request's only when not.
            read([v for v in node.vars if _path(v) != "request.get_full_path"])
            continue
        if isinstance(node, BlockTranslateNode):
            read(node.extra_context)
            for token in [*node.singular, *(node.plural or [])]:
                if token.token_type == TokenType.VAR:
                    reads.add((token.contents, own))
            continue
        read([value for name, value in vars(node).items() if name not in ("token", "origin")])
        for name in node.child_nodelists:
            reads |= _reads(getattr(node, name, None) or [], engine, own)
        if isinstance(node, IncludeNode):
            included = engine.get_template(node.template.var)
            read(node.extra_context)
            reads |= _reads(included.nodelist, engine, own | set(node.extra_context))
    return reads


@pytest.mark.parametrize("part", ["layout-assets", "layout-header", "layout-footer"])
def test_a_kept_part_of_the_layout_reads_only_what_it_is_keyed_on(part):
    engine = engines["django"].engine
    base: Template = engine.get_template("base.html")
    [node] = [n for n in base.nodelist.get_nodes_by_type(KeepNode) if n.name == part]
    keyed = {_path(value) for value in node.values}

    reads = _reads(node.nodelist, engine, _OWN)

    def covered(path: str, own: frozenset) -> bool:
        return path in keyed or path.split(".")[0] in keyed | own

    if part == "layout-assets":  # the static files' addresses: the release is in every key
        assert {path for path, own in reads if not covered(path, own)} == set()
        return
    assert reads, "the walk found nothing: it no longer sees the template's variables"
    assert {path for path, own in reads if not covered(path, own)} == set()
    if part == "layout-header":
        assert {"user.get_full_name", "main_nav", "link.current"} <= {p for p, _ in reads}


def test_the_walk_finds_a_variable_deep_in_a_condition_and_a_loop_variable_outside_its_loop():
    engine = engines["django"].engine
    template = engine.from_string(
        "{% load i18n %}{% if a and not b.c or d == e.f %}"
        "{% for role in roles %}{{ role }}{% endfor %}{{ role.label }}{% endif %}"
        "{% blocktranslate %}Hei {{ g }}{% endblocktranslate %}"
    )
    reads = _reads(template.nodelist, engine, frozenset())
    paths = {path for path, _own in reads}
    assert {"a", "b.c", "d", "e.f", "roles", "role", "role.label", "g"} <= paths
    assert ("role.label", frozenset()) in reads  # outside the loop: the page's `role`


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
    browser = browser_of(holder, csrf_checks=True)
    page_text(browser, f"/logger/{log.pk}/")
    page = page_text(browser, f"/logger/{log.pk}/")  # header, page and footer kept

    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page))
    assert len(tokens) == 1
    response = browser.post("/konto/logg-ut/", {"csrfmiddlewaretoken": tokens.pop()})
    assert response.status_code == 302


def test_a_new_release_renders_the_header_anew(seen, monkeypatch):
    assert HEADER in [t.name for t in seen.get("/moter/").templates]
    assert HEADER not in [t.name for t in seen.get("/moter/").templates]

    monkeypatch.setattr("common.kept_html.release", lambda: "a-new-release")

    assert HEADER in [t.name for t in seen.get("/moter/").templates]


def test_new_static_files_are_a_new_release(monkeypatch):
    """The kept <head> holds the static files' addresses, which hold a digest of each
    file's content (the manifest): a deploy with a changed style sheet must not be served
    the old address from a shared cache."""

    class Storage:
        manifest = '{"paths": {"css/stafett.css": "css/stafett.1111.css"}}'

        def read_manifest(self):
            return self.manifest

    storage = Storage()
    monkeypatch.setattr("common.kept_html.staticfiles_storage", storage)
    before = release.__wrapped__()
    storage.manifest = '{"paths": {"css/stafett.css": "css/stafett.2222.css"}}'

    assert release.__wrapped__() != before
    assert release.__wrapped__() == release.__wrapped__()


def test_the_head_is_kept_and_names_the_static_files(seen):
    page = page_text(seen, "/moter/")
    assert '<link rel="stylesheet" href="/static/css/stafett.css">' in page
    assert "layout-assets" not in page


def test_one_token_per_response_follows_a_rotated_csrf_secret_R_SEC_05(rf):
    request = rf.get("/")
    assert token(request) == token(request)  # one for the response
    secret = request.META["CSRF_COOKIE"]

    rotate_token(request)  # a sign-in in the same request

    rotated = token(request)
    assert request.META["CSRF_COOKIE"] != secret
    assert _unmask_cipher_token(rotated) == request.META["CSRF_COOKIE"]


def test_the_layouts_blocks_are_looked_for_outside_its_kept_parts(rf):
    """Django looks for the layout's blocks on every render of a page; it does not walk
    through the kept parts (issue 9), which hold no blocks. A page still renders as
    before."""
    engine = engines["django"].engine
    base = engine.from_string(
        "{% load kept %}{% keep 'test-block' %}[{% if x %}{% endif %}kept]{% endkeep %}"
        "({% block outer %}layout{% endblock %})"
    )
    assert [node.name for node in base.nodelist.get_nodes_by_type(KeepNode)] == ["test-block"]
    assert not KeepNode.child_nodelists  # the IfNode inside is not walked
    assert [node.name for node in base.nodelist.get_nodes_by_type(BlockNode)] == ["outer"]
    page = engine.from_string("{% extends base %}{% block outer %}page{% endblock %}")
    html = page.render(Context({"base": base, "request": rf.get("/")}))
    assert html == "[kept](page)"


def test_a_block_inside_a_kept_part_is_refused():
    from django.template import TemplateSyntaxError

    engine = engines["django"].engine
    with pytest.raises(TemplateSyntaxError, match="cannot hold a"):
        engine.from_string("{% load kept %}{% keep 'x' %}{% block a %}{% endblock %}{% endkeep %}")
