from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.enums import GUARDIAN_ROLE


class Role(models.TextChoices):
    """The roles one person may hold at once (R-ROLE-01); order is the menu order."""

    LEADER = "leader", _("Virksomhetsleder")
    HOLDER = "holder", _("Stafettholder")
    ACTOR = "actor", _("Aktør")
    GUARDIAN = GUARDIAN_ROLE, _("Foresatt")


# Roles given by a Membership in a unit; the guardian role comes from being a guardian on a log.
MEMBERSHIP_ROLES = [
    (Role.LEADER.value, Role.LEADER.label),
    (Role.HOLDER.value, Role.HOLDER.label),
    (Role.ACTOR.value, Role.ACTOR.label),
]
