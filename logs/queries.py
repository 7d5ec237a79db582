"""What a person may see of logs: every list, page, download and count starts here.

Each function takes the person and the role they are working in (the active role). The
views never filter logs by any other path.

- Holder: the logs they hold, in any status (read-only unless active), and the logs with a
  transfer pending to them (read-only: they open it to decide, R-TRAN-03/04). Lists of
  *Mine stafettbarn* show only held logs (`holder=user`); after a transfer is accepted the
  previous holder no longer sees the log in this role.
- Actor: the logs where they are an actor on at least one measure; within them only the
  concerns (with all their measures) where they are an actor on a measure, and published
  glimpses plus their own. No guardians, consent, history or national ID.
- Guardian: the logs of their child (a guardian record linked to their login): everything
  in the log; of the glimpses, the published ones and their own. Personal notes are never
  part of a log.
- Leader: nothing of the content of logs (need-to-know, R-ROLE-03); aggregates only.
- Anyone else: nothing (R-ROLE-07).
"""

from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import RequestUser, User
from common.compiled import CompiledRows
from logs.enums import (
    OPEN_LOG_STATUSES,
    ConcernStatus,
    Level,
    MeasureStatus,
    TransferStatus,
)
from logs.models import (
    Concern,
    Consent,
    Glimpse,
    Guardian,
    Log,
    LogOpening,
    Measure,
    Revision,
    Transfer,
)
from organisations.enums import Role
from organisations.models import Membership, Unit
from organisations.queries import units_of_municipality

# What counts as having opened a log, for its access list (R-SEC-01).
READ_ACTIONS = ("log.viewed", "consent.downloaded")


def logs_visible_to(user: RequestUser, role: Role | None) -> QuerySet[Log]:
    if not user.is_authenticated or role is None:
        return Log.objects.none()
    if role == Role.HOLDER:
        # One id list from two indexed lookups: `holder = X OR id IN (…)` would make
        # PostgreSQL read every log (and every meeting joined to them) to test the OR.
        held = Log.objects.filter(holder=user).order_by().values("pk")
        incoming = Transfer.objects.filter(to_user=user, status=TransferStatus.PENDING)
        offered = incoming.order_by().values("log_id")
        return Log.objects.filter(pk__in=held.union(offered))
    if role == Role.ACTOR:
        ids = Measure.objects.filter(actors=user).values("concern__log_id")
        return Log.objects.filter(pk__in=ids)
    if role == Role.GUARDIAN:
        return Log.objects.filter(pk__in=Guardian.objects.filter(user=user).values("log_id"))
    return Log.objects.none()


def concerns_visible_to(user: RequestUser, role: Role | None) -> QuerySet[Concern]:
    if not user.is_authenticated:
        return Concern.objects.none()
    if role == Role.ACTOR:
        # The concerns with one of the person's measures; their logs are the actor's logs by
        # definition, so no filter on the log. As EXISTS, PostgreSQL starts from the
        # person's measures; `pk IN (…)` with the log filter made it read every open
        # concern of the municipality (65 ms at Oslo's scale, issue 9).
        mine = Measure.objects.filter(actors=user, concern=OuterRef("pk"))
        return Concern.objects.filter(Exists(mine))
    return Concern.objects.filter(log__in=logs_visible_to(user, role))


def measures_visible_to(user: RequestUser, role: Role | None) -> QuerySet[Measure]:
    return Measure.objects.filter(concern__in=concerns_visible_to(user, role))


def glimpses_visible_to(user: RequestUser, role: Role | None) -> QuerySet[Glimpse]:
    if not user.is_authenticated:
        return Glimpse.objects.none()
    glimpses = Glimpse.objects.filter(log__in=logs_visible_to(user, role))
    if role in (Role.ACTOR, Role.GUARDIAN):
        glimpses = glimpses.filter(Q(published_at__isnull=False) | Q(author=user))
    return glimpses


