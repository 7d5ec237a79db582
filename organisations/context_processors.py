import json
from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts.models import User
from common.compiled import CompiledRows
from organisations.backends import PLACES
from organisations.enums import Role
from organisations.models import Membership
from organisations.navigation import links_for, navigation_role
from organisations.queries import active_role, roles_of


def roles(request: HttpRequest) -> dict[str, Any]:
    """The role switcher, the role's navigation and the header's municipality and unit
    (R-ROLE-01, R-GEN-07).

    The header's names come with the person (organisations.backends), every role's, as
    plain names: each membership is one (person, unit, role).
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    current = active_role(request)
    header = SimpleLazyObject(lambda: _header_names(user, current))
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match is not None else ""
    return {
        "user_roles": roles_of(user),
        "active_role": current,
        # The role's main navigation (R-GEN-07): no query, the roles and the administrator
        # flag are read with the person (organisations.backends).
        "main_nav": SimpleLazyObject(lambda: links_for(navigation_role(request), view_name)),
        "header_units": SimpleLazyObject(lambda: header[0]),
        "header_municipality": SimpleLazyObject(lambda: header[1]),
    }


def _header_names(user: User, role: Role | None) -> tuple[list[str], str]:
    if role is None or role == Role.GUARDIAN:  # a guardian works in no unit
        return [], ""
    if not hasattr(user, PLACES):  # the person was not read by organisations.backends
        rows = _HEADER_NAMES.rows(role.value, user.pk)
    else:
        # Read with the person (organisations.backends), every role's; sorted as the query
        # below sorts on SQLite, by the characters' order.
        read: list[list[str]] = json.loads(getattr(user, PLACES) or "[]")
        rows = sorted((unit, town) for kind, unit, town in read if kind == role)
    return [unit for unit, _ in rows], rows[0][1] if rows else ""


# On every page: compiled once (common.compiled).
_HEADER_NAMES = CompiledRows(
    Membership,
    lambda role, user_id: (
        Membership.objects.filter(user_id=user_id, role=role)
        .order_by("unit__name")
        .values_list("unit__name", "unit__municipality__name")
    ),
)
