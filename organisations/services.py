"""State changes of the organisation: municipalities, units, memberships, categories."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import (
    end_sessions,
    has_open_activation,
    revoke_activations,
    send_activation_email,
    tell_about_login_change,
    tell_about_new_role,
)
from accounts.validators import normalise_national_id
from audit.services import record
from common.errors import ReadOnlyError
from common.submissions import claim_submission
from organisations.enums import Role
from organisations.models import (
    ConcernCategory,
    MeasureCategory,
    Membership,
    Municipality,
    Unit,
)
from organisations.queries import ACTIVE_ROLE_SESSION_KEY, people_in, people_only_in, roles_of

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
# The default lists' names in nynorsk and English (R-GEN-01), by their bokmål name.
CATEGORY_TRANSLATIONS = {
    "Språk og kommunikasjon": ("Språk og kommunikasjon", "Language and communication"),
    "Sosial fungering og vennskap": (
        "Sosial fungering og venskap",
        "Social functioning and friendship",
    ),
    "Atferd": ("Åtferd", "Behaviour"),
    "Psykisk helse og trivsel": ("Psykisk helse og trivsel", "Mental health and well-being"),
    "Fysisk helse og motorikk": ("Fysisk helse og motorikk", "Physical health and motor skills"),
    "Læring og mestring": ("Læring og meistring", "Learning and coping"),
    "Fravær": ("Fråvær", "Absence"),
    "Hjem og familie": ("Heim og familie", "Home and family"),
    "Rus": ("Rus", "Substance use"),
    "Annet": ("Anna", "Other"),
    "Tilpasset opplæring": ("Tilpassa opplæring", "Adapted education"),
    "Samtale med barnet": ("Samtale med barnet", "Conversation with the child"),
    "Foreldresamarbeid": ("Foreldresamarbeid", "Cooperation with parents"),
    "Veiledning": ("Rettleiing", "Guidance"),
    "Kartlegging": ("Kartlegging", "Assessment"),
    "Henvisning": ("Tilvising", "Referral"),
    "Helsetjeneste": ("Helseteneste", "Health service"),
    "Sosial trening": ("Sosial trening", "Social skills training"),
}
_ADMIN_MODELS = ["unit", "membership", "concerncategory", "measurecategory"]

# What the administration sets up, and saves through save_setup / delete_setup.
SetupObject = Unit | Membership | ConcernCategory | MeasureCategory


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


def _names(name: str) -> dict[str, str]:
    """A default category's name in bokmål, nynorsk and English."""
    name_nn, name_en = CATEGORY_TRANSLATIONS[name]
    return {"name": name, "name_nn": name_nn, "name_en": name_en}


@transaction.atomic
def create_municipality(
    *, name: str, org_number: str, admin_email: str, admin_first_name: str, admin_last_name: str
) -> tuple[Municipality, User]:
    """Create a municipality with its default category lists (named in nb, nn and en) and
    its first administrator.

    Side effects: the administrator user (without a usable password) is created or reused,
    put in the administrator group, and an audit event is written.
    """
    municipality = Municipality(name=name, org_number=org_number)
    municipality.full_clean()
    municipality.save()
    _seed_categories(municipality)
    admin = User.objects.filter(email__iexact=admin_email).first()
    if admin is None:
        admin = User.objects.create_user(
            admin_email, first_name=admin_first_name, last_name=admin_last_name
        )
    _open_administration(admin, ensure_admin_group())
    municipality.administrators.add(admin)
    record(action="municipality.created", obj=municipality, data={"admin": admin.pk})
    return municipality, admin


def _seed_categories(municipality: Municipality) -> None:
    ConcernCategory.objects.bulk_create(
        ConcernCategory(municipality=municipality, position=position, **_names(name))
        for position, name in enumerate(DEFAULT_CONCERN_CATEGORIES)
    )
    MeasureCategory.objects.bulk_create(
        MeasureCategory(municipality=municipality, position=position, **_names(name))
        for position, name in enumerate(DEFAULT_MEASURE_CATEGORIES)
    )


def _open_administration(person: User, group: Group) -> None:
    """What a municipality administrator needs to work in the admin (R-ROLE-02)."""
    if not person.is_staff:
        person.is_staff = True
        person.save(update_fields=["is_staff"])
    person.groups.add(group)


def _require_operator(by: User | None) -> None:
    if administered_municipalities(by) is not None:
        raise PermissionDenied(_("Bare driften kan endre en kommune."))


