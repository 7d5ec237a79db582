"""Interdisciplinary meetings (tverrfaglige møter) of a log and who is invited (R-MEET-01…05)."""

import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from logs.enums import Level
from logs.models import Concern, Guardian, Log
from meetings.enums import InviteeRole, MeetingStatus

USER = settings.AUTH_USER_MODEL
# Every stored meeting lies between these. Far outside any plausible meeting
# (meetings.rules.MEETING_START), far inside what Python, the database, time zones and
# calendars can convert: a time near year 1 or 9999 overflows when shown in local time
# (R-GEN-04). The database refuses one, whatever tries to store it.
STORABLE_FROM = datetime(1900, 1, 1, tzinfo=UTC)
STORABLE_UNTIL = datetime(2200, 1, 1, tzinfo=UTC)


def new_uid() -> str:
    """The iCalendar UID: stable for the life of the meeting, so an update or a cancellation
    replaces the event in the invitee's calendar instead of adding a new one (R-MEET-05)."""
    return f"{uuid.uuid4()}@stafettlogg"


class Meeting(models.Model):
    log = models.ForeignKey(
        Log, verbose_name=_("logg"), on_delete=models.CASCADE, related_name="meetings"
    )
    concerns = models.ManyToManyField(
        Concern, verbose_name=_("oppmerksomheter"), blank=True, related_name="meetings"
    )
    level = models.PositiveSmallIntegerField(_("nivå"), choices=Level.choices)
    place = models.CharField(_("sted"), max_length=200)
    starts_at = models.DateTimeField(_("starter"))
    ends_at = models.DateTimeField(_("slutter"))
    agenda = models.TextField(_("agenda"), blank=True)
    # In BTI practice the log is the meeting's minutes: what was agreed is written here.
    minutes = models.TextField(_("referat"), blank=True)
    child_invited = models.BooleanField(_("barnet deltar"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    uid = models.CharField(max_length=100, unique=True, default=new_uid, editable=False)
    # iCalendar SEQUENCE: raised on every change and on cancellation (RFC 5546).
    sequence = models.PositiveIntegerField(default=0)
    # Optimistic locking (R-SEC-05).
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        USER, verbose_name=_("opprettet av"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("opprettet"), default=timezone.now)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("tverrfaglig møte")
        verbose_name_plural = _("tverrfaglige møter")
        indexes = [models.Index(fields=["status", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(starts_at__gte=STORABLE_FROM, ends_at__lt=STORABLE_UNTIL),
                name="meeting_times_storable",
            ),
        ]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.starts_at):%d.%m.%Y %H:%M}"

    @property
    def child_name(self) -> str:
        """The child's name, as the lists of meetings show it (fetch `log__child` along)."""
        return self.log.child.full_name

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED


class Invitation(models.Model):
    """One invitee: the holder, an actor (a user) or a guardian (a guardian record, with or
    without a login). Name and e-mail are copied, so the invitation stays readable."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("møte"), on_delete=models.CASCADE, related_name="invitations"
    )
    user = models.ForeignKey(
        USER,
        verbose_name=_("bruker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting_invitations",
    )
    guardian = models.ForeignKey(
        Guardian,
        verbose_name=_("foresatt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting_invitations",
    )
    email = models.EmailField(_("e-post"), blank=True)
    name = models.CharField(_("navn"), max_length=200)
    role = models.CharField(_("rolle"), max_length=20, choices=InviteeRole.choices)
    created_at = models.DateTimeField(_("invitert"), default=timezone.now)

    class Meta:
        ordering = ["role", "name", "id"]
        verbose_name = _("invitasjon")
        verbose_name_plural = _("invitasjoner")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user", "role"],
                condition=models.Q(user__isnull=False),
                name="invitation_unique_user",
            ),
            models.UniqueConstraint(
                fields=["meeting", "guardian"],
                condition=models.Q(guardian__isnull=False),
                name="invitation_unique_guardian",
            ),
        ]

    def __str__(self) -> str:
        return self.name
