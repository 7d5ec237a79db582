"""*Tverrfaglige møter* for holders and guardians, upcoming or past, kept per change of the
logs the list draws from (issue 9), as logs.list_cache says: a meeting planned, changed or
cancelled raises its log's content version (meetings.log_page). A meeting moves from the
upcoming list to the past one when it ends, so a kept list is used until the first
upcoming meeting of those logs ends, and then rendered anew.

An actor's list is rendered on every view: it follows their invitations, which may be to
meetings of logs the actor has no measure in, so the versions of their logs do not cover it.
"""

from datetime import datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Min
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.kept_html import kept
from common.splice import Pieces, pieces_of
from logs.list_cache import kept_key, log_versions
from meetings.queries import past_meetings_for, upcoming_meetings_for
from organisations.enums import Role

PAGE_SIZE = 50


def meetings_table(user: User, role: Role, *, past: bool, side: str | None) -> tuple[Pieces, Page]:
    """The table of the page `side` of the person's meetings, rendered (as common.splice
    keeps HTML), and the page (for its navigation): kept for holders and guardians, rendered
    on every view for actors."""
    now = _now()
    number = _page_number(side)
    if role in (Role.HOLDER, Role.GUARDIAN):
        key = kept_key("meetings", user, role, log_versions(user, role), past, number)
        table = kept(key, lambda: _render(user, role, past=past, number=number, now=now), now=now)
    else:
        table = _render(user, role, past=past, number=number, now=now, until=False)
    page = Paginator(range(table["count"]), PAGE_SIZE).get_page(table["number"])
    return table["rows"], page


def _now() -> datetime:
    return timezone.now()


def _page_number(side: str | None) -> int:
    """As Paginator.get_page reads it: a number, else the first page. A number outside the
    pages gives the last page, which only the rendering knows."""
    try:
        return int(side or 1)
    except ValueError:
        return 1


def _render(
    user: User, role: Role, *, past: bool, number: int, now: datetime, until: bool = True
) -> dict[str, Any]:
    """The page's table; with `until`, when it changes by itself: when the first upcoming
    meeting ends, it moves from one list to the other."""
    finder = past_meetings_for if past else upcoming_meetings_for
    page = Paginator(finder(user, role, now=now), PAGE_SIZE).get_page(number)
    empty = _("Ingen tidligere møter.") if past else _("Ingen kommende møter.")
    # A list, not a queryset: the template never queries (house rule 10).
    context = {"meetings": list(page.object_list), "empty_text": empty}
    upcoming = upcoming_meetings_for(user, role, now=now)
    return {
        "rows": pieces_of(render_to_string("meetings/_meeting_rows.html", context)),
        "count": page.paginator.count,
        "number": page.number,
        "until": upcoming.aggregate(first_end=Min("ends_at"))["first_end"] if until else None,
    }
