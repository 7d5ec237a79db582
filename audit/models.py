"""The audit trail: one append-only table of who did what, when, from where (R-SEC-01)."""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events are append-only.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Audit events are append-only.")

    _raw_delete = delete  # type: ignore[assignment]  # refused like delete, whatever its arguments


class AuditEvent(models.Model):
    at = models.DateTimeField(_("tidspunkt"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utført av"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(_("rolle"), max_length=20, blank=True)
    action = models.CharField(_("handling"), max_length=60, db_index=True)
    object_type = models.CharField(_("objekttype"), max_length=60, blank=True)
    object_id = models.CharField(_("objekt-id"), max_length=40, blank=True)
    # The log the event concerns, kept as a plain number so the trail outlives the log.
    log_id = models.BigIntegerField(_("logg"), null=True, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP-adresse"), null=True, blank=True)
    data = models.JSONField(_("detaljer"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("revisjonshendelse")
        verbose_name_plural = _("revisjonshendelser")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events are append-only.")
