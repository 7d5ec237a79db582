"""A leader's changes to the staff of their units (R-LEAD-01, R-ROLE-03).

Each service checks the leader's reach itself (organisations.queries.units_led_by: the
units they lead with those below, or every unit of a municipality they administer) and
reuses organisations' and accounts' services for the change, so a person added here is
added, activated, changed and switched off exactly as in the administration.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import send_activation_email
from audit.services import record
from common.submissions import claim_submission
from logs.enums import LogStatus
from logs.models import Log
from logs.services import hand_over_logs
from organisations.enums import Role
from organisations.models import Membership, Unit
from organisations.queries import people_only_in, units_led_by
from organisations.services import add_membership, create_person, update_person
from staff.queries import staff_of, standing_of
from staff.rules import (
    deactivate_refusal,
    email_change_refusal,
    reactivate_refusal,
    remove_role_refusal,
    role_refusal,
)


def _email_not_usable() -> str:
    # Said whether the address is a stranger's or unknown: the form must not tell who works
    # in another municipality (R-SEC-07).
    return _(
        "Denne e-postadressen kan ikke brukes her. Sjekk adressen, eller kontakt "
        "kommuneadministratoren."
    )


def _require_in_reach(person: User, *, by: User) -> None:
    if not staff_of(units_led_by(by)).filter(pk=person.pk).exists():
        raise PermissionDenied(_("Personen hører ikke til virksomhetene dine."))


def _unit_error(unit: Unit, *, by: User) -> str:
    if not units_led_by(by).filter(pk=unit.pk).exists():
        return _("Du er ikke leder for denne virksomheten.")
    return ""


@dataclass(frozen=True)
class Added:
    """A person made staff: a new account (who gets the activation e-mail), or a person
    already known in the municipality who got a new role."""

    person: User
    new_account: bool


@transaction.atomic
def create_staff(
    *,
    by: User,
    email: str,
    first_name: str,
    last_name: str,
    phone: str,
    unit: Unit,
    role: str,
    submission: str | None = None,
) -> Added:
    """*Ny stafettholder / aktør* (R-LEAD-01): a holder or actor in one of the leader's
    units.

    A person of the municipality with this e-mail gets the role (no second account); an
    address of anyone else (another municipality's person, an operator, a guardian's login)
    is refused in words that say nothing about them. Errors keyed by field.
    Side effects: the account (organisations.services.create_person) and the membership with
    its activation e-mail or its notice (add_membership); audit rows. Once per form
    (`submission`, R-GEN-08).
    """
    claim = claim_submission(submission, by=by, action="staff.created")
    errors: dict[str, list[str]] = {}
    if refusal := _unit_error(unit, by=by):
        errors["unit"] = [refusal]
    if refusal := role_refusal(role):
        errors["role"] = [refusal]
    email = (email or "").strip().lower()
    person = User.objects.filter(email__iexact=email).first() if email else None
    if person is not None:
        known_here = Membership.objects.filter(
            user=person, unit__municipality_id=unit.municipality_id
        ).exists()
        if not known_here or person.is_staff or person.is_superuser:
            errors["email"] = [_email_not_usable()]
        elif not person.is_active:
            errors["email"] = [
                _(
                    "Personen med denne e-postadressen er deaktivert. Kontakt "
                    "kommuneadministratoren."
                )
            ]
    else:
        candidate = User(
            email=email,
            first_name=(first_name or "").strip(),
            last_name=(last_name or "").strip(),
            phone=(phone or "").strip(),
        )
        try:
            candidate.full_clean(exclude=["password"])
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, messages)
    if errors:
        raise ValidationError(errors)
    new_account = person is None
    if person is None:
        person = create_person(
            by=by,
            email=email,
            first_name=first_name,
            last_name=last_name,
            phone=phone,
            via="leader",
        )
    add_membership(user=person, unit=unit, role=Role(role), by=by)
    claim.done(person)
    return Added(person, new_account)


@transaction.atomic
def edit_staff(
    person: User,
    *,
    by: User,
    first_name: str,
    last_name: str,
    phone: str,
    email: str | None = None,
) -> User:
    """A leader corrects a person's name, phone, and (until they have activated their
    account) e-mail (R-LEAD-01, R-SEC-07). A corrected e-mail gets a new activation link;
    the old one stops working. Not for a person who also works in another municipality:
    that is their administrator's or an operator's to change.
    Side effects: organisations.services.update_person's (audit user.changed, on a new
    e-mail the old address told and the old links closed); the new activation e-mail.
    """
    _require_in_reach(person, by=by)
    municipalities = set(units_led_by(by).values_list("municipality_id", flat=True))
    if not people_only_in(municipalities).filter(pk=person.pk).exists():
        raise ValidationError(
            _("Personen har en rolle eller et barn i en annen kommune. Be driftsansvarlig endre.")
        )
    changes = {
        "first_name": (first_name or "").strip(),
        "last_name": (last_name or "").strip(),
        "phone": (phone or "").strip(),
    }
    email = (email or "").strip().lower() if email is not None else person.email
    new_email = email != person.email
    if new_email:
        if refusal := email_change_refusal(person):
            raise ValidationError({"email": [refusal]})
        if User.objects.filter(email__iexact=email).exclude(pk=person.pk).exists():
            raise ValidationError({"email": [_email_not_usable()]})
        changes["email"] = email
    person = update_person(person, by=by, changes=changes)
    if new_email and person.is_active:
        send_activation_email(person, by=by)
    return person


@transaction.atomic
def add_staff_role(person: User, *, by: User, unit: Unit, role: str) -> Membership:
    """A leader gives a person of their units a holder or actor role in one of their units.
    Side effects: see organisations.services.add_membership (audit; the person is told)."""
    _require_in_reach(person, by=by)
    errors: dict[str, list[str]] = {}
    if refusal := _unit_error(unit, by=by):
        errors["unit"] = [refusal]
    if refusal := role_refusal(role):
        errors["role"] = [refusal]
    if not person.is_active:
        errors["__all__"] = [_("Personen er deaktivert.")]
    if errors:
        raise ValidationError(errors)
    return add_membership(user=person, unit=unit, role=Role(role), by=by)


def active_logs_in(person: User, unit_id: int) -> int:
    return Log.objects.filter(holder=person, unit_id=unit_id, status=LogStatus.ACTIVE).count()


@transaction.atomic
def remove_staff_role(membership: Membership, *, by: User) -> None:
    """A leader takes a holder or actor role in one of their units away (R-LEAD-01). Not a
    leader's role, not the person's only one (deactivate instead), and not the holder role
    while they hold active logs in the unit (hand them over first).
    Side effect: audit membership.deleted; the person's history stays."""
    person = membership.user
    _require_in_reach(person, by=by)
    if refusal := _unit_error(membership.unit, by=by):
        raise PermissionDenied(refusal)
    refusal = remove_role_refusal(
        membership.role,
        logs_in_unit=active_logs_in(person, membership.unit_id),
        last_role=not Membership.objects.filter(user=person).exclude(pk=membership.pk).exists(),
    )
    if refusal:
        raise ValidationError(refusal)
    record(
        actor=by,
        action="membership.deleted",
        obj=membership,
        data={"user": person.pk, "unit": membership.unit_id, "role": membership.role},
    )
    membership.delete()


