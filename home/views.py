"""*Min side*: what the active role has to do now, drawn from every app (R-ROLE-01)."""

import hashlib
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any, ClassVar

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from common.compiled import CompiledRows
from common.splice import Part, render, rendered_for_rows
from home.overview import HOME_MEETINGS, actor_concerns_shown, overview
from logs.services import record_log_views
from meetings.models import Meeting
from meetings.queries import upcoming_meetings_for
from notes.queries import latest_notes
from organisations.enums import Role
from organisations.models import Membership, Unit
from organisations.queries import active_role, leads, reach_of
from staff.overview import staff_count_of_units, staff_of_units

HOME_TEMPLATES = {
    Role.LEADER: "home/leader.html",
    Role.HOLDER: "home/holder.html",
    Role.ACTOR: "home/actor.html",
    Role.GUARDIAN: "home/guardian.html",
}
HOME_NOTES = 5
HOME_STAFF = 50


@require_safe
@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """*Min side* of the active role (R-ROLE-01)."""
    role = active_role(request)
    if role == Role.LEADER or (role is None and leads(request)):
        return _leader_home(request, role)
    if role is None:
        return render(request, "home/no_role.html")
    context: dict[str, Any] = {"role": role, "is_holder": role == Role.HOLDER}
    if role == Role.ACTOR:
        # The concerns the actor works on, overdue first (R-ACT-02): the logs' data, so
        # their read is recorded, one row per log.
        context["concerns"], worked_on = actor_concerns_shown(request)
        record_log_views(worked_on, by=request.user, page="home")
        context["meetings_list"] = _actor_meetings(request)
    if role in (Role.HOLDER, Role.GUARDIAN):
        lists = overview(request, role)
        context |= {
            "logs_table": lists.logs,
            "meetings_list": lists.meetings,
            "pending_transfers": lists.transfers,
        }
        # A transfer's reason is the log's data, read here before the log is the person's.
        record_log_views(lists.transfer_logs, by=request.user, page="home")
    if role == Role.HOLDER:
        context["notes_section"] = _notes_section(request)
    return render(request, HOME_TEMPLATES[role], context)


def _notes_section(request: AuthenticatedHttpRequest) -> Part:
    """The person's latest notes (R-NOTE-01), rendered once per set of rows and kept: the
    rows hold all the section shows, so a note written, edited or deleted shows at once."""
    rows = [
        NoteRow(note.pk, note.title, note.updated_at)
        for note in latest_notes(request.user, HOME_NOTES)
    ]
    return rendered_for_rows(request, "holder-notes", rows, "home/_notes.html", {"notes": rows})


@dataclass(frozen=True)
class NoteRow:
    """A note as Min side lists it."""

    pk: int
    title: str
    updated_at: datetime


def _actor_meetings(request: AuthenticatedHttpRequest) -> Part:
    """The actor's upcoming meetings (R-ACT-02), rendered once per set of rows and kept:
    the rows hold all the list shows, so a meeting planned, moved, cancelled or ended, or
    the child renamed, shows at once."""
    user, now = request.user, timezone.now()
    # The query holds the day, not the moment, so it is compiled once a day (issue 9); the
    # meetings that ended earlier today are read with it and left out here.
    read = [UpcomingMeeting(*row) for row in _ACTOR_MEETINGS.rows(None, user.pk)]
    rows = [meeting for meeting in read if meeting.ends_at >= now][:HOME_MEETINGS]
    if len(rows) < HOME_MEETINGS and len(read) == HOME_MEETINGS + ENDED_TODAY:
        # More meetings ended today than were read along: asked with the moment itself.
        upcoming = upcoming_meetings_for(user, Role.ACTOR, now=now)[:HOME_MEETINGS]
        rows = [UpcomingMeeting(*row) for row in upcoming.values_list(*UpcomingMeeting.FIELDS)]
    context = {"meetings": rows, "is_holder": False}
    return rendered_for_rows(request, "actor-meetings", rows, "meetings/_upcoming.html", context)


# How many of the actor's meetings that ended earlier today are read beside the upcoming ones.
ENDED_TODAY = 5


