"""What a leader may do with the staff of their units (R-LEAD-01, R-ROLE-03, R-SEC-07).

Each refusal is a `…_refusal` that returns the words shown to the leader, or "" when the
action is allowed. The services call them; the pages ask them to show or hide a button.
"""

from django.utils.translation import gettext as _

from accounts.models import User
from organisations.enums import Role

# The roles a leader gives and takes: leaders themselves are set up by the municipality
# administrator (R-ROLE-02), so a leader cannot make another leader, or unmake one.
MANAGED_ROLES = (Role.HOLDER, Role.ACTOR)


def role_refusal(role: str) -> str:
    if role not in {r.value for r in MANAGED_ROLES}:
        return _("Du kan bare gi rollene stafettholder og aktør.")
    return ""


def email_change_refusal(person: User) -> str:
    """The login e-mail is the person's own once they have chosen a password (R-SEC-07); a
    leader may correct it only while the activation e-mail is still what it is for."""
    if person.has_usable_password():
        return _(
            "Personen har tatt i bruk kontoen sin, og endrer selv e-postadressen under "
            "Innstillinger."
        )
    return ""


def deactivate_refusal(
    by: User, person: User, *, roles_elsewhere: bool, guardian: bool, logs_elsewhere: int
) -> str:
    if person.pk == by.pk:
        return _("Du kan ikke deaktivere deg selv.")
    if not person.is_active:
        return _("Personen er allerede deaktivert.")
    if roles_elsewhere or guardian or logs_elsewhere:
        # A deactivated account is locked everywhere: work elsewhere, or a child of their
        # own, is not this leader's to end.
        return _(
            "Personen har også roller eller barn utenfor virksomhetene dine. Fjern rollene "
            "deres hos deg i stedet, eller be kommuneadministratoren deaktivere personen."
        )
    return ""


def reactivate_refusal(person: User, *, roles_elsewhere: bool, guardian: bool) -> str:
    if person.is_active:
        return _("Personen er aktiv.")
    if roles_elsewhere or guardian:
        return _(
            "Personen har også roller eller barn utenfor virksomhetene dine. Be "
            "kommuneadministratoren aktivere personen igjen."
        )
    return ""


def remove_role_refusal(role: str, *, logs_in_unit: int, last_role: bool) -> str:
    refusal = role_refusal(role)
    if refusal:
        return refusal
    if role == Role.HOLDER and logs_in_unit:
        return _(
            "Personen er stafettholder for aktive logger i virksomheten. Gi loggene til en "
            "annen stafettholder først."
        )
    if last_role:
        return _("Dette er personens eneste rolle. Deaktiver personen i stedet.")
    return ""
