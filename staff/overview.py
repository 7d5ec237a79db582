"""The leader's view of the staff of their units, in numbers: *Min side* (R-LEAD-02) and
*Brukere* (R-LEAD-04).

Need to know (R-ROLE-03): these queries return people, units, roles and counts, never a
log, a child or a concern. Every count is about one member of staff (their workload, how
they follow up their measures), not about a child, so no small count is hidden as "<5"
here: that suppression is for the statistics of children (R-LEAD-03, the stats app).

Every number is a correlated subquery on the row, so a page asks the database the same
number of times whatever the number of people (architecture, rule 10), and a page count
(Paginator) leaves the subqueries out.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import (
    F,
    Func,
    IntegerField,
    OrderBy,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from logs.enums import OPEN_LOG_STATUSES, MeasureStatus
from logs.models import Log, Measure
from organisations.enums import Role
from organisations.models import Membership, Unit

STAFF_ROLES = (Role.HOLDER, Role.ACTOR)


def overdue(today: date) -> Q:
    """A measure past its deadline and not evaluated: `Measure.is_overdue` (R-MEAS-02) as a
    filter, the same test `logs.queries.with_overview` makes."""
    return Q(status=MeasureStatus.OPEN, deadline__lt=today)


def on_time(today: date) -> Q:
    """A measure not evaluated whose deadline is today or later."""
    return Q(status=MeasureStatus.OPEN, deadline__gte=today)


def evaluated() -> Q:
    return Q(status=MeasureStatus.EVALUATED)


def _count(rows: QuerySet[Measure] | QuerySet[Log]) -> Coalesce:
    """The number of `rows` (already correlated to the outer row), 0 when none."""
    # COUNT as a plain function, not Django's aggregate: one row for the whole subquery,
    # with no GROUP BY to correlate.
    counted = rows.order_by().annotate(n=Func("pk", function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _measures_as_actor(user_ref: OuterRef, condition: Q) -> Coalesce:
    return _count(Measure.objects.filter(condition, actors=user_ref))


def staff_of_units(units: QuerySet[Unit], *, today: date | None = None) -> QuerySet[Membership]:
    """The holders and actors of `units` (R-LEAD-02): one row per person, unit and role,
    deactivated people too, by name, with the person and unit fetched along and two numbers:

    - `held_logs`: the logs the person holds in that unit, active or waiting for a transfer
      they sent (what they still answer for);
    - `overdue_measures`: the measures, in any unit's log, they are an actor on that are
      overdue (`overdue`). An actor's measures belong to the logs of other units as often as
      to their own (level 2 and 3), so they are counted wherever they are.

    The template shows each number for the role it belongs to.
    """
    today = today or timezone.localdate()
    held = Log.objects.filter(
        # A holder still answers for a log while its transfer waits for the recipient
        # (R-TRAN-04): both open statuses count as held, as on the holder's own Min side.
        holder=OuterRef("user_id"),
        unit=OuterRef("unit_id"),
        status__in=OPEN_LOG_STATUSES,
    )
    return (
        Membership.objects.filter(unit__in=units, role__in=STAFF_ROLES)
        .select_related("user", "unit")
        .only("role", "user__first_name", "user__last_name", "user__is_active", "unit__name")
        .annotate(
            held_logs=_count(held),
            overdue_measures=_measures_as_actor(OuterRef("user_id"), overdue(today)),
        )
        .order_by("user__last_name", "user__first_name", "user_id", "unit__name", "role")
    )


def staff_count_of_units(units: QuerySet[Unit]) -> QuerySet[Membership, tuple[int]]:
    """The number of rows of staff_of_units(units), as one row of one column: a page count
    in a query that can be compiled once (common.compiled), without the numbers' subqueries."""
    staff = Membership.objects.filter(unit__in=units, role__in=STAFF_ROLES).order_by()
    return staff.annotate(n=Func("pk", function="COUNT")).values_list("n")


# --- Brukere (R-LEAD-04) ---------------------------------------------------------------------

NAME_ORDER = ("last_name", "first_name", "pk")
PERSON_FIELDS = ("first_name", "last_name", "last_login", "is_active")


def _nulls_first(field: str, descending: bool) -> OrderBy:
    # Never signed in is "longest ago": first going up, last going down.
    return F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_first=True)


