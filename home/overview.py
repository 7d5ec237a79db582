"""Min side's lists, rendered once per change of the logs they draw from and kept (issue 9),
as logs.list_cache says: for holders and guardians the logs and the upcoming meetings, for
actors the concerns they work on. An upcoming meeting leaves the list when it ends: the
kept lists are used until the first of their meetings ends, and then rendered anew.

As on the log page (logs.page_cache), a name that is not in the versions, a person's, a
category's or the unit a transfer goes to, shows at most common.kept_html.KEPT_TTL late
when changed.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from common.kept_html import csrf_mark, kept
from common.splice import Part, pieces_of
from logs.enums import OPEN_LOG_STATUSES
from logs.list_cache import kept_key, log_versions
from logs.models import Log
from logs.queries import actor_worklist, logs_visible_to, pending_transfers_for, with_overview
from meetings.queries import upcoming_meetings_for
from organisations.enums import Role

HOME_LOGS = 20
HOME_MEETINGS = 10
HOME_CONCERNS = 20


@dataclass(frozen=True)
class Overview:
    """Min side's kept lists of a holder or guardian, rendered. `transfer_logs` are the logs
    of the transfers shown, whose read the view records on every request (R-SEC-01)."""

    logs: Part
    meetings: Part
    transfers: Part
    transfer_logs: list[int]


def overview(request: AuthenticatedHttpRequest, role: Role) -> Overview:
    """The table of the person's logs, the list of their upcoming meetings and, for a holder,
    the transfers waiting for them, as Min side shows them to a holder (held logs only) or a
    guardian (R-HOLD-02, R-GUAR-01, R-TRAN-04)."""
    user = request.user
    now = _now()
    mark = csrf_mark()  # the transfers' forms: each request puts its own token in
    # Every log the lists draw from: for a holder the logs they hold, a passive one too (the
    # upcoming meetings are those of every held log), and the logs offered to them in a
    # pending transfer (a transfer's save raises its log's content version).
    key = kept_key("home", user, role, log_versions(user, role))
    lists = kept(key, lambda: _render(user, role, now, mark), now=now)
    return Overview(
        logs=Part(request, lists["logs"]),
        meetings=Part(request, lists["meetings"]),
        transfers=Part(request, lists["transfers"]),
        transfer_logs=lists["transfer_logs"],
    )


def _now() -> datetime:
    return timezone.now()


def _logs(user: User, role: Role) -> QuerySet[Log]:
    logs = logs_visible_to(user, role)
    if role == Role.HOLDER:
        # Held logs only: a log sent to the person is listed as a transfer until they
        # accept it (R-TRAN-04).
        logs = logs.filter(holder=user, status__in=OPEN_LOG_STATUSES)
    return logs


def _render(user: User, role: Role, now: datetime, mark: str) -> dict[str, Any]:
    is_holder = role == Role.HOLDER
    logs = _logs(user, role).select_related("child", "unit")
    if is_holder:
        logs = with_overview(logs)
    meetings = list(upcoming_meetings_for(user, role, now=now)[:HOME_MEETINGS])
    pending = list(pending_transfers_for(user)[:HOME_LOGS]) if is_holder else []
    # Lists, not querysets: the template never queries (house rule 10).
    context = {
        "is_holder": is_holder,
        "logs": list(logs.order_by("child__last_name", "child__first_name", "pk")[:HOME_LOGS]),
        "meetings": meetings,
        "pending_transfers": pending,
        "csrf_token": mark,
    }
    return {
        "logs": pieces_of(render_to_string("logs/_log_table.html", context)),
        "meetings": pieces_of(render_to_string("meetings/_upcoming.html", context)),
        "transfers": pieces_of(render_to_string("logs/_pending_transfers.html", context))
        if is_holder
        else (),
        "transfer_logs": [transfer.log_id for transfer in pending],
        # The list changes by itself when its first meeting ends.
        "until": min((m.ends_at for m in meetings), default=None),
    }


def actor_concerns_shown(request: AuthenticatedHttpRequest) -> tuple[Part, list[int]]:
    """The open concerns the actor works on, overdue first (R-ACT-02), rendered, and the ids
    of the logs they belong to: the view records their read on every request (R-SEC-01).

    Kept per change of the actor's open logs: a concern, a measure, its deadline or its actors
    changing raises the log's content version (logs.page_cache); a deadline passing
    changes the day in the key."""
    # Only the open logs: the list shows nothing of a closed one (actor_worklist), and an
    # actor has worked on many more closed logs than open (issue 9: 145 of 186 in the
    # benchmark's data).
    user = request.user
    versions = log_versions(user, Role.ACTOR, open_only=True)
    key = kept_key("home-actor", user, Role.ACTOR, versions)
    shown = kept(key, lambda: _render_concerns(user))
    return Part(request, shown["concerns"]), shown["logs"]


def _render_concerns(user: User) -> dict[str, Any]:
    concerns = list(actor_worklist(user)[:HOME_CONCERNS])
    html = render_to_string("home/_actor_concerns.html", {"concerns": concerns})
    return {"concerns": pieces_of(html), "logs": list(dict.fromkeys(c.log_id for c in concerns))}