def concerns_with_measures(user: RequestUser, role: Role | None, log: Log) -> QuerySet[Concern]:
    """The concerns of `log` the person sees (as concerns_visible_to), each with its
    measures, their category, evaluation and actors fetched along, for the log page."""
    measures = Measure.objects.select_related(
        "category", "evaluation__evaluated_by"
    ).prefetch_related("actors")
    return (
        concerns_visible_to(user, role)
        .filter(log=log)
        .select_related("category")
        .prefetch_related(Prefetch("measures", queryset=measures))
    )


def actor_concerns(user: RequestUser) -> QuerySet[Concern]:
    """The concerns the person works on as actor (R-ACT-01, R-ACT-02): exactly those of
    concerns_visible_to in the actor role, never another concern of the same log.

    Each comes with its log's child and unit and its category, `has_overdue` (one of the
    person's own measures is past its deadline, R-MEAS-02), `next_deadline` (the earliest of
    their open measures) and `my_measures`: the measures the person is an actor on, soonest
    deadline first. Two queries however many concerns: the concerns, and their measures.
    """
    if not user.is_authenticated:
        return Concern.objects.none()
    mine = Measure.objects.filter(actors=user)
    own_open = mine.filter(concern=OuterRef("pk"), status=MeasureStatus.OPEN)
    next_deadline = own_open.order_by("deadline").values("deadline")[:1]
    measures = mine.select_related("category").order_by("deadline", "pk")
    return (
        concerns_visible_to(user, Role.ACTOR)
        .select_related("log__child", "log__unit", "category")
        .annotate(
            has_overdue=Exists(own_open.filter(deadline__lt=timezone.localdate())),
            next_deadline=Subquery(next_deadline),
        )
        .prefetch_related(Prefetch("measures", queryset=measures, to_attr="my_measures"))
    )


def actor_worklist(user: RequestUser) -> QuerySet[Concern]:
    """The open concerns of active logs (a transfer pending too) the person is an actor on,
    as actor_concerns, those with an overdue measure first, then by the next deadline: the
    actor's *Min side* (R-ACT-02)."""
    return (
        actor_concerns(user)
        .filter(
            status=ConcernStatus.OPEN,
            log__status__in=OPEN_LOG_STATUSES,  # as the key of Min side's list (home.overview)
        )
        .order_by(F("has_overdue").desc(), F("next_deadline").asc(nulls_last=True), "pk")
    )


def _holder_or_guardian(user: RequestUser, role: Role | None) -> QuerySet[Log]:
    if role not in (Role.HOLDER, Role.GUARDIAN):
        return Log.objects.none()
    return logs_visible_to(user, role)


def guardians_visible_to(user: RequestUser, role: Role | None) -> QuerySet[Guardian]:
    return Guardian.objects.filter(log__in=_holder_or_guardian(user, role))


def consents_visible_to(user: RequestUser, role: Role | None) -> QuerySet[Consent]:
    return Consent.objects.filter(log__in=_holder_or_guardian(user, role))


def revisions_visible_to(user: RequestUser, role: Role | None) -> QuerySet[Revision]:
    return Revision.objects.filter(log__in=_holder_or_guardian(user, role))


def actors_allowed_for(log: Log, *, level: int | None = None) -> QuerySet[User]:
    """Who may be attached to a measure in `log` (R-LOG-03, R-CONC-01).

    Actors of the municipality; at level 1 only those of the log's own unit.
    """
    level = level or log.level
    memberships = Membership.objects.filter(role=Role.ACTOR)
    if level == Level.ONE:
        memberships = memberships.filter(unit=log.unit)
    else:
        memberships = memberships.filter(unit__municipality_id=log.unit.municipality_id)
    return User.objects.filter(is_active=True, pk__in=memberships.values("user_id"))