# The sort keys of the users overview, as they stand in the address (?sort=…, a leading "-"
# turns the order), each with the columns it orders by; the name breaks ties, so that a page
# boundary never moves between two requests.
USER_SORTS = ("navn", "innlogget", "status", "i-rute", "over-frist", "evaluert")
_SORT_FIELDS = {
    "innlogget": "last_login",
    "status": "is_active",
    "i-rute": "on_time",
    "over-frist": "overdue",
    "evaluert": "evaluated",
}
DEFAULT_USER_SORT = "navn"


def parse_sort(value: str | None) -> tuple[str, bool]:
    """The sort key and whether it goes down; anything unknown is the default (by name)."""
    value = (value or "").strip()
    descending = value.startswith("-")
    key = value[1:] if descending else value
    if key not in USER_SORTS:
        return DEFAULT_USER_SORT, False
    return key, descending


def people_of_units(
    units: QuerySet[Unit],
    *,
    sort: str = DEFAULT_USER_SORT,
    descending: bool = False,
    today: date | None = None,
) -> QuerySet[User]:
    """Everyone with a role in `units` (R-LEAD-04), deactivated people too, once each, with
    how they follow up the measures they are an actor on: `on_time`, `overdue` and
    `evaluated` (see the functions of those names; in any unit's log, as in
    `staff_of_units`). Sorted by a key of USER_SORTS (see `parse_sort`)."""
    today = today or timezone.localdate()
    members = Membership.objects.filter(unit__in=units).values("user_id")
    # Only what a row shows: nothing else of a person (hash, national ID) is read.
    people = (
        User.objects.filter(pk__in=members)
        .only(*PERSON_FIELDS)
        .annotate(
            on_time=_measures_as_actor(OuterRef("pk"), on_time(today)),
            overdue=_measures_as_actor(OuterRef("pk"), overdue(today)),
            evaluated=_measures_as_actor(OuterRef("pk"), evaluated()),
        )
    )
    if sort == DEFAULT_USER_SORT:
        names = [F(field).desc() if descending else F(field).asc() for field in NAME_ORDER]
        return people.order_by(*names)
    field = _SORT_FIELDS[sort]
    if field == "last_login":
        first: OrderBy = _nulls_first(field, descending)
    else:
        first = F(field).desc() if descending else F(field).asc()
    return people.order_by(first, *NAME_ORDER)


@dataclass(frozen=True)
class RoleInUnit:
    role: str  # the role's label in the active language
    unit: str

    def __str__(self) -> str:
        return f"{self.role} ({self.unit})"


def roles_in_units(
    units: QuerySet[Unit], people: QuerySet[User] | list[int]
) -> dict[int, list[RoleInUnit]]:
    """Each person's roles in `units`, by unit and role, in one query. Only the leader's own
    units: what a person does elsewhere is not the leader's to see, and a guardian is no
    role in a unit (being one would tell of a child, R-ROLE-03)."""
    # A query stays a subquery, not a list of every id.
    ids = people.order_by().values("pk") if isinstance(people, QuerySet) else people
    rows = (
        Membership.objects.filter(unit__in=units, user_id__in=ids)
        .order_by("unit__name", "role")
        .values_list("user_id", "role", "unit__name")
    )
    labels = dict(Role.choices)
    roles: dict[int, list[RoleInUnit]] = {}
    for user_id, role, unit in rows:
        roles.setdefault(user_id, []).append(RoleInUnit(str(labels[role]), unit))
    return roles


@dataclass(frozen=True)
class PersonRow:
    """One line of *Brukere*, the page's and the CSV's."""

    name: str
    roles: list[RoleInUnit]
    last_login: datetime | None
    is_active: bool
    on_time: int
    overdue: int
    evaluated: int


def person_rows(
    units: QuerySet[Unit], people: list[User], *, among: QuerySet[User] | None = None
) -> list[PersonRow]:
    """`people` (from `people_of_units`, fetched) as rows, with their roles: one query.
    `among`, the query that found them, saves a list of every id in it (the CSV's many)."""
    roles = roles_in_units(units, among if among is not None else [p.pk for p in people])
    return [
        PersonRow(
            name=person.get_full_name(),
            roles=roles.get(person.pk, []),
            last_login=person.last_login,
            is_active=person.is_active,
            on_time=person.on_time,  # type: ignore[attr-defined]  # annotated above
            overdue=person.overdue,  # type: ignore[attr-defined]  # annotated above
            evaluated=person.evaluated,  # type: ignore[attr-defined]  # annotated above
        )
        for person in people
    ]
