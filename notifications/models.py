from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.enums import EmailStatus, Kind


class OutgoingEmail(models.Model):
    """The durable outbox (R-SEC-04): written in the transaction of the change that causes
    it, delivered by the worker, retried while the mail server is down.

    Bodies hold a notice and a link only, never case content or national ID numbers.
    """

    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    to = models.EmailField(_("til"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mottaker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject = models.CharField(_("emne"), max_length=200)
    body = models.TextField(_("tekst"))
    attachment_name = models.CharField(max_length=100, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment = models.TextField(blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("forsøk"), default=0)
    next_attempt_at = models.DateTimeField(_("neste forsøk"), default=timezone.now)
    last_error = models.CharField(_("siste feil"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("opprettet"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("utgående e-post")
        verbose_name_plural = _("utgående e-post")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.to}"

    @property
    def message_id(self) -> str:
        """The same Message-ID on every attempt, so a rare double delivery is one mail."""
        return f"<outbox-{self.pk}@stafettlogg>"
