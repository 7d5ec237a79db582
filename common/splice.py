"""Kept HTML put into the response as the UTF-8 bytes it was kept as (issue 9).

A log page is 50 KB of HTML, most of it kept (logs.page_cache). Kept as text, every request
decoded it from the cache, copied it to put the CSRF token in, copied it twice more at each
level of the template it was shown in, and encoded the whole page again at the end: 0.25 ms
of a page that costs 2, and most of that whenever one character outside Latin-1 (an en dash,
a quotation mark pasted from a word processor) makes Python hold the page at two bytes a
character.

So kept HTML is kept as its UTF-8 bytes, split where each request's own values go (`Pieces`).
A view that shows kept parts renders its page with `render`: there a part leaves a
placeholder in the template's output, which is small, and the response is that output
encoded with each part's bytes put in at its placeholder. Anywhere else (an e-mail, a PDF, a
test rendering a template) a part renders as its text, with the same values put in.

A placeholder holds a mark made from SECRET_KEY, as the CSRF mark does: nothing a person
types (escaped, so never `<!--`) or could guess.
"""

import contextlib
import contextvars
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from common import kept_html

# Where each request's own values go in kept HTML.
CSRF_TOKEN = 0
PAGE_PATH = 1
# Kept HTML: UTF-8 text, and the request's values (CSRF_TOKEN, PAGE_PATH) between.
Pieces = tuple[bytes | int, ...]


def pieces_of(html: str) -> Pieces:
    """HTML rendered with the marks of common.kept_html, as it is kept."""
    csrf, path = kept_html.csrf_mark().encode(), kept_html.path_mark().encode()
    pieces: list[bytes | int] = []
    for i, around_token in enumerate(html.encode().split(csrf)):
        if i:
            pieces.append(CSRF_TOKEN)
        for j, text in enumerate(around_token.split(path)):
            if j:
                pieces.append(PAGE_PATH)
            if text:
                pieces.append(text)
    return tuple(pieces)


def size(pieces: Pieces) -> int:
    """Bytes of kept HTML, without the request's values."""
    return sum(len(piece) for piece in pieces if isinstance(piece, bytes))


class Part:
    """Kept HTML as one request shows it, for a template's context."""

    __slots__ = ("pieces", "request")

    def __init__(self, request: HttpRequest, pieces: Pieces) -> None:
        self.request = request
        self.pieces = pieces

    def html(self) -> SafeString:
        """The part as the template it is rendered in shows it: in a page rendered by
        `render`, its placeholder; anywhere else, its text."""
        rendering = _rendering.get()
        if rendering is not None and rendering.request is self.request:
            return rendering.placeholder(self)
        return mark_safe(b"".join(self.chunks()).decode())  # noqa: S308 - rendered by us

    __str__ = __html__ = html

    def __bool__(self) -> bool:
        return bool(self.pieces)

    def chunks(self) -> list[bytes]:
        """The bytes of the part, with this request's values put in."""
        return [piece if isinstance(piece, bytes) else self._value(piece) for piece in self.pieces]

    def _value(self, slot: int) -> bytes:
        if slot == CSRF_TOKEN:
            return kept_html.token(self.request).encode()
        return escape(self.request.get_full_path()).encode()


class _Rendering:
    """The parts a template rendered by `render` has shown so far, in the order shown."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.parts: list[Part] = []
        self.prefix = f"<!--{kept_html.splice_mark()}:"

    def placeholder(self, part: Part) -> SafeString:
        self.parts.append(part)
        return SafeString(f"{self.prefix}{len(self.parts) - 1}-->")

    def spliced(self, html: str) -> bytes:
        body = html.encode()
        if not self.parts:
            return body
        head, *rest = body.split(self.prefix.encode())
        out = [head]
        for after_prefix in rest:
            index, _, after = after_prefix.partition(b"-->")
            out += self.parts[int(index)].chunks()
            out.append(after)
        return b"".join(out)


_rendering: contextvars.ContextVar[_Rendering | None] = contextvars.ContextVar(
    "stafett_splice_rendering", default=None
)


def render(
    request: HttpRequest,
    template_name: str,
    context: Mapping[str, Any] | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    """As django.shortcuts.render, with the kept parts in the page put in as bytes."""
    rendering = _Rendering(request)
    token = _rendering.set(rendering)
    try:
        html = loader.render_to_string(template_name, dict(context or {}), request)
    finally:
        _rendering.reset(token)
    return HttpResponse(rendering.spliced(html), status=status)


def rendered_for_rows(
    request: HttpRequest, name: str, rows: Sequence[Any], template: str, context: dict[str, Any]
) -> Part:
    """`template` rendered with `context`, kept under the `rows` it shows and the language.

    For a part whose every word comes from the rows of one query (plain values: numbers,
    text, dates) and the language: the rows change whenever anything it shows does, so a
    kept part is never stale, and two people with the same rows may share it. The query
    still runs on every request; the rendering does not."""
    key = f"rows:{name}:{kept_html.digest(rows)}:{get_language()}:{kept_html.version_key()}"
    return Part(
        request, kept_html.kept(key, lambda: pieces_of(render_to_string(template, context)))
    )


@contextlib.contextmanager
def rendering_apart() -> Iterator[None]:
    """While HTML is rendered to be kept inside a page's rendering (the layout's `{% keep %}`
    parts), parts in it show as text, not as placeholders of this response."""
    token = _rendering.set(None)
    try:
        yield
    finally:
        _rendering.reset(token)
