"""State changes of the organisation: municipalities, units, memberships, categories."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from audit.services import record
from common.submissions import claim_submission
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
    # Failed e-mails are shown to the administrator (R-SEC-04), scoped in notifications/admin.
    codenames += ["view_outgoingemail"]
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
    """Give a person a role in a unit (idempotent). Side effects: an audit event; a person
    who cannot log in yet gets an activation e-mail, unless one is still open (R-LEAD-01)."""
    from accounts.services import has_open_activation, send_activation_email

    membership, created = Membership.objects.get_or_create(user=user, unit=unit, role=role)
    if created:
        record(
            actor=by,
            action="membership.created",
            obj=membership,
            data={"user": user.pk, "unit": unit.pk, "role": str(role)},
        )
        if user.is_active and not user.has_usable_password() and not has_open_activation(user):
            send_activation_email(user, by=by)
    return membership


def switch_role(request, role: str) -> bool:
    """Make `role` the active one for this session if the person holds it (R-ROLE-01)."""
    if role not in {r.value for r in roles_of(request.user)}:
        return False
    request.session[ACTIVE_ROLE_SESSION_KEY] = role
    record(actor=request.user, action="auth.role_switched", request=request, role=role)
    return True


def _same_name(person, first_name: str, last_name: str) -> bool:
    def norm(value: str) -> str:
        return " ".join((value or "").split()).casefold()

    return (norm(person.first_name), norm(person.last_name)) == (
        norm(first_name),
        norm(last_name),
    )


@transaction.atomic
def register_actor(
    *,
    by,
    unit: Unit,
    first_name: str,
    last_name: str,
    email: str,
    phone: str,
    national_id: str,
    submission: str | None = None,
):
    """Register a new actor in a unit of the registering person's municipality (R-MEET-03).

    The national ID number is required and validated (it is how the actor will be matched
    when logging in through ID-porten). An existing person is given the actor role instead of
    a duplicate account only when both the e-mail and the number match them; their stored
    number is never changed here (that would let anyone redirect an ID-porten login).
    Side effects: the user (with no usable password until activation) and membership; audit
    events; the activation e-mail (R-LEAD-01, see add_membership). Once per form
    (`submission`, R-GEN-08): sent again, it raises AlreadySubmitted, and the person gets one
    activation e-mail.
    """
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from accounts.validators import normalise_national_id
    from common.errors import ReadOnlyError

    claim = claim_submission(submission, by=by, action="actor.registered")
    allowed = Membership.objects.filter(
        user=by, role__in=[Role.HOLDER, Role.LEADER], unit__municipality=unit.municipality_id
    )
    if not allowed.exists():
        raise ReadOnlyError(_("Du kan bare registrere aktører i din egen kommune."))
    errors = {}
    try:
        national_id = normalise_national_id(national_id or "")
    except ValidationError as error:
        errors["national_id"] = error.messages
        national_id = ""
    user_model = get_user_model()
    email = (email or "").strip().lower()
    by_email = user_model.objects.filter(email__iexact=email).first() if email else None
    by_nid = user_model.objects.filter(national_id=national_id).first() if national_id else None
    # An existing person is attached only when the e-mail and the number point to the same
    # person (or the number is not registered on anyone); the refusal never says which of the
    # two was wrong, so the form cannot be used to look up who owns a national ID number.
    known = by_email is not None or by_nid is not None
    same_person = (
        by_email is not None
        and (by_nid == by_email or (by_nid is None and not by_email.national_id))
        and _same_name(by_email, first_name, last_name)
    )
    if known and not same_person and "national_id" not in errors:
        record(actor=by, action="user.register_refused", data={"unit": unit.pk})
        errors["email"] = [
            _(
                "Navnet, e-postadressen og fødselsnummeret passer ikke med samme person. "
                "Sjekk opplysningene, eller kontakt kommuneadministratoren."
            )
        ]
    person = by_email if same_person else None
    if person is None:
        person = user_model(
            email=email,
            first_name=(first_name or "").strip(),
            last_name=(last_name or "").strip(),
            phone=(phone or "").strip(),
            national_id=national_id or None,
        )
        person.set_unusable_password()
        try:
            person.full_clean(exclude=["password"] if not errors else ["password", "national_id"])
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, messages)
    if errors:
        raise ValidationError(errors)
    created = person.pk is None
    if created:
        person.save()
        record(actor=by, action="user.registered", obj=person, data={"unit": unit.pk})
    add_membership(user=person, unit=unit, role=Role.ACTOR, by=by)
    claim.done(person)
    return person


@transaction.atomic
def save_setup(obj, *, by, created: bool):
    """Save a unit, category or membership changed in the administration (R-ROLE-02).

    Side effect: an audit event naming what changed (never personal data).
    """
    obj.save()
    record(
        actor=by, action=f"{obj._meta.model_name}.{'created' if created else 'changed'}", obj=obj
    )
    return obj


@transaction.atomic
def delete_setup(obj, *, by) -> None:
    """Delete a unit, category or membership in the administration; audited first."""
    record(actor=by, action=f"{obj._meta.model_name}.deleted", obj=obj)
    obj.delete()
