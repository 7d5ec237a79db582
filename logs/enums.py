from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Level(models.IntegerChoices):
    """BTI level (R-LOG-03): outside actors only at level 2 or 3."""

    ONE = 1, _("Nivå 1 – håndteres i egen tjeneste")
    TWO = 2, _("Nivå 2 – trenger hjelp fra andre")
    THREE = 3, _("Nivå 3 – trenger andre eller håndteres i annen tjeneste")


class LogKind(models.TextChoices):
    CHILD = "child", _("Barn eller ungdom")
    PREGNANCY = "pregnancy", _("Gravid")


class LogStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("log status", "Aktiv")
    TRANSFER_PENDING = "transfer_pending", _("Overføring venter")
    PASSIVE = "passive", pgettext_lazy("log status", "Passiv")


# A log someone still works on: active, or active while its transfer waits.
OPEN_LOG_STATUSES = (LogStatus.ACTIVE, LogStatus.TRANSFER_PENDING)


class ConcernStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("concern status", "Åpen")
    CLOSED = "closed", pgettext_lazy("concern status", "Avsluttet")


class MeasureStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("measure status", "Pågår")
    EVALUATED = "evaluated", pgettext_lazy("measure status", "Evaluert")


class Outcome(models.TextChoices):
    """How a measure went (R-MEAS-03, R-MEAS-04)."""

    DESIRED_EFFECT = "desired_effect", _("Ønsket effekt")
    SOME_EFFECT = "some_effect", _("Noe effekt")
    NO_EFFECT = "no_effect", _("Ingen effekt")
    REGISTERED_IN_ERROR = "registered_in_error", _("Registrert ved en feil")
    DEADLINE_PASSED = "deadline_passed", _("Fristen er passert")


# Outcomes a person chooses when evaluating; «deadline passed» has its own action.
EVALUATION_OUTCOMES = [(o.value, o.label) for o in Outcome if o is not Outcome.DEADLINE_PASSED]


class ConsentGiver(models.TextChoices):
    GUARDIANS = "guardians", _("Foresatte")
    YOUNG_PERSON = "young_person", _("Den unge selv")


class TransferStatus(models.TextChoices):
    """A hand-over of a log (R-TRAN-01…05): pending until the recipient decides."""

    PENDING = "pending", pgettext_lazy("transfer status", "Venter")
    ACCEPTED = "accepted", pgettext_lazy("transfer status", "Godtatt")
    FORWARDED = "forwarded", pgettext_lazy("transfer status", "Sendt videre")
    WITHDRAWN = "withdrawn", pgettext_lazy("transfer status", "Trukket tilbake")
