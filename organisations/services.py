"""State changes of the organisation: municipalities, units, memberships, categories."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from audit.services import record
from organisations.enums import Role
from organisations.models import (
    ConcernCategory,
    MeasureCategory,
    Membership,
    Municipality,
    Unit,
)
from organisations.queries import ACTIVE_ROLE_SESSION_KEY, roles_of

ADMIN_GROUP = "Kommuneadministrator"

# Sensible defaults from BTI practice; each municipality edits its own lists in the admin.
DEFAULT_CONCERN_CATEGORIES = [
    "Språk og kommunikasjon",
    "Sosial fungering og vennskap",
    "Atferd",
    "Psykisk helse og trivsel",
    "Fysisk helse og motorikk",
    "Læring og mestring",
    "Fravær",
    "Hjem og familie",
    "Rus",
    "Annet",
]
DEFAULT_MEASURE_CATEGORIES = [
    "Tilpasset opplæring",
    "Samtale med barnet",
    "Foreldresamarbeid",
    "Veiledning",
    "Kartlegging",
    "Henvisning",
    "Helsetjeneste",
    "Sosial trening",
    "Annet",
]
_ADMIN_MODELS = ["unit", "membership", "concerncategory", "measurecategory"]


def ensure_admin_group() -> Group:
    """The permissions a municipality administrator has in the admin (R-ROLE-02)."""
    group, _created = Group.objects.get_or_create(name=ADMIN_GROUP)
    codenames = [
        f"{verb}_{model}" for model in _ADMIN_MODELS for verb in ("add", "change", "delete", "view")
    ]
    codenames += ["view_municipality", "view_user", "add_user", "change_user"]
    group.permissions.set(Permission.objects.filter(codename__in=codenames))
    return group


@transaction.atomic
def create_municipality(
    *, name: str, org_number: str, admin_email: str, admin_first_name: str, admin_last_name: str
) -> tuple[Municipality, object]:
    """Create a municipality with its default category lists and its first administrator.

    Side effects: the administrator user (without a usable password) is created or reused,
    put in the administrator group, and an audit event is written.
    """
    municipality = Municipality(name=name, org_number=org_number)
    municipality.full_clean()
    municipality.save()
    for position, category in enumerate(DEFAULT_CONCERN_CATEGORIES):
        ConcernCategory.objects.create(municipality=municipality, name=category, position=position)
    for position, category in enumerate(DEFAULT_MEASURE_CATEGORIES):
        MeasureCategory.objects.create(municipality=municipality, name=category, position=position)
    user_model = get_user_model()
    admin = user_model.objects.filter(email__iexact=admin_email).first()
    if admin is None:
        admin = user_model.objects.create_user(
            admin_email, first_name=admin_first_name, last_name=admin_last_name
        )
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    admin.groups.add(ensure_admin_group())
    municipality.administrators.add(admin)
    record(action="municipality.created", obj=municipality, data={"admin": admin.pk})
    return municipality, admin


@transaction.atomic
def add_membership(*, user, unit: Unit, role: Role, by=None) -> Membership:
    """Give a person a role in a unit (idempotent). Side effect: an audit event."""
    membership, created = Membership.objects.get_or_create(user=user, unit=unit, role=role)
    if created:
        record(
            actor=by,
            action="membership.created",
            obj=membership,
            data={"user": user.pk, "unit": unit.pk, "role": str(role)},
        )
    return membership


def switch_role(request, role: str) -> bool:
    """Make `role` the active one for this session if the person holds it (R-ROLE-01)."""
    if role not in {r.value for r in roles_of(request.user)}:
        return False
    request.session[ACTIVE_ROLE_SESSION_KEY] = role
    record(actor=request.user, action="auth.role_switched", request=request, role=role)
    return True
