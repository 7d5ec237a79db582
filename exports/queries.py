"""What goes into a log's PDF: the parts chosen, each through the visibility query of its
app (logs.queries, meetings.queries), never a rule of our own.

- `viewer` a person: exactly what that person sees in `role` on the log page; holder and
  guardian everything (a guardian: published glimpses and their own), an actor only the
  concerns they are an actor on, the glimpses they see and the meetings they are invited to.
  The parts a role may not see come back empty (`parts_for` never offers them).
- `viewer` None: the archive's complete view (R-ARCH-01): everything in the log.
"""

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from accounts.models import RequestUser, User
from exports.enums import Part
from exports.models import Export
from logs import rules
from logs.models import Concern, Glimpse, Guardian, Log, Measure, Revision, Transfer
from logs.queries import (
    access_log_of,
    concerns_with_measures,
    glimpses_visible_to,
    guardians_visible_to,
    logs_visible_to,
    revisions_visible_to,
    transfers_visible_to,
)
from meetings.models import Invitation, Meeting
from meetings.queries import meetings_visible_to
from organisations.enums import Role

# The parts each role may choose: the sensitive ones (guardians, national ID, history, who
# opened the log) only where the log page shows them (logs.rules).
ACTOR_PARTS = (Part.CONCERNS, Part.MEETINGS, Part.GLIMPSES)


def exports_visible_to(user: RequestUser, role: Role | None) -> QuerySet[Export]:
    """The exports a person may open: only their own, asked for in the role they work in
    now, of a log they still see in it (a log handed on takes its exports' access along).
    Anyone else's export, whatever their role, is a 404 (R-EXP-01)."""
    if not user.is_authenticated or role is None:
        return Export.objects.none()
    return Export.objects.filter(requested_by=user, role=role, log__in=logs_visible_to(user, role))


def parts_for(user: User, role: Role | None, log: Log) -> list[Part]:
    """The parts `user` may export of `log` in `role`, in print order; [] for none."""
    if role not in (Role.HOLDER, Role.GUARDIAN, Role.ACTOR):
        return []
    if not rules.can_see_sensitive_details(role):
        return list(ACTOR_PARTS)
    parts = [Part.CHILD, Part.CONCERNS, Part.MEETINGS, Part.GLIMPSES, Part.HISTORY]
    if rules.can_see_access_log(user, role, log):
        parts.append(Part.OPENINGS)
    return parts


@dataclass
class LogContent:
    """The chosen parts of one log, fetched; an empty list for a part not chosen."""

    parts: list[str]
    guardians: list[Guardian] = field(default_factory=list)
    concerns: list[Concern] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    glimpses: list[Glimpse] = field(default_factory=list)
    revisions: list[Revision] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    openings: list[dict[str, Any]] = field(default_factory=list)


def _measures() -> QuerySet[Measure]:
    return Measure.objects.select_related("category", "evaluation__evaluated_by").prefetch_related(
        "actors"
    )


def log_content(
    log: Log, *, viewer: User | None, role: Role | None, parts: Collection[str]
) -> LogContent:
    """The parts of `log` in `parts` that `viewer` sees in `role` (viewer None: all)."""
    if viewer is not None:
        allowed = {part.value for part in parts_for(viewer, role, log)}
        parts = [part for part in parts if part in allowed]
    chosen = [part for part in Part.values if part in parts]
    content = LogContent(parts=chosen)
    if Part.CHILD in chosen:
        guardians = (
            Guardian.objects.filter(log=log)
            if viewer is None
            else guardians_visible_to(viewer, role).filter(log=log)
        )
        content.guardians = list(guardians.order_by("pk"))
    concern_ids: set[int] = set()
    if Part.CONCERNS in chosen or Part.MEETINGS in chosen:
        concerns = (
            Concern.objects.filter(log=log)
            .select_related("category")
            .prefetch_related(Prefetch("measures", queryset=_measures()))
            if viewer is None
            else concerns_with_measures(viewer, role, log)
        )
        listed = list(concerns.order_by("created_at", "pk"))
        concern_ids = {concern.pk for concern in listed}
        if Part.CONCERNS in chosen:
            content.concerns = listed
    if Part.MEETINGS in chosen:
        meetings = (
            Meeting.objects.filter(log=log)
            if viewer is None
            else meetings_visible_to(viewer, role).filter(log=log)
        )
        content.meetings = list(
            meetings.order_by("starts_at", "pk").prefetch_related(
                Prefetch("concerns", queryset=Concern.objects.select_related("category")),
                Prefetch("invitations", queryset=Invitation.objects.order_by("role", "name")),
            )
        )
        for meeting in content.meetings:
            # A meeting names only the concerns the reader sees (an actor: their own).
            meeting.shown_concerns = [  # type: ignore[attr-defined]
                concern for concern in meeting.concerns.all() if concern.pk in concern_ids
            ]
    if Part.GLIMPSES in chosen:
        glimpses = (
            Glimpse.objects.filter(log=log)
            if viewer is None
            else glimpses_visible_to(viewer, role).filter(log=log)
        )
        content.glimpses = list(glimpses.select_related("author").order_by("happened_on", "pk"))
    if Part.HISTORY in chosen:
        revisions = (
            Revision.objects.filter(log=log)
            if viewer is None
            else revisions_visible_to(viewer, role).filter(log=log)
        )
        content.revisions = list(revisions.select_related("by").order_by("at", "pk"))
        transfers = (
            Transfer.objects.filter(log=log).select_related(
                "from_holder", "from_unit", "to_user", "to_unit", "decided_by"
            )
            if viewer is None
            else transfers_visible_to(viewer, role).filter(log=log)
        )
        content.transfers = list(transfers.order_by("created_at", "pk"))
    if Part.OPENINGS in chosen:
        content.openings = [
            {**row, "role_name": _role_name(row["role"])} for row in access_log_of(log)
        ]
    return content


def _role_name(value: str) -> str:
    try:
        return str(Role(value).label)
    except ValueError:
        return value
