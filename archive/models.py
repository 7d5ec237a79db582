"""A passive log's hand-over to the municipality's archive (R-ARCH-01)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from archive.enums import HandoverStatus
from logs.models import Log


class ArchiveHandover(models.Model):
    """One per passive log: written with the log's passive state in one transaction, so a
    hand-over is never forgotten; tried by the worker until the archive has the package.

    Holds no personal data: the row outlives the log it archived (retention deletes the log
    and keeps this row, with `log_number`, as the proof that the archive has it).
    """

    log = models.OneToOneField(
        Log,
        verbose_name=_("logg"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="archive_handover",
    )
    log_number = models.PositiveBigIntegerField(_("loggnummer"), unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=HandoverStatus.choices, default=HandoverStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("forsøk"), default=0)
    next_attempt_at = models.DateTimeField(_("neste forsøk"), default=timezone.now)
    last_error = models.CharField(_("siste feil"), max_length=500, blank=True)
    # While recent, a worker is making or handing over the package: no other starts it.
    claimed_at = models.DateTimeField(_("påbegynt"), null=True, blank=True)
    created_at = models.DateTimeField(_("opprettet"), default=timezone.now)
    handed_over_at = models.DateTimeField(_("avlevert"), null=True, blank=True)
    # What the backend calls the package (a file name, an archive's reference): no names.
    reference = models.CharField(_("referanse"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("arkivavlevering")
        verbose_name_plural = _("arkivavleveringer")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.log_number}: {self.get_status_display()}"

    @property
    def is_handed_over(self) -> bool:
        return self.status == HandoverStatus.HANDED_OVER
