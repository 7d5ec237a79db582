from django.db import models
from django.utils.translation import pgettext_lazy


class HandoverStatus(models.TextChoices):
    """Where a passive log's archive package is (R-ARCH-01). A failed hand-over is tried
    again with backoff, never given up: only a handed-over log may be deleted (R-SEC-06)."""

    PENDING = "pending", pgettext_lazy("archive status", "Venter")
    FAILED = "failed", pgettext_lazy("archive status", "Feilet, prøves igjen")
    HANDED_OVER = "handed_over", pgettext_lazy("archive status", "Avlevert")