def _hand_over(person: User, *, by: User, hand_to: dict[int, User | None]) -> int:
    """Every active log the person holds in the leader's units to the holder chosen for its
    unit; errors keyed `holder_<unit id>`."""
    reach = units_led_by(by)
    standing = standing_of(person, reach)
    reason = _("Gitt videre av leder da stafettholderen sluttet.")
    errors: dict[str, list[str]] = {}
    moved = 0
    units = {unit.pk: unit for unit in reach.filter(pk__in=list(standing.logs_by_unit))}
    for unit_id in standing.logs_by_unit:
        to_holder = hand_to.get(unit_id)
        if to_holder is None:
            errors[f"holder_{unit_id}"] = [_("Velg hvem som skal få loggene.")]
            continue
        try:
            moved += hand_over_logs(
                person, to_holder=to_holder, unit=units[unit_id], by=by, reason=reason
            )
        except ValidationError as error:
            errors[f"holder_{unit_id}"] = error.messages
    if errors:
        raise ValidationError(errors)
    return moved


@transaction.atomic
def hand_over_staff_logs(person: User, *, by: User, hand_to: dict[int, User | None]) -> int:
    """A leader gives every active log a holder of their units holds there to another
    holder of the same unit (R-LEAD-01). Side effects: logs.services.hand_over_logs'."""
    _require_in_reach(person, by=by)
    return _hand_over(person, by=by, hand_to=hand_to)


@transaction.atomic
def deactivate_staff(person: User, *, by: User, hand_to: dict[int, User | None]) -> int:
    """A leader switches a person of their units off (R-LEAD-01): they cannot sign in, their
    sessions end at once, their history stays. The active logs they hold in the leader's
    units go, in the same step, to the holder chosen for each unit (a hand-over in the
    leader's name). Refused for oneself, and for a person who also works or is a guardian
    outside the leader's units. Returns how many logs were handed over.
    Side effects: the hand-overs (logs.services.hand_over_logs); organisations.services.
    update_person's (audit user.changed and user.deactivated, open activation links closed,
    the sessions ended).
    """
    _require_in_reach(person, by=by)
    person = User.objects.select_for_update().get(pk=person.pk)  # as stored, not as passed
    standing = standing_of(person, units_led_by(by))
    refusal = deactivate_refusal(
        by,
        person,
        roles_elsewhere=standing.roles_elsewhere,
        guardian=standing.guardian,
        logs_elsewhere=standing.logs_elsewhere,
    )
    if refusal:
        raise ValidationError(refusal)
    moved = _hand_over(person, by=by, hand_to=hand_to)
    update_person(person, by=by, changes={"is_active": False})
    return moved


@transaction.atomic
def reactivate_staff(person: User, *, by: User) -> None:
    """A leader switches a deactivated person of their units on again (R-LEAD-01), e.g.
    after a mistake. Refused for a person who also works or is a guardian outside the
    leader's units. Side effects: organisations.services.update_person's (audit
    user.reactivated, the person told); a person who never chose a password gets a new
    activation e-mail, since deactivating closed the old link.
    """
    _require_in_reach(person, by=by)
    person = User.objects.select_for_update().get(pk=person.pk)  # as stored, not as passed
    standing = standing_of(person, units_led_by(by))
    refusal = reactivate_refusal(
        person, roles_elsewhere=standing.roles_elsewhere, guardian=standing.guardian
    )
    if refusal:
        raise ValidationError(refusal)
    person = update_person(person, by=by, changes={"is_active": True})
    if not person.has_usable_password():
        send_activation_email(person, by=by)


def record_users_download(*, by: User, people: int) -> None:
    """A list of people taken out of the service (names, roles, last logins) is personal
    data leaving it: the trail says who took it, and how many were in it (R-SEC-01)."""
    record(actor=by, action="staff.users_downloaded", data={"people": people})
