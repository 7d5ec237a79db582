"""What roles and units a person has: the one place that answers it."""

from django.apps import apps
from django.db.models import QuerySet

from organisations.enums import Role
from organisations.models import Membership, Unit

ACTIVE_ROLE_SESSION_KEY = "active_role"


def roles_of(user) -> list[Role]:
    """The roles a person holds, in menu order (R-ROLE-01).

    Leader, holder and actor come from memberships; guardian from being a guardian with a
    login on at least one log.
    """
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_stafett_roles", None)
    if cached is not None:
        return cached
    held = set(Membership.objects.filter(user=user).values_list("role", flat=True).distinct())
    if apps.is_installed("logs"):
        guardian_model = apps.get_model("logs", "Guardian")
        if guardian_model.objects.filter(user=user).exists():
            held.add(Role.GUARDIAN.value)
    roles = [role for role in Role if role.value in held]
    user._stafett_roles = roles
    return roles


def active_role(request) -> Role | None:
    """The role the person works in now: the one chosen in the switcher, else the first."""
    roles = roles_of(request.user)
    if not roles:
        return None
    chosen = request.session.get(ACTIVE_ROLE_SESSION_KEY)
    for role in roles:
        if role.value == chosen:
            return role
    return roles[0]


def units_of(user, role: Role) -> QuerySet[Unit]:
    return Unit.objects.filter(memberships__user=user, memberships__role=role).distinct()


def municipalities_of(user):
    from organisations.models import Municipality

    return Municipality.objects.filter(units__memberships__user=user).distinct()