def _actor_meetings_query(_shape: None, user_id: int) -> QuerySet[Meeting, tuple[Any, ...]]:
    today = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    meetings = upcoming_meetings_for(User(pk=user_id), Role.ACTOR, now=today)
    return meetings.values_list(*UpcomingMeeting.FIELDS)[: HOME_MEETINGS + ENDED_TODAY]


_ACTOR_MEETINGS = CompiledRows(Meeting, _actor_meetings_query)


@dataclass(frozen=True)
class UpcomingMeeting:
    """A meeting as the list of upcoming meetings shows it."""

    FIELDS: ClassVar = (
        "pk",
        "starts_at",
        "ends_at",
        "log__child__first_name",
        "log__child__last_name",
        "place",
    )
    pk: int
    starts_at: datetime
    ends_at: datetime
    first_name: str
    last_name: str
    place: str

    @property
    def child_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def _leader_home(request: AuthenticatedHttpRequest, role: Role | None) -> HttpResponse:
    """The leader's *Min side* (R-LEAD-02): the holders and actors of the units they lead, in
    numbers only (R-ROLE-03), paged (?side=). A municipality administrator with no role of
    their own gets it for the whole municipality."""
    # Three queries compiled once (issue 9): the units in reach, the number of rows, the
    # page's rows. The units by id, so that the database knows how many they are.
    units = reach_of(request.user)
    count = _staff_count(units)
    page = Paginator(range(count), HOME_STAFF).get_page(request.GET.get("side"))
    offset = (page.number - 1) * HOME_STAFF
    rows = [StaffRow(*row) for row in _STAFF_PAGE.rows(offset, *units)] if count else []
    context = {
        "role": role,
        "role_label": role.label if role is not None else _("Kommuneadministrator"),
        "page_obj": page,
        "staff": rows,
        "staff_table": _staff_table(request, rows),
    }
    return render(request, HOME_TEMPLATES[Role.LEADER], context)


@dataclass(frozen=True)
class StaffRow:
    """One row of the leader's table: a person's role in a unit, with its number."""

    FIELDS: ClassVar = (
        "user_id",
        "user__first_name",
        "user__last_name",
        "user__is_active",
        "unit__name",
        "role",
        "held_logs",
        "overdue_measures",
    )
    user_id: int
    first_name: str
    last_name: str
    is_active: bool
    unit_name: str
    role: str
    held_logs: int
    overdue_measures: int

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


def _staff_count(units: list[int]) -> int:
    """The number of rows of the staff table, for its pages. A city's count is kept for
    COUNT_KEPT seconds: counting a municipality administrator's 22,000 rows was half of
    PostgreSQL's time on their Min side (issue 9), and the rows themselves, read on every
    view, show a change at once; only the number of pages may follow a minute late. A
    count below KEEP_COUNT_FROM, any leader's of a few units, is never kept."""
    if not units:
        return 0
    digest = hashlib.blake2b(repr(units).encode(), digest_size=16).hexdigest()
    key = f"leader-staff-count:{digest}"
    count = cache.get(key)
    if count is None:
        [(count,)] = _STAFF_COUNT.rows(None, *units)
        if count >= KEEP_COUNT_FROM:
            cache.set(key, count, COUNT_KEPT)
    return int(count)


# The smallest count of the staff table that is kept, and for how many seconds.
KEEP_COUNT_FROM = 2000
COUNT_KEPT = 60


def _staff_count_query(_shape: None, *units: int) -> QuerySet[Membership, tuple[int]]:
    return staff_count_of_units(Unit.objects.filter(pk__in=units))


def _staff_page(offset: int, *units: int) -> QuerySet[Membership, tuple[Any, ...]]:
    staff = staff_of_units(Unit.objects.filter(pk__in=units)).values_list(*StaffRow.FIELDS)
    return staff[offset : offset + HOME_STAFF]


_STAFF_COUNT = CompiledRows(Membership, _staff_count_query)
_STAFF_PAGE = CompiledRows(Membership, _staff_page)


def _staff_table(request: AuthenticatedHttpRequest, rows: list[StaffRow]) -> Part:
    """The table, rendered once for these very rows in this language and kept (issue 9:
    rendering 50 rows was most of the page's cost, and the numbers change far less often
    than leaders look)."""
    return rendered_for_rows(
        request, "leader-staff", rows, "home/_leader_staff.html", {"staff": rows}
    )
