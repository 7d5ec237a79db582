from typing import Any

from django.http import HttpRequest

from organisations.queries import active_role, roles_of, units_of


def roles(request: HttpRequest) -> dict[str, Any]:
    """The role switcher and the header's municipality and unit (R-ROLE-01)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    current = active_role(request)
    units = list(units_of(user, current).select_related("municipality")) if current else []
    return {
        "user_roles": roles_of(user),
        "active_role": current,
        "header_units": units,
        "header_municipality": units[0].municipality if units else None,
    }
