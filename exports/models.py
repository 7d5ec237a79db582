import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exports.enums import ExportStatus
from logs.models import Log

# A PDF is kept this long after it is made, then the worker deletes it (R-EXP-01).
KEEP_FOR = timedelta(hours=24)
# A PDF takes seconds; one still "being made" after this lost its worker (killed mid-PDF)
# and may be asked for again.
STUCK_AFTER = timedelta(minutes=5)


def _export_path(instance: "Export", filename: str) -> str:
    # A random name: nothing about the child in the path.
    return f"exports/{uuid.uuid4().hex}.pdf"


class Export(models.Model):
    """One request for a log as PDF, by one person in one role (R-EXP-01): the parts they
    chose, where the worker is with it, and the file while it is kept (KEEP_FOR)."""

    log = models.ForeignKey(
        Log, verbose_name=_("logg"), on_delete=models.CASCADE, related_name="exports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bestilt av"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    role = models.CharField(_("rolle"), max_length=20)
    parts = models.JSONField(_("deler"), default=list)
    status = models.CharField(
        _("status"), max_length=20, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    file = models.FileField(_("fil"), upload_to=_export_path, max_length=200, blank=True)
    size = models.PositiveIntegerField(_("størrelse"), default=0)
    pages = models.PositiveIntegerField(_("sider"), default=0)
    attempts = models.PositiveSmallIntegerField(_("forsøk"), default=0)
    created_at = models.DateTimeField(_("bestilt"), default=timezone.now)
    started_at = models.DateTimeField(_("startet"), null=True, blank=True)
    finished_at = models.DateTimeField(_("ferdig"), null=True, blank=True)
    expires_at = models.DateTimeField(_("slettes"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("eksport")
        verbose_name_plural = _("eksporter")
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"export {self.pk}"

    def is_stuck(self, now: datetime | None = None) -> bool:
        """Being made for longer than any PDF takes: its worker was lost."""
        now = now or timezone.now()
        started = self.started_at or self.created_at
        return self.status in (ExportStatus.PENDING, ExportStatus.RUNNING) and (
            now - started > STUCK_AFTER
        )

    @property
    def in_progress(self) -> bool:
        return self.status in (ExportStatus.PENDING, ExportStatus.RUNNING) and not self.is_stuck()

    @property
    def can_retry(self) -> bool:
        return self.status == ExportStatus.FAILED or self.is_stuck()
