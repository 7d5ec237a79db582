"""HTML rendered once and kept in the cache, with what belongs to each request put in
afterwards (issue 9): the CSRF token, and the address of the page it is shown on.

Kept HTML holds a mark in their place, the same in every process (a shared cache) and
nothing a person could type; each request puts its own value where the mark is (kept as
bytes split at the marks, common.splice). A key of kept HTML holds `version_key()`: the
marks' start, so that after a new SECRET_KEY nothing kept with the old marks is used, a
digest of the templates, translations and static files' addresses, so that after a new
release no HTML of the old one is (the cache outlives a deploy in Redis), and the form it
is kept in.
"""

import functools
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.crypto import salted_hmac
from django.utils.functional import LazyObject, Promise, empty

# How long kept HTML lives: what its key does not hold (a name changed elsewhere) shows at
# most this late.
KEPT_TTL = 600
T = TypeVar("T")


def csrf_mark() -> str:
    """What kept HTML holds in place of the CSRF token (as `csrf_token` in the context it
    is rendered with)."""
    return _mark("logs.page_cache.csrf", settings.SECRET_KEY)


def path_mark() -> str:
    """What kept HTML holds in place of the page's own address (a form's `next`)."""
    return _mark("common.kept_html.path", settings.SECRET_KEY)


@functools.lru_cache(maxsize=8)
def _mark(salt: str, secret: str) -> str:
    return salted_hmac(salt, "mark", secret=secret).hexdigest()


def splice_mark() -> str:
    """What a page rendered by common.splice holds where a kept part goes."""
    return _mark("common.splice.part", settings.SECRET_KEY)


# How kept HTML is kept (2: as UTF-8 bytes, common.splice): in the key, so that a shared
# cache's HTML kept by a release that kept it otherwise is not read.
KEPT_FORMAT = 2


def version_key() -> str:
    """The part of a key of kept HTML that changes with the marks and with the release."""
    return f"{csrf_mark()[:12]}{release()}{KEPT_FORMAT}"


@functools.cache
def release() -> str:
    """A digest of the project's templates and translations, and of the static files'
    addresses (their manifest: a file's address holds a digest of its content), read once
    per process."""
    found = hashlib.blake2b(digest_size=8)
    found.update(settings.STATIC_URL.encode())
    read_manifest = getattr(staticfiles_storage, "read_manifest", None)
    if read_manifest is not None:  # ManifestStaticFilesStorage: production's
        found.update((read_manifest() or "").encode())
    engines: list[dict[str, Any]] = settings.TEMPLATES
    roots = [Path(folder) for engine in engines for folder in engine.get("DIRS", [])]
    roots += [Path(folder) for folder in settings.LOCALE_PATHS]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in (".html", ".txt", ".mo"):
                found.update(str(path.relative_to(root)).encode())
                found.update(path.read_bytes())
    return found.hexdigest()


_KEPT_ON_REQUEST = "_stafett_kept_csrf"


def token(request: HttpRequest) -> str:
    """The CSRF token of this response, for the marks of kept HTML."""
    # One masked token for the whole response, as a template's `csrf_token` is: masking a
    # new one for each kept part (header, page, footer) cost more than putting it in. Kept
    # with the secret it masks, so a rotated secret (a sign-in) gets a new one.
    secret = request.META.get("CSRF_COOKIE")
    kept = getattr(request, _KEPT_ON_REQUEST, None)
    if kept is None or kept[0] != secret or secret is None:
        masked = get_token(request)
        setattr(request, _KEPT_ON_REQUEST, (request.META.get("CSRF_COOKIE"), masked))
        return masked
    return kept[1]


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
    if type(value) in _PLAIN_TYPES:  # most of a key: looked up first, by exact type
        return value
    if isinstance(value, LazyObject):
        # A context processor's lazy value: evaluated, as the template would have.
        if value._wrapped is empty:
            value._setup()
        value = value._wrapped
    if isinstance(value, Enum):
        return plain(value.value)
    if value is None or isinstance(value, (str, int, float, date)):  # bool is an int
        return value  # a date's or datetime's repr is its content, its time zone included
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, (list, tuple)):
        # A list's key is mostly rows of plain values (a query's): each taken as it is.
        return tuple(item if type(item) in _PLAIN_TYPES else plain(item) for item in value)
    if is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        return (cls.__name__, *(plain(getattr(value, name)) for name in _field_names(cls)))
    raise TypeError(f"Kept HTML cannot be keyed on a {type(value).__name__}: give its fields.")


# Exactly these types (not a subclass: an enum member that is a str, a lazy string) are
# plain as they are.
_PLAIN_TYPES = frozenset({str, int, float, bool, date, datetime, type(None)})


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    """A dataclass's fields, looked up once: a key of a list has one dataclass a row."""
    return tuple(field.name for field in fields(cls))


def kept(key: str, render: Callable[[], T], *, now: datetime | None = None) -> T:
    """What is kept under `key`, or `render()` kept now when there is none. With `now`, what
    is kept is a dict whose "until" is when it changes by itself (its first meeting ends,
    or None): from then on it is rendered anew."""
    found = cache.get(key)
    if found is None or (now is not None and found["until"] is not None and found["until"] <= now):
        found = render()
        cache.set(key, found, KEPT_TTL)
    return found
