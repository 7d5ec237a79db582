from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.enums import OPTIONAL_KINDS, EmailStatus, Kind, ReminderKind


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
    # When a worker took the e-mail to send it (notifications.tasks.deliver): while this
    # is recent, no other worker sends it; older than tasks.STALE_AFTER, the worker is lost.
    claimed_at = models.DateTimeField(_("sending påbegynt"), null=True, blank=True)

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


class NotificationPreferences(models.Model):
    """Which of the non-essential e-mails a person wants (R-NOTIFY-01).

    One boolean per kind in notifications.enums.OPTIONAL_KINDS, named after the kind. No
    row means everything is on.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bruker"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    glimpse = models.BooleanField(_("Nytt lysglimt i en logg jeg følger"), default=True)
    measure_actor = models.BooleanField(_("Nytt tiltak der jeg er aktør"), default=True)
    deadline = models.BooleanField(_("Frist for tiltak nærmer seg eller er passert"), default=True)
    consent_expiry = models.BooleanField(_("Samtykke som snart går ut"), default=True)

    class Meta:
        verbose_name = _("varslingsvalg")
        verbose_name_plural = _("varslingsvalg")

    def __str__(self) -> str:
        return str(self.user)

    def wants(self, kind: str) -> bool:
        if kind not in OPTIONAL_KINDS:
            return True
        return bool(getattr(self, str(kind), True))


class SentReminder(models.Model):
    """A time-driven reminder that has been sent, so that `send_reminders` never sends the
    same one twice: one row per (kind, object, due date). A new deadline is a new reminder."""

    kind = models.CharField(_("type"), max_length=20, choices=ReminderKind.choices)
    object_id = models.PositiveBigIntegerField()
    due_date = models.DateField(_("dato"))
    email = models.ForeignKey(
        OutgoingEmail, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(_("sendt"), default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("sendt påminnelse")
        verbose_name_plural = _("sendte påminnelser")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "due_date"], name="sent_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.object_id} {self.due_date}"
