"""What a person may see of meetings: every list and page of meetings starts here."""

from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import RequestUser
from logs.models import Concern
from logs.queries import logs_visible_to
from meetings.enums import InviteeRole, MeetingStatus
from meetings.models import Invitation, Meeting
from organisations.enums import Role


def meetings_visible_to(user: RequestUser, role: Role | None) -> QuerySet[Meeting]:
    """The meetings a person may see in their active role (R-ROLE-04…07).

    - Holder: every meeting (planned or cancelled, past or upcoming) of the logs visible to
      them as holder: the logs they hold, and a log with a transfer pending to them, which
      they may read to decide (R-TRAN-04). A log handed on takes its meetings with it.
    - Actor: the meetings they are invited to as an actor (R-ROLE-05), whether or not they
      are on a measure of the log; being removed from the invitees removes the meeting.
    - Guardian: every meeting of their own child's logs (their guardian record on the log,
      linked to their login), invited or not: a guardian reads the whole log, its history
      included (R-ROLE-06, R-GUAR-01).
    - Leader: none; leaders see no content of logs (R-ROLE-03).
    - Anyone else: none (R-ROLE-07).
    """
    if not user.is_authenticated or role is None:
        return Meeting.objects.none()
    if role == Role.HOLDER:
        return Meeting.objects.filter(log__in=logs_visible_to(user, Role.HOLDER))
    if role == Role.ACTOR:
        invited = Invitation.objects.filter(user=user, role=InviteeRole.ACTOR)
        return Meeting.objects.filter(pk__in=invited.values("meeting_id"))
    if role == Role.GUARDIAN:
        return Meeting.objects.filter(log__in=logs_visible_to(user, Role.GUARDIAN))
    return Meeting.objects.none()


def meeting_pages_visible_to(user: RequestUser, role: Role | None) -> QuerySet[Meeting]:
    """The meetings of meetings_visible_to, each with what its page shows fetched along:
    the log's child, unit and holder, the concerns in the order they were raised and the
    invitations by role and name. Who sees which meeting is exactly as there."""
    concerns = Concern.objects.select_related("category").order_by("created_at", "pk")
    invitations = Invitation.objects.order_by("role", "name", "pk")
    return (
        meetings_visible_to(user, role)
        .select_related("log__child", "log__unit", "log__holder")
        .prefetch_related(
            Prefetch("concerns", queryset=concerns), Prefetch("invitations", queryset=invitations)
        )
    )


def upcoming_meetings_for(
    user: RequestUser, role: Role | None, *, now: datetime | None = None
) -> QuerySet[Meeting]:
    """Planned meetings that have not ended yet, soonest first, with the child for the
    list (*Tverrfaglige møter* on Min side, R-HOLD-02, R-ACT-02)."""
    now = now or timezone.now()
    meetings = meetings_visible_to(user, role)
    if role == Role.HOLDER:
        # Min side lists the meetings of held logs, not of a log offered in a transfer.
        meetings = meetings.filter(log__holder_id=user.pk)
    return (
        meetings.filter(status=MeetingStatus.PLANNED, ends_at__gte=now)
        .select_related("log__child")
        .order_by("starts_at", "pk")
    )


def past_meetings_for(
    user: RequestUser, role: Role | None, *, now: datetime | None = None
) -> QuerySet[Meeting]:
    """Meetings that have ended or were cancelled, newest first."""
    now = now or timezone.now()
    return (
        meetings_visible_to(user, role)
        .filter(Q(status=MeetingStatus.CANCELLED) | Q(ends_at__lt=now))
        .select_related("log__child")
        .order_by("-starts_at", "-pk")
    )
