from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("Venter")
    SENT = "sent", _("Sendt")
    FAILED = "failed", _("Feilet")


class Kind(models.TextChoices):
    """What an e-mail is about; the non-essential ones can be switched off (R-NOTIFY-01)."""

    ACTIVATION = "activation", _("Aktivering av konto")
    PASSWORD_RESET = "password_reset", _("Nytt passord")
    GUARDIAN_INVITATION = "guardian_invitation", _("Invitasjon til foresatt")
    MEETING = "meeting", _("Møteinvitasjon")
    TRANSFER = "transfer", _("Overføring av logg")
    GLIMPSE = "glimpse", _("Nytt lysglimt")
    MEASURE_ACTOR = "measure_actor", _("Nytt tiltak der du er aktør")
    DEADLINE = "deadline", _("Frist for tiltak")
    CONSENT_EXPIRY = "consent_expiry", _("Samtykke som går ut")
    ACCOUNT_CHANGED = "account_changed", _("Endring av innlogging")


# Kinds a user may switch off in Settings; the others are needed to do the work.
OPTIONAL_KINDS = frozenset({Kind.GLIMPSE, Kind.MEASURE_ACTOR, Kind.DEADLINE, Kind.CONSENT_EXPIRY})


class ReminderKind(models.TextChoices):
    """The time-driven reminders of `manage.py send_reminders` (R-NOTIFY-01)."""

    DEADLINE_SOON = "deadline_soon", _("Frist om 3 dager")
    DEADLINE_PASSED = "deadline_passed", _("Frist passert")
    CONSENT_EXPIRY = "consent_expiry", _("Samtykke går ut")
