from django.db import models
from django.utils.translation import gettext_lazy as _


class Part(models.TextChoices):
    """The parts of a log one can choose to export (R-EXP-01), in the order they are printed.

    The values are stable: the archive app asks for parts by them, and a stored export keeps
    the ones that were chosen."""

    CHILD = "child", _("Barnet og foresatte")
    CONCERNS = "concerns", _("Oppmerksomheter og tiltak med evalueringer")
    MEETINGS = "meetings", _("Tverrfaglige møter med referat")
    GLIMPSES = "glimpses", _("Lysglimt")
    HISTORY = "history", _("Historikk")
    OPENINGS = "openings", _("Hvem har åpnet loggen")


# Everything: what the archive's complete view asks for.
ALL_PARTS: tuple[str, ...] = tuple(Part.values)


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Rapporten lages")
    RUNNING = "running", _("Rapporten lages")
    READY = "ready", _("Klar")
    FAILED = "failed", _("Feilet")
    EXPIRED = "expired", _("Slettet")
