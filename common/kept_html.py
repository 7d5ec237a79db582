"""HTML rendered once and kept in the cache, with what belongs to each request put in
afterwards (issue 9): the CSRF token, and the address of the page it is shown on.

Kept HTML holds a mark in their place, the same in every process (a shared cache) and
nothing a person could type; each request puts its own value where the mark is. A key of
kept HTML holds the marks' start, so that after a new SECRET_KEY nothing kept with the old
marks is used.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import fields, is_dataclass
from enum import Enum
from typing import Any

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.crypto import salted_hmac
from django.utils.functional import LazyObject, Promise, empty
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def csrf_mark() -> str:
    """What kept HTML holds in place of the CSRF token (as `csrf_token` in the context it
    is rendered with)."""
    return salted_hmac("logs.page_cache.csrf", "mark").hexdigest()


def path_mark() -> str:
    """What kept HTML holds in place of the page's own address (a form's `next`)."""
    return salted_hmac("common.kept_html.path", "mark").hexdigest()


def marks_key() -> str:
    """The part of a key that changes with the marks."""
    return csrf_mark()[:12]


def with_token(request: HttpRequest, kept: str) -> SafeString:
    """Kept HTML with this request's own CSRF token in place of the mark."""
    mark = csrf_mark()
    if mark in kept:
        kept = kept.replace(mark, _token(request))
    return mark_safe(kept)  # noqa: S308 - rendered by us, the token is [a-zA-Z0-9]


_KEPT_ON_REQUEST = "_stafett_kept_csrf"


def _token(request: HttpRequest) -> str:
    # One masked token for the whole response, as a template's `csrf_token` is: masking a
    # new one for each kept part (header, page, footer) cost more than putting it in.
    token = getattr(request, _KEPT_ON_REQUEST, None)
    if token is None:
        token = get_token(request)
        setattr(request, _KEPT_ON_REQUEST, token)
    return token


def with_request(request: HttpRequest, kept: str) -> SafeString:
    """Kept HTML with this request's CSRF token and address (escaped, as the template
    would have) in place of the marks."""
    mark = path_mark()
    if mark in kept:
        kept = kept.replace(mark, escape(request.get_full_path()))
    return with_token(request, kept)


def digest(values: Iterable[Any]) -> str:
    """A digest of what kept HTML was rendered from, for its key. Only plain values are
    taken (see `plain`): a value whose text is not its content (an object's address, a lazy
    object not yet evaluated) would make a key that never matches, or worse, matches
    another's."""
    text = repr(tuple(plain(value) for value in values))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def plain(value: Any) -> Any:
    """`value` as plain data whose repr is its content: lazy objects evaluated, translations
    as text, enums as their value, dataclasses as their fields. Anything else is refused."""
    if isinstance(value, LazyObject):
        # A context processor's lazy value: evaluated, as the template would have.
        if value._wrapped is empty:
            value._setup()
        value = value._wrapped
    if isinstance(value, Enum):
        return plain(value.value)
    if value is None or isinstance(value, (str, int, float)):  # bool is an int
        return value
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, (list, tuple)):
        return tuple(plain(item) for item in value)
    if is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, *(plain(getattr(value, f.name)) for f in fields(value)))
    raise TypeError(f"Kept HTML cannot be keyed on a {type(value).__name__}: give its fields.")
