from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("meeting status", "Planlagt")
    CANCELLED = "cancelled", pgettext_lazy("meeting status", "Avlyst")


class InviteeRole(models.TextChoices):
    """Who an invitee is to the log. The child takes part without an invitation of its own
    (Meeting.child_invited): a child's e-mail is not a channel for case matters."""

    HOLDER = "holder", _("Stafettholder")
    ACTOR = "actor", _("Aktør")
    GUARDIAN = "guardian", _("Foresatt")