@transaction.atomic
def save_municipality(municipality: Municipality, *, by: User | None, changed: list[str]) -> None:
    """An operator adds or changes a municipality in the admin (R-ROLE-02); administrators
    only view theirs. A new one gets the default category lists, as create_municipality
    gives them. Side effect: an audit event naming the fields changed (the retention period
    among them decides when passive logs are deleted, R-SEC-06)."""
    _require_operator(by)
    created = municipality.pk is None
    municipality.save()
    if created:
        _seed_categories(municipality)
    elif not changed:
        return  # saved as it was: nothing to tell
    action = "municipality.created" if created else "municipality.changed"
    record(actor=by, action=action, obj=municipality, data={"fields": sorted(changed)})


@transaction.atomic
def delete_municipality(municipality: Municipality, *, by: User | None) -> None:
    """An operator deletes a municipality set up by mistake (its units, memberships and
    logs would hold it, PROTECT); audited first."""
    _require_operator(by)
    record(actor=by, action="municipality.deleted", obj=municipality)
    municipality.delete()


@transaction.atomic
def set_administrators(
    municipality: Municipality, people: Iterable[User], *, by: User | None
) -> None:
    """An operator names a municipality's administrators (R-ROLE-02). Each one added gets
    what the admin needs (staff, the administrators' group). One who no longer administers
    any municipality leaves the group, and loses staff only if the administration was all
    it was for: not an operator, nor someone given other rights in the admin. Refused to
    anyone but an operator. Side effect: an audit event with the people added and removed,
    by id."""
    _require_operator(by)
    chosen = {person.pk: person for person in people}
    before = set(municipality.administrators.values_list("pk", flat=True))
    added, removed = sorted(set(chosen) - before), sorted(before - set(chosen))
    if not added and not removed:
        return
    municipality.administrators.set(list(chosen.values()))
    group = ensure_admin_group()
    for pk in added:
        _open_administration(chosen[pk], group)
    for person in User.objects.filter(
        pk__in=removed, is_superuser=False, administered_municipalities=None
    ):
        person.groups.remove(group)
        if not person.groups.exists() and not person.user_permissions.exists():
            person.is_staff = False
            person.save(update_fields=["is_staff"])
    record(
        actor=by,
        action="municipality.administrators_changed",
        obj=municipality,
        data={"added": added, "removed": removed},
    )


@transaction.atomic
def add_membership(*, user: User, unit: Unit, role: Role, by: User | None = None) -> Membership:
    """Give a person a role in a unit (idempotent). Side effects: an audit event; a person
    who cannot log in yet gets an activation e-mail, unless one is still open (R-LEAD-01);
    one who can is told of the new role by e-mail (R-SEC-07)."""
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
        elif user.is_active and user.has_usable_password() and by is not None and by != user:
            tell_about_new_role(user, role_label=Role(role).label, unit_name=unit.name)
    return membership


def switch_role(request: HttpRequest, role: str) -> bool:
    """Make `role` the active one for this session if the person holds it (R-ROLE-01)."""
    if role not in {r.value for r in roles_of(request.user)}:
        return False
    request.session[ACTIVE_ROLE_SESSION_KEY] = role
    record(actor=request.user, action="auth.role_switched", request=request, role=role)
    return True


def _same_name(person: User, first_name: str, last_name: str) -> bool:
    def norm(value: str) -> str:
        return " ".join((value or "").split()).casefold()

    return (norm(person.first_name), norm(person.last_name)) == (
        norm(first_name),
        norm(last_name),
    )


class _RegisterRefused(ValidationError):
    """The form's details point at different people: refused, and audited (below)."""


def register_actor(
    *,
    by: User,
    unit: Unit,
    first_name: str,
    last_name: str,
    email: str,
    phone: str,
    national_id: str,
    submission: str | None = None,
) -> User:
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
    try:
        return _register_actor(
            by=by,
            unit=unit,
            first_name=first_name,
            last_name=last_name,
            email=email,
            phone=phone,
            national_id=national_id,
            submission=submission,
        )
    except _RegisterRefused as refusal:
        # Written after the registration's transaction rolled back, or it would vanish with
        # it: the trail keeps who tried to attach whom (R-SEC-01).
        record(actor=by, action="user.register_refused", data={"unit": unit.pk})
        raise ValidationError(refusal.message_dict) from None


