"""Kept HTML put into the response as the UTF-8 bytes it was kept as (common.splice, issue
9): the page a person gets is the page the template would have rendered, with each request's
own CSRF token and address in every kept part and every character as typed; a kept part
shown anywhere else (an e-mail, a test's rendering) shows as its text (R-LOG-01, R-SEC-05,
R-GEN-02)."""

import re

import pytest
from django.shortcuts import render as django_render
from django.template import engines
from django.test import RequestFactory
from django.utils.safestring import SafeString

from common import kept_html, splice
from logs import page_cache
from tests.factories import make_concern
from tests.pages import browser_of, page_text

pytestmark = pytest.mark.django_db

PLACEHOLDER = re.compile(r"<!--[0-9a-f]{20,}:\d+-->")
TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")([^"]+)(")')


@pytest.fixture
def request_(rf: RequestFactory):
    return rf.get("/logger/7/?side=2&q=a<b")


@pytest.fixture
def named(settings):
    """A template of the test's own, loaded by name as a view's template is."""

    def name(text: str) -> str:
        engine = {**settings.TEMPLATES[0], "APP_DIRS": False}
        loaders = [("django.template.loaders.locmem.Loader", {"splice_test.html": text})]
        engine["OPTIONS"] = {**engine["OPTIONS"], "loaders": loaders}
        settings.TEMPLATES = [engine]
        return "splice_test.html"

    return name


def marked(html: str) -> str:
    """HTML as a kept part is rendered: the marks where each request's values go."""
    return html.format(token=kept_html.csrf_mark(), path=kept_html.path_mark())


def part(request, html: str) -> splice.Part:
    return splice.Part(request, splice.pieces_of(marked(html)))


def test_kept_html_is_its_utf8_bytes_with_the_requests_values_between():
    pieces = splice.pieces_of(marked("<p>Ærlig – «sant» 😀</p><i>{token}</i>{path}{token}"))
    assert pieces == (
        "<p>Ærlig – «sant» 😀</p><i>".encode(),
        splice.CSRF_TOKEN,
        b"</i>",
        splice.PAGE_PATH,
        splice.CSRF_TOKEN,
    )
    assert splice.size(pieces) == len("<p>Ærlig – «sant» 😀</p><i>".encode()) + len(b"</i>")
    assert splice.pieces_of("") == ()


def test_a_part_outside_a_spliced_page_shows_as_its_text_with_this_requests_values_R_SEC_05(
    request_,
):
    shown = part(request_, "<b>Å–{token}|{path}</b>")
    html = engines["django"].from_string("<div>{{ shown }}</div>").render({"shown": shown})
    token = kept_html.token(request_)
    assert html == f"<div><b>Å–{token}|/logger/7/?side=2&amp;q=a%3Cb</b></div>"
    assert isinstance(str(shown), SafeString)
    assert shown and not splice.Part(request_, ())


def test_a_spliced_page_is_the_page_the_template_renders_R_LOG_01(request_, named):
    """Parts shown out of the order they were made, one twice, one only behind an `if`."""
    text = "<main>{{ b }}|{% if a %}{{ a }}{% endif %}|{{ b }}|{{ word }}|{{ c }}</main>"
    context = {
        "a": part(request_, "<p>én – {token}</p>"),
        "b": part(request_, "<p>to «2» {path}</p>"),
        "c": part(request_, ""),
        "word": "<ø>",
    }
    name = named(text)
    as_text = django_render(request_, name, context).content  # the parts as their text

    response = splice.render(request_, name, context)

    assert response.content == as_text
    token = kept_html.token(request_)
    page = response.content.decode()
    assert page == (
        "<main><p>to «2» /logger/7/?side=2&amp;q=a%3Cb</p>|"
        f"<p>én – {token}</p>|<p>to «2» /logger/7/?side=2&amp;q=a%3Cb</p>|&lt;ø&gt;|</main>"
    )
    assert response["Content-Type"] == "text/html; charset=utf-8"


def test_a_page_without_parts_keeps_its_comments_and_status(request_, named):
    name = named("<p>{{ word }} <!-- a comment --></p>")
    response = splice.render(request_, name, {"word": "ø"}, status=409)
    assert response.status_code == 409
    assert response.content == "<p>ø <!-- a comment --></p>".encode()


def test_a_part_inside_a_kept_layout_part_is_kept_as_its_text(request_, named):
    """Shown inside `{% keep %}`, a part is kept with its text, not with a placeholder of the
    response it was first rendered for: the next response would have nothing to put there."""
    name = named("{% load kept %}{% keep 'splice-test' %}<nav>{{ inner }}</nav>{% endkeep %}")
    context = {"inner": part(request_, "<em>inne</em>")}
    first = splice.render(request_, name, context)
    context = {"inner": part(request_, "<em>annet</em>")}  # not among the keep's values
    again = splice.render(request_, name, context)
    assert first.content == again.content == b"<nav><em>inne</em></nav>"


def test_the_log_page_is_kept_as_bytes_and_sent_as_rendered_R_LOG_01_R_SEC_05(
    holder, log, monkeypatch
):
    make_concern(log, description="Sover dårlig – «hver natt» 😴")
    stored: dict = {}
    real = page_cache.cache

    class Watched:
        def get(self, key):
            return real.get(key)

        def set(self, key, value, timeout):
            stored[key] = value
            real.set(key, value, timeout)

    monkeypatch.setattr(page_cache, "cache", Watched())
    browser = browser_of(holder)
    page_text(browser, f"/logger/{log.pk}/")
    kept_page = page_text(browser, f"/logger/{log.pk}/")  # from what was kept
    [kept] = stored.values()
    assert all(isinstance(piece, bytes | int) for name in ("top", "main") for piece in kept[name])

    monkeypatch.setattr("logs.views.splice.render", django_render)
    as_text = page_text(browser, f"/logger/{log.pk}/")  # the same parts, as text

    assert not PLACEHOLDER.search(kept_page)
    assert "Sover dårlig – «hver natt» 😴" in kept_page
    tokens = {match[1] for match in TOKEN.findall(kept_page)}
    assert len(tokens) == 1, "the kept parts and the rest of the page carry one token"
    assert same_but_token_and_access(kept_page) == same_but_token_and_access(as_text)


def same_but_token_and_access(page: str) -> str:
    """The page without what changes from one view to the next: the token's masking, and
    who has opened the log how many times."""
    page = TOKEN.sub(r"\1T\3", page)
    return re.sub(r'<section id="access".*?</section>', "", page, flags=re.DOTALL)
