"""Whom a leader manages, and what the staff pages show of them (R-LEAD-01, R-ROLE-03).

The one way in: `staff_of(units)` with the leader's reach (organisations.queries.
units_led_by). A person outside it is not found (404), whatever their id. Nothing here reads
a child, a concern or any other content of a log: of a holder's logs only their number.
"""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from accounts.models import User
from logs.enums import LogStatus
from logs.models import Guardian, Log
from organisations.enums import Role
from organisations.models import Membership, Unit
from staff.rules import MANAGED_ROLES


def staff_of(units: QuerySet[Unit]) -> QuerySet[User]:
    """The people a leader manages: those with a holder or actor role in one of `units`,
    active or deactivated (their history stays, R-LEAD-01). Operators and administrators
    (staff) are left out, as in the administration (organisations.queries.people_in)."""
    members = Membership.objects.filter(unit__in=units, role__in=MANAGED_ROLES)
    return User.objects.filter(
        pk__in=members.values("user_id"), is_staff=False, is_superuser=False
    ).order_by("last_name", "first_name", "pk")


def with_roles_in(people: QuerySet[User], units: QuerySet[Unit]) -> QuerySet[User]:
    """`people` with `roles_here`: their memberships in `units`, with the unit, in one
    more query whatever their number."""
    here = (
        Membership.objects.filter(unit__in=units)
        .select_related("unit")
        .order_by("unit__name", "role")
    )
    return people.prefetch_related(Prefetch("memberships", queryset=here, to_attr="roles_here"))


@dataclass(frozen=True)
class Standing:
    """What decides whether and how a leader may deactivate a person."""

    # Units in the leader's reach where the person holds active logs, with their number:
    # the count only, never which children (R-ROLE-03).
    logs_by_unit: dict[int, int]
    # Active logs held in units outside the reach: another leader's to hand over.
    logs_elsewhere: int
    # Roles outside the reach, or a child's guardian login: deactivating would lock the
    # person out of work or a child that is not this leader's.
    roles_elsewhere: bool
    guardian: bool

    @property
    def logs_here(self) -> int:
        return sum(self.logs_by_unit.values())


def standing_of(person: User, units: QuerySet[Unit]) -> Standing:
    """The counts that decide a deactivation, in three queries."""
    reach = set(units.values_list("pk", flat=True))
    held = (
        Log.objects.filter(holder=person, status=LogStatus.ACTIVE)
        .values("unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    logs_by_unit: dict[int, int] = {}
    elsewhere = 0
    for row in held:
        if row["unit_id"] in reach:
            logs_by_unit[row["unit_id"]] = row["n"]
        else:
            elsewhere += row["n"]
    roles_elsewhere = Membership.objects.filter(user=person).exclude(unit_id__in=reach).exists()
    guardian = Guardian.objects.filter(user=person).exists()
    return Standing(logs_by_unit, elsewhere, roles_elsewhere, guardian)


def holders_of(units: QuerySet[Unit], *, besides: User) -> dict[int, list[User]]:
    """The active holders of each of `units` but `besides`, by unit id: whom a leaving
    holder's logs may go to. One query."""
    memberships = (
        Membership.objects.filter(unit__in=units, role=Role.HOLDER, user__is_active=True)
        .exclude(user=besides)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )
    result: dict[int, list[User]] = {}
    for membership in memberships:
        result.setdefault(membership.unit_id, []).append(membership.user)
    return result