@transaction.atomic
def _register_actor(
    *,
    by: User,
    unit: Unit,
    first_name: str,
    last_name: str,
    email: str,
    phone: str,
    national_id: str,
    submission: str | None,
) -> User:
    claim = claim_submission(submission, by=by, action="actor.registered")
    allowed = Membership.objects.filter(
        user=by, role__in=[Role.HOLDER, Role.LEADER], unit__municipality=unit.municipality_id
    )
    if not allowed.exists():
        raise ReadOnlyError(_("Du kan bare registrere aktører i din egen kommune."))
    errors: dict[str, list[str]] = {}
    try:
        national_id = normalise_national_id(national_id or "")
    except ValidationError as error:
        errors["national_id"] = error.messages
        national_id = ""
    email = (email or "").strip().lower()
    by_email = User.objects.filter(email__iexact=email).first() if email else None
    by_nid = User.objects.filter(national_id=national_id).first() if national_id else None
    # An existing person is attached only when the e-mail and the number point to the same
    # person (or the number is not registered on anyone); the refusal never says which of the
    # two was wrong, so the form cannot be used to look up who owns a national ID number.
    known = by_email is not None or by_nid is not None
    same_person = (
        by_email is not None
        and (by_nid == by_email or (by_nid is None and not by_email.national_id))
        and _same_name(by_email, first_name, last_name)
    )
    refused = known and not same_person and "national_id" not in errors
    if refused:
        errors["email"] = [
            _(
                "Navnet, e-postadressen og fødselsnummeret passer ikke med samme person. "
                "Sjekk opplysningene, eller kontakt kommuneadministratoren."
            )
        ]
    person = by_email if same_person else None
    if person is None:
        person = User(
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
        raise _RegisterRefused(errors) if refused else ValidationError(errors)
    created = person.pk is None
    if created:
        person.save()
        record(actor=by, action="user.registered", obj=person, data={"unit": unit.pk})
    add_membership(user=person, unit=unit, role=Role.ACTOR, by=by)
    claim.done(person)
    return person


# --- the administration (R-ROLE-02, R-SEC-07) ------------------------------------------------


def administered_municipalities(by: User | None) -> set[int] | None:
    """The municipalities `by` may set up; None for an operator or the system (no limit)."""
    if by is None or by.is_superuser:
        return None
    return set(by.administered_municipalities.values_list("pk", flat=True))


def _municipalities_of(obj: SetupObject) -> set[int]:
    if isinstance(obj, Membership):
        return {obj.unit.municipality_id}
    if isinstance(obj, Unit) and obj.parent is not None:
        return {obj.municipality_id, obj.parent.municipality_id}
    return {obj.municipality_id}


def _check_reach(obj: SetupObject, *, by: User | None) -> None:
    """Every id in a change by a municipality administrator belongs to their municipality:
    the object as posted and as stored, and a membership's person (R-SEC-07). The admin's
    forms already offer nothing else; this is the rule itself, for any other way in."""
    allowed = administered_municipalities(by)
    if allowed is None:
        return
    versions = [obj]
    if obj.pk is not None:
        versions.append(type(obj).objects.get(pk=obj.pk))
    touched = set().union(*(_municipalities_of(version) for version in versions))
    people = {v.user_id for v in versions if isinstance(v, Membership)}
    if not touched <= allowed or people - set(
        people_in(allowed).filter(pk__in=people).values_list("pk", flat=True)
    ):
        raise PermissionDenied(_("Dette hører ikke til kommunen du administrerer."))


@transaction.atomic
def save_setup(obj: SetupObject, *, by: User | None, created: bool) -> SetupObject:
    """Save a unit, category or membership changed in the administration (R-ROLE-02).

    Refused (PermissionDenied) when anything in it belongs to a municipality `by` does not
    administer. Side effect: an audit event naming what changed (never personal data).
    """
    _check_reach(obj, by=by)
    obj.save()
    record(
        actor=by, action=f"{obj._meta.model_name}.{'created' if created else 'changed'}", obj=obj
    )
    return obj


@transaction.atomic
def delete_setup(obj: SetupObject, *, by: User | None) -> None:
    """Delete a unit, category or membership in the administration; audited first."""
    _check_reach(obj, by=by)
    record(actor=by, action=f"{obj._meta.model_name}.deleted", obj=obj)
    obj.delete()


@transaction.atomic
def assign_role(*, by: User | None, user: User, unit: Unit, role: Role) -> Membership:
    """A municipality administrator gives a person of their municipality a role in one of its
    units (R-ROLE-02). Refused for anyone else's person or unit (R-SEC-07).
    Side effects: see add_membership."""
    _check_reach(Membership(user=user, unit=unit, role=role), by=by)
    return add_membership(user=user, unit=unit, role=role, by=by)


@transaction.atomic
def create_person(
    *,
    by: User | None,
    email: str,
    first_name: str,
    last_name: str,
    phone: str = "",
    via: str = "administration",
) -> User:
    """The account of a new person, with no usable password: nobody chooses it but the
    person, through the activation e-mail (R-SEC-07). The caller has checked that `by` may
    add people where the person will work (add_person: the administration; staff: a
    leader's units, R-LEAD-01) and gives the first role in the same transaction.
    Side effect: audit user.registered."""
    person = User.objects.create_user(
        email, first_name=first_name.strip(), last_name=last_name.strip(), phone=phone.strip()
    )
    record(actor=by, action="user.registered", obj=person, data={"via": via})
    return person


@transaction.atomic
def add_person(
    *,
    by: User | None,
    email: str,
    first_name: str,
    last_name: str,
    phone: str = "",
    unit: Unit | None = None,
    role: Role | None = None,
) -> User:
    """A new person, added in the administration, with their first role (R-ROLE-02).

    Nobody sets a password for them (R-SEC-07): they choose it through the activation
    e-mail. A municipality administrator must give the first role in one of their units in
    the same step: that role is what makes the person theirs to manage (`people_in`).
    Side effects: the user (no usable password); audit user.registered; the membership and
    the activation e-mail (add_membership), or for an operator's person without a role, the
    activation e-mail alone.
    """
    if unit is None and administered_municipalities(by) is not None:
        raise PermissionDenied(_("En ny person må få en rolle i en av virksomhetene dine."))
    if unit is not None:
        _check_reach(unit, by=by)
    person = create_person(
        by=by, email=email, first_name=first_name, last_name=last_name, phone=phone
    )
    if unit is not None:
        if role is None:
            raise ValueError("A person's first unit comes with a role.")
        add_membership(user=person, unit=unit, role=role, by=by)
    else:
        send_activation_email(person, by=by)
    return person


# What a municipality administrator may change about a person: nothing that leads to a login
# (e-mail, password, national ID number, operator rights), except switching it off and on.
ADMINISTRATOR_CHANGES = frozenset({"first_name", "last_name", "phone", "language", "is_active"})


@transaction.atomic
def change_person(person: User, *, by: User | None, changes: dict[str, Any]) -> User:
    """Change a person in the administration (R-ROLE-02, R-SEC-07).

    A municipality administrator changes only ADMINISTRATOR_CHANGES of a person of their
    municipality alone (`people_only_in`); anything else is refused (PermissionDenied).
    When an operator changes the login e-mail the old address is told and every open
    activation link is closed (it went to that address). Switching a person off closes their
    open activation links too, so that switching them on again does not revive one;
    switching on tells the person.
    A changed national ID number (an operator's) is told to the person as well.
    Side effects: audit user.changed (field names only), user.email_changed,
    user.national_id_changed, user.deactivated (and the person's sessions ended),
    user.reactivated; the e-mails.
    """
    allowed = administered_municipalities(by)
    if allowed is not None and not set(changes) <= ADMINISTRATOR_CHANGES:
        raise PermissionDenied(_("Du kan ikke endre innloggingen til andre."))
    if allowed is not None and not people_only_in(allowed).filter(pk=person.pk).exists():
        raise PermissionDenied(
            _("Personen har en rolle eller et barn i en annen kommune. Be driftsansvarlig endre.")
        )
    return update_person(person, by=by, changes=changes)


@transaction.atomic
def update_person(person: User, *, by: User | None, changes: dict[str, Any]) -> User:
    """Change a person's fields, with what each change brings (see change_person). The caller
    has checked that `by` may make these changes to this person: change_person for the
    administration, staff.services for a leader (R-LEAD-01).

    Deactivating ends the person's sessions at once (R-LEAD-01): the next request of any
    browser they are signed in with is signed out.
    """
    if "email" in changes:
        # Stored in lower case, as logins look it up (accounts.models.UserManager).
        changes = {**changes, "email": changes["email"].strip().lower()}
    person = User.objects.select_for_update().get(pk=person.pk)
    changed = {name: value for name, value in changes.items() if getattr(person, name) != value}
    if not changed:
        return person
    old_email, was_active = person.email, person.is_active
    for name, value in changed.items():
        setattr(person, name, value)
    person.full_clean(exclude=["password"])
    person.save(update_fields=list(changed))
    record(actor=by, action="user.changed", obj=person, data={"fields": sorted(changed)})
    if "email" in changed:
        revoke_activations(person, reason="email_changed", by=by)
        tell_about_login_change(person, change="email", to=old_email)
        record(actor=by, action="user.email_changed", obj=person)
    if "national_id" in changed:
        # It decides who an ID-porten login becomes (R-SEC-02): the person is told.
        tell_about_login_change(person, change="national_id")
        record(actor=by, action="user.national_id_changed", obj=person)
    if was_active and not person.is_active:
        revoke_activations(person, reason="deactivated", by=by)
        end_sessions(person, by=by)
        record(actor=by, action="user.deactivated", obj=person)
    elif person.is_active and not was_active:
        tell_about_login_change(person, change="reactivated")
        record(actor=by, action="user.reactivated", obj=person)
    return person
