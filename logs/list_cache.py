"""Lists of logs rendered once per change of those logs and kept (issue 9): *Mine
stafettbarn* (logs.views) and Min side's lists (home.overview).

One narrow query reads, on every request, the logs the list draws from: their ids, child
and its name, unit and its name, level, status, `version` and `content_version`. Every
change such a list shows changes one of these: a new or handed-on log, a level or status, a
name, a concern or measure (open concerns, overdue), a meeting (each of those raises the
log's content version, logs.page_cache). The key is their digest, with the person, the
role, the language and the day (a deadline passes at midnight).
"""

import hashlib
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from accounts.models import User
from common.compiled import CompiledRows
from common.kept_html import version_key
from logs.enums import OPEN_LOG_STATUSES
from logs.models import Log
from logs.queries import logs_visible_to
from organisations.enums import Role

# The names are read along (two small joins), so a child or a unit renamed shows at once.
VERSION_FIELDS = (
    "pk",
    "child_id",
    "child__first_name",
    "child__last_name",
    "unit_id",
    "unit__name",
    "level",
    "status",
    "version",
    "content_version",
)


def log_versions(
    user: User,
    role: Role,
    *,
    held_only: bool = False,
    open_only: bool = False,
    order: tuple[str, ...] = ("pk",),
) -> list[tuple[Any, ...]]:
    """What of each log the person sees in `role` (logs_visible_to; `held_only`: those they
    hold; `open_only`: those active or waiting for a transfer) a list of them shows or
    depends on, in one narrow query, in the list's `order` (so that a page of them is a
    slice). Every list page asks it: compiled once."""
    return _VERSIONS.rows((role, held_only, open_only, order), user.pk)


def _versions_query(shape: tuple[Role, bool, bool, tuple[str, ...]], user_id: int) -> QuerySet[Log]:
    role, held_only, open_only, order = shape
    user = User(pk=user_id)
    logs = logs_visible_to(user, role)
    if held_only:
        logs = logs.filter(holder=user)
    if open_only:
        # A log that closes leaves the rows, one that opens again joins them: the digest
        # changes either way.
        logs = logs.filter(status__in=OPEN_LOG_STATUSES)
    return logs.order_by(*order).values_list(*VERSION_FIELDS)


_VERSIONS = CompiledRows(Log, _versions_query)


def kept_key(name: str, user: User, role: Role, versions: list[tuple[Any, ...]], *more: Any) -> str:
    """The cache key of a list `name` drawn from logs with these `versions`, for the person
    in their role, language and day; `more` for what else the list depends on (its page)."""
    digest = hashlib.blake2b(repr(versions).encode(), digest_size=16).hexdigest()
    today = timezone.localdate().isoformat()
    # The marks and the release: after a new SECRET_KEY or a deploy, nothing kept before.
    parts = (name, user.pk, role, digest, get_language(), today, version_key(), *more)
    return ":".join(str(part) for part in parts)