def with_overview(logs: QuerySet[Log]) -> QuerySet[Log]:
    """Adds `has_overdue` (R-MEAS-02) and `open_concerns` to each log, in the same query."""
    overdue = Measure.objects.filter(
        concern__log=OuterRef("pk"),
        status=MeasureStatus.OPEN,
        deadline__lt=timezone.localdate(),
    )
    # A correlated count, not a join with GROUP BY: a list's page count (Paginator) then
    # leaves both annotations out and counts the logs alone.
    open_concerns = (
        Concern.objects.filter(log=OuterRef("pk"), status=ConcernStatus.OPEN)
        .order_by()
        .values("log")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return logs.annotate(
        has_overdue=Exists(overdue),
        open_concerns=Coalesce(Subquery(open_concerns), 0),
    )


def pending_transfers_for(user: RequestUser) -> QuerySet[Transfer]:
    """Transfers waiting for `user` to accept or pass on (R-TRAN-04), oldest first, with
    the child and the units for *Min side*. The views show them in the holder role only."""
    if not user.is_authenticated:
        return Transfer.objects.none()
    return (
        Transfer.objects.filter(to_user=user, status=TransferStatus.PENDING)
        .select_related("log__child", "from_holder", "from_unit", "to_unit")
        .order_by("created_at", "pk")
    )


def incoming_transfers_for(user: RequestUser, role: Role | None) -> QuerySet[Transfer]:
    """The transfers sent to the person, in any status, with the child, the log's unit and
    the sender: what the recipient opens to accept or pass on (R-TRAN-04).

    - Holder: the transfers addressed to them, decided ones too (the page then says so).
    - Actor, guardian, leader, anyone else: none; a transfer is answered as holder only.
    """
    if not user.is_authenticated or role != Role.HOLDER:
        return Transfer.objects.none()
    return Transfer.objects.filter(to_user=user).select_related(
        "log__child", "log__unit", "from_holder"
    )


def transfers_visible_to(user: RequestUser, role: Role | None) -> QuerySet[Transfer]:
    """The chain of holders (R-TRAN-05), oldest first: reasons may hold case text, so like
    the history it is for holders and guardians, not actors."""
    return (
        Transfer.objects.filter(log__in=_holder_or_guardian(user, role))
        .select_related("from_holder", "from_unit", "to_user", "to_unit", "decided_by")
        .order_by("created_at", "pk")
    )


def holders_in_unit(
    unit: Unit, *, exclude: User | None = None, search: str = "", keep: int | None = None
) -> QuerySet[User]:
    """Active holders of `unit`, for choosing a new holder (R-TRAN-02); `search` matches
    each word in first name, last name or e-mail. The holder with the id `keep` (the one
    already chosen) is among them whatever the words."""
    members = Membership.objects.filter(unit=unit, role=Role.HOLDER).values("user_id")
    users = User.objects.filter(is_active=True, pk__in=members)
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    words = (search or "").split()
    if words:
        matches = Q()
        for word in words:
            matches &= (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
            )
        users = users.filter(matches | Q(pk=keep) if keep is not None else matches)
    return users.order_by("last_name", "first_name", "pk")


def units_a_log_can_go_to(log: Log) -> QuerySet[Unit]:
    """The units a log can be transferred to: those of its own municipality, never outside
    (R-TRAN-01), by name. Only the log's holder reaches the form that lists them."""
    return units_of_municipality(log.unit.municipality_id)


def access_log_of(log: Log) -> list[dict[str, Any]]:
    """Who has opened `log`, and when last: one row per person and role, the latest 50
    (R-SEC-01), from the summary kept as each read is recorded (logs.services.reads). For
    the log's holder and the child's guardians (logs.rules.can_see_access_log); actors,
    leaders and anyone else never get it. On every view of the log page: compiled once."""
    return [dict(zip(ACCESS_LOG_FIELDS, row, strict=True)) for row in _ACCESS_LOG.rows("", log.pk)]


ACCESS_LOG_FIELDS = ("user__first_name", "user__last_name", "role", "last_opened", "times")
_ACCESS_LOG = CompiledRows(
    LogOpening,
    lambda _shape, log_id: (
        LogOpening.objects.filter(log_id=log_id)
        .order_by("-last_opened", "-pk")
        .values_list(*ACCESS_LOG_FIELDS)[:50]
    ),
)
