"""The stafettlogg: a child's log with guardians, consent, concerns, measures, glimpses."""

import uuid
from datetime import date

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.validators import mask_national_id, validate_national_id, validate_phone
from logs.enums import (
    OPEN_LOG_STATUSES,
    ConcernStatus,
    ConsentGiver,
    Level,
    LogKind,
    LogStatus,
    MeasureStatus,
    Outcome,
    TransferStatus,
)
from organisations.models import ConcernCategory, MeasureCategory, Municipality, Unit

validate_postcode = RegexValidator(r"^[0-9]{4}$", _("Postnummeret har 4 siffer."))
USER = settings.AUTH_USER_MODEL


class Child(models.Model):
    """The child (or the pregnant woman) a log is about (R-LOG-01)."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("kommune"), on_delete=models.PROTECT, related_name="+"
    )
    first_name = models.CharField(_("fornavn"), max_length=100)
    last_name = models.CharField(_("etternavn"), max_length=100)
    national_id = models.CharField(
        _("fødselsnummer"),
        max_length=11,
        blank=True,
        validators=[validate_national_id],
    )
    birth_date = models.DateField(_("fødselsdato"), null=True, blank=True)
    address = models.CharField(_("adresse"), max_length=200)
    postcode = models.CharField(_("postnummer"), max_length=4, validators=[validate_postcode])
    place = models.CharField(_("poststed"), max_length=100)
    email = models.EmailField(_("e-post"), blank=True)

    class Meta:
        verbose_name = _("barn")
        verbose_name_plural = _("barn")

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def short_name(self) -> str:
        """«Ola N.»: tells one child's pages from another's in page titles (R-GEN-06) without
        writing the whole name into every tab and history entry."""
        initial = f" {self.last_name[:1]}." if self.last_name else ""
        return f"{self.first_name}{initial}"

    @property
    def masked_national_id(self) -> str:
        return mask_national_id(self.national_id)

    def age_on(self, day: date) -> int | None:
        born = self.birth_date
        if born is None:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Log(models.Model):
    child = models.ForeignKey(
        Child, verbose_name=_("barn"), on_delete=models.PROTECT, related_name="logs"
    )
    kind = models.CharField(
        _("type logg"), max_length=20, choices=LogKind.choices, default=LogKind.CHILD
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("virksomhet"), on_delete=models.PROTECT, related_name="logs"
    )
    holder = models.ForeignKey(
        USER, verbose_name=_("stafettholder"), on_delete=models.PROTECT, related_name="held_logs"
    )
    level = models.PositiveSmallIntegerField(
        _("vurderingsnivå"), choices=Level.choices, default=Level.ONE
    )
    status = models.CharField(
        _("status"), max_length=20, choices=LogStatus.choices, default=LogStatus.ACTIVE
    )
    # Optimistic locking of the child details and level (R-SEC-05).
    version = models.PositiveIntegerField(default=1)
    # One more with every change of what the log page shows besides the log and child rows:
    # guardians, consents, concerns, measures, glimpses, meetings, transfers and history
    # (logs.page_cache). Part of the key of the page's content, rendered once and reused
    # until the next change. Never part of a form, so it makes no edit conflict.
    content_version = models.PositiveBigIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("opprettet"), default=timezone.now)
    passive_at = models.DateTimeField(_("satt passiv"), null=True, blank=True)
    # Consent is given to services: after a transfer to another unit the new holder must
    # upload a renewed consent (R-LOG-02); cleared by the next upload.
    consent_renewal_needed = models.BooleanField(_("nytt samtykke trengs"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("stafettlogg")
        verbose_name_plural = _("stafettlogger")
        indexes = [
            models.Index(fields=["holder", "status"]),
            # The 15,000 active logs among a city's 200,000 (reminders, statistics).
            models.Index(fields=["status"], name="log_status_idx"),
            # An actor's logs are found through their measures: hundreds over the years,
            # most of them passive. This small index says which are open without reading
            # the log (the key of the actor's lists, issue 9).
            models.Index(
                fields=["id"],
                condition=models.Q(status__in=OPEN_LOG_STATUSES),
                name="logs_log_open",
            ),
        ]

    def __str__(self) -> str:
        return str(self.child)

    @property
    def is_active(self) -> bool:
        return self.status == LogStatus.ACTIVE


class Guardian(models.Model):
    """A parent or legal guardian on a log (R-LOG-04); 1–4 per log."""

    log = models.ForeignKey(
        Log, verbose_name=_("logg"), on_delete=models.CASCADE, related_name="guardians"
    )
    user = models.ForeignKey(
        USER,
        verbose_name=_("bruker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="guardianships",
    )
    first_name = models.CharField(_("fornavn"), max_length=100)
    last_name = models.CharField(_("etternavn"), max_length=100)
    phone = models.CharField(_("telefon"), max_length=20, validators=[validate_phone])
    email = models.EmailField(_("e-post"), blank=True)
    address = models.CharField(_("adresse"), max_length=200)
    postcode = models.CharField(_("postnummer"), max_length=4, validators=[validate_postcode])
    place = models.CharField(_("poststed"), max_length=100)
    # Registered by the holder so that ID-porten recognises the guardian at first login
    # (R-SEC-02). Not unique: a parent of three children is three rows with one number.
    # Never shown in full, never in URLs or the audit trail (R-SEC-03).
    national_id = models.CharField(
        _("fødselsnummer"),
        max_length=11,
        blank=True,
        default="",
        db_index=True,
        validators=[validate_national_id],
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("foresatt")
        verbose_name_plural = _("foresatte")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def masked_national_id(self) -> str:
        return mask_national_id(self.national_id)


def _consent_path(instance: "Consent", filename: str) -> str:
    # A random name: nothing about the child or the upload in the path (R-LOG-02).
    return f"consents/{uuid.uuid4().hex}.pdf"


class Consent(models.Model):
    """A signed consent (PDF). The newest is the current one; older ones stay as history."""

    log = models.ForeignKey(
        Log, verbose_name=_("logg"), on_delete=models.CASCADE, related_name="consents"
    )
    file = models.FileField(_("fil"), upload_to=_consent_path, max_length=200)
    original_name = models.CharField(_("filnavn"), max_length=200)
    size = models.PositiveIntegerField(_("størrelse"))
    valid_until = models.DateField(_("gyldig til"))
    given_by = models.CharField(
        _("gitt av"), max_length=20, choices=ConsentGiver.choices, default=ConsentGiver.GUARDIANS
    )
    uploaded_by = models.ForeignKey(
        USER, verbose_name=_("lastet opp av"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("lastet opp"), default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("samtykke")
        verbose_name_plural = _("samtykker")
        # The consents running out soon, for the hourly reminder (R-LOG-02).
        indexes = [models.Index(fields=["valid_until"], name="consent_valid_until_idx")]

    def __str__(self) -> str:
        return self.original_name

    def is_valid_on(self, day: date) -> bool:
        return self.valid_until >= day


class Concern(models.Model):
    """Something to focus on (oppmerksomhet), with a category and a goal."""

    log = models.ForeignKey(
        Log, verbose_name=_("logg"), on_delete=models.CASCADE, related_name="concerns"
    )
    category = models.ForeignKey(
        ConcernCategory, verbose_name=_("kategori"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("beskrivelse"))
    goal = models.TextField(_("mål"))
    child_voice = models.TextField(_("barnets stemme"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ConcernStatus.choices, default=ConcernStatus.OPEN
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        USER, verbose_name=_("opprettet av"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("opprettet"), default=timezone.now)
    closed_at = models.DateTimeField(_("avsluttet"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("oppmerksomhet")
        verbose_name_plural = _("oppmerksomheter")
        indexes = [
            # From a measure's concern to its log in the index alone: an actor's logs are
            # found that way, through hundreds of measures (issue 9).
            models.Index(fields=["id", "log"], name="logs_concern_id_log"),
        ]

    def __str__(self) -> str:
        return str(self.category)

    @property
    def is_open(self) -> bool:
        return self.status == ConcernStatus.OPEN


class Measure(models.Model):
    """An action started for a concern (tiltak), with a deadline and actors."""

    concern = models.ForeignKey(
        Concern, verbose_name=_("oppmerksomhet"), on_delete=models.CASCADE, related_name="measures"
    )
    category = models.ForeignKey(
        MeasureCategory, verbose_name=_("kategori"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("beskrivelse"))
    deadline = models.DateField(_("frist"))
    # Named as the setting itself: the type checker's plugin reads a many-to-many's target
    # only so.
    actors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aktører"),
        blank=True,
        related_name="measures_as_actor",
    )
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("basert på"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.OPEN
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        USER, verbose_name=_("opprettet av"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("opprettet"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("tiltak")
        verbose_name_plural = _("tiltak")
        indexes = [
            models.Index(fields=["status", "deadline"]),
            # From an actor's measure to its concern in the index alone (issue 9).
            models.Index(fields=["id", "concern"], name="logs_measure_id_concern"),
            # The open measures are a few per cent of all, and the leader's pages ask of
            # each person's measures whether it is open and how its deadline stands: a
            # look in this small index, not in the table (issue 9).
            models.Index(
                fields=["id", "deadline"],
                condition=models.Q(status=MeasureStatus.OPEN),
                name="logs_measure_open_deadline",
            ),
        ]

    def __str__(self) -> str:
        return str(self.category)

    @property
    def is_open(self) -> bool:
        return self.status == MeasureStatus.OPEN

    def is_overdue(self, today: date | None = None) -> bool:
        """Past its deadline and not evaluated (R-MEAS-02)."""
        return self.is_open and self.deadline < (today or timezone.localdate())


class Evaluation(models.Model):
    """The one assessment of a measure (R-MEAS-03)."""

    measure = models.OneToOneField(
        Measure, verbose_name=_("tiltak"), on_delete=models.CASCADE, related_name="evaluation"
    )
    outcome = models.CharField(_("resultat"), max_length=30, choices=Outcome.choices)
    text = models.TextField(_("evaluering"))
    child_voice = models.TextField(_("barnets stemme"), blank=True)
    evaluated_by = models.ForeignKey(
        USER, verbose_name=_("evaluert av"), on_delete=models.PROTECT, related_name="+"
    )
    evaluated_at = models.DateTimeField(_("evaluert"), default=timezone.now)

    class Meta:
        verbose_name = _("evaluering")
        verbose_name_plural = _("evalueringer")

    def __str__(self) -> str:
        return self.get_outcome_display()


class Glimpse(models.Model):
    """A positive event showing the child's progress (lysglimt), tied to no concern."""

    log = models.ForeignKey(
        Log, verbose_name=_("logg"), on_delete=models.CASCADE, related_name="glimpses"
    )
    text = models.TextField(_("tekst"))
    happened_on = models.DateField(_("dato"))
    author = models.ForeignKey(
        USER, verbose_name=_("skrevet av"), on_delete=models.PROTECT, related_name="+"
    )
    author_role = models.CharField(_("rolle"), max_length=20)
    published_at = models.DateTimeField(_("publisert"), null=True, blank=True)
    created_at = models.DateTimeField(_("opprettet"), default=timezone.now)

    class Meta:
        ordering = ["-happened_on", "-id"]
        verbose_name = _("lysglimt")
        verbose_name_plural = _("lysglimt")

    def __str__(self) -> str:
        return f"{self.happened_on:%d.%m.%Y}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Revision(models.Model):
    """The log's own history: every change, with the earlier text of edited fields (R-LOG-08).

    Unlike the audit trail this belongs to the record: it holds case text and is shown to
    those who may read the log.
    """

    log = models.ForeignKey(
        Log, verbose_name=_("logg"), on_delete=models.CASCADE, related_name="revisions"
    )
    action = models.CharField(_("hendelse"), max_length=40)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    before = models.JSONField(_("før"), default=dict, blank=True)
    after = models.JSONField(_("etter"), default=dict, blank=True)
    by = models.ForeignKey(USER, verbose_name=_("av"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("tidspunkt"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("endring")
        verbose_name_plural = _("endringer")

    def __str__(self) -> str:
        return self.action


class Transfer(models.Model):
    """A hand-over of a log to a new holder (R-TRAN-01…05).

    Every row stays: together they are the chain of holders with reasons and dates. At most
    one transfer of a log is pending at a time; `previous` links a forwarded one (*not
    accept*) to the transfer it came from.
    """

    log = models.ForeignKey(
        Log, verbose_name=_("logg"), on_delete=models.CASCADE, related_name="transfers"
    )
    from_holder = models.ForeignKey(
        USER, verbose_name=_("fra"), on_delete=models.PROTECT, related_name="+"
    )
    # The log's unit while the transfer was made (a forward does not move the log).
    from_unit = models.ForeignKey(
        Unit, verbose_name=_("fra virksomhet"), on_delete=models.PROTECT, related_name="+"
    )
    to_user = models.ForeignKey(
        USER,
        verbose_name=_("ny stafettholder"),
        on_delete=models.PROTECT,
        related_name="incoming_transfers",
    )
    to_unit = models.ForeignKey(
        Unit, verbose_name=_("ny virksomhet"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("begrunnelse"))
    status = models.CharField(
        _("status"), max_length=20, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    consent_confirmed = models.BooleanField(_("samtykke bekreftet"), default=False)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("sendt videre fra"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forwards",
    )
    created_at = models.DateTimeField(_("opprettet"), default=timezone.now)
    decided_at = models.DateTimeField(_("avgjort"), null=True, blank=True)
    decided_by = models.ForeignKey(
        USER,
        verbose_name=_("avgjort av"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("overføring")
        verbose_name_plural = _("overføringer")
        indexes = [models.Index(fields=["to_user", "status"])]
        constraints = [
            # A second pending transfer of the same log is impossible, even in a race.
            models.UniqueConstraint(
                fields=["log"],
                condition=models.Q(status=TransferStatus.PENDING),
                name="transfer_one_pending_per_log",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.log_id}: {self.from_holder_id} → {self.to_user_id}"

    @property
    def is_pending(self) -> bool:
        return self.status == TransferStatus.PENDING

    @property
    def crosses_units(self) -> bool:
        return self.from_unit_id != self.to_unit_id


class LogOpening(models.Model):
    """Who has opened a log in which role, how often and when (R-SEC-01): kept up to date
    as each read is recorded, so the log page's access list is one indexed read instead of
    an aggregate over every read of the log in the audit trail, which grows without bound.
    The audit events stay the record; this is their running summary."""

    # Every view of a log updates its row here. The columns a view changes (last_opened,
    # times) are in no index, and the table leaves room on each page (logs migration 0010:
    # fillfactor), so PostgreSQL updates the row in place (a HOT update): no new entry in
    # any index, and the old version is cleared on the page itself, without waiting for a
    # vacuum (issue 9). The log's rows are found through the unique constraint (log first).
    log = models.ForeignKey(
        Log,
        verbose_name=_("logg"),
        on_delete=models.CASCADE,
        related_name="openings",
        db_index=False,
    )
    user = models.ForeignKey(
        USER, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("rolle"), max_length=20, blank=True)
    first_opened = models.DateTimeField(_("først åpnet"))
    last_opened = models.DateTimeField(_("sist åpnet"))
    times = models.PositiveIntegerField(_("antall ganger"), default=0)

    class Meta:
        verbose_name = _("åpning av logg")
        verbose_name_plural = _("åpninger av logg")
        constraints = [
            models.UniqueConstraint(fields=["log", "user", "role"], name="logopening_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.log_id}: {self.user_id} ({self.role}) × {self.times}"
