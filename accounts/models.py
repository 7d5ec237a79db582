from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import AnonymousUser, PermissionsMixin
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.functions import Concat, Upper
from django.db.models.lookups import Contains
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.enums import Language
from accounts.validators import mask_national_id, validate_national_id, validate_phone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> "User":
        # E-mail addresses are matched case-insensitively at login.
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class SearchText(models.TextField):
    """A column the database keeps in upper case, searched with `__has_word`."""


@SearchText.register_lookup
class HasWord(Contains):
    """`search_text__has_word="løk"`: the word anywhere in an upper-cased column.

    Django's icontains would upper-case the column on every row it reads; this column is
    stored upper-cased, so only the word is (issue 9: a two-letter actor search read ten
    thousand people three times over). SQLite's LIKE and UPPER both fold ASCII letters
    only, so there the word is passed as typed, as icontains passes it.
    """

    lookup_name = "has_word"

    def get_db_prep_lookup(self, value: Any, connection: BaseDatabaseWrapper) -> Any:
        if connection.vendor != "sqlite":
            value = str(value).upper()
        return super().get_db_prep_lookup(value, connection)

    def get_rhs_op(self, connection: BaseDatabaseWrapper, rhs: str) -> str:
        # Contains' operator: LIKE, case-sensitive on PostgreSQL, ASCII-folding on SQLite.
        operators: dict[str, str] = connection.operators  # type: ignore[attr-defined]
        return operators["contains"] % rhs


def full_name(first_name: str, last_name: str) -> str:
    """A person's name as pages write it (User.get_full_name), for a list that reads the two
    columns without building a User."""
    return f"{first_name} {last_name}".strip()


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-post"), unique=True)
    first_name = models.CharField(_("fornavn"), max_length=100)
    last_name = models.CharField(_("etternavn"), max_length=100)
    phone = models.CharField(_("telefon"), max_length=20, blank=True, validators=[validate_phone])
    language = models.CharField(
        _("språk"), max_length=5, choices=Language.choices, default=Language.NB
    )
    # For matching a person logging in through ID-porten later (R-SEC-02); never in URLs.
    national_id = models.CharField(
        _("fødselsnummer"),
        max_length=11,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_national_id],
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    is_staff = models.BooleanField(_("driftsansvarlig"), default=False)
    date_joined = models.DateTimeField(_("opprettet"), default=timezone.now)
    # What an actor search looks in (R-MEET-04), kept by the database: it can never be
    # stale, whoever changes a name or an address, and however.
    search_text = models.GeneratedField(
        expression=Upper(
            Concat(
                "first_name",
                models.Value(" "),
                "last_name",
                models.Value(" "),
                "email",
                output_field=models.TextField(),
            )
        ),
        output_field=SearchText(),
        db_persist=True,
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    if TYPE_CHECKING:
        # Put on request.user by django-otp's OTPMiddleware: whether this session has passed
        # the second factor.
        def is_verified(self) -> bool: ...

    class Meta:
        ordering = ["last_name", "first_name"]
        # People in name order, as lists and the actor picker walk them (issue 9).
        indexes = [models.Index(fields=["last_name", "first_name", "id"], name="user_name_order")]
        verbose_name = _("bruker")
        verbose_name_plural = _("brukere")

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return full_name(self.first_name, self.last_name)

    def get_short_name(self) -> str:
        return self.first_name

    @property
    def masked_national_id(self) -> str:
        return mask_national_id(self.national_id or "")


class ActivationToken(models.Model):
    """A one-time way in for a new person (R-GUAR-02, R-LEAD-01): a link in an e-mail, or a
    code in a printed letter for a guardian without e-mail.

    Only SHA-256 hashes of the secrets are stored. Both secrets carry at least 128 bits;
    the token is single use and expires after 7 days (architecture.md, security defaults).
    """

    class Purpose(models.TextChoices):
        ACTIVATION = "activation", _("Aktivering av konto")

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-post")
        LETTER = "letter", _("Brev")

    purpose = models.CharField(
        _("formål"), max_length=20, choices=Purpose.choices, default=Purpose.ACTIVATION
    )
    channel = models.CharField(_("kanal"), max_length=10, choices=Channel.choices)
    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("bruker"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activation_tokens",
    )
    # A guardian who has no login yet chooses their e-mail address when activating.
    guardian = models.ForeignKey(
        "logs.Guardian",
        verbose_name=_("foresatt"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activation_tokens",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    code_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("opprettet av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("opprettet"), default=timezone.now)
    expires_at = models.DateTimeField(_("utløper"))
    used_at = models.DateTimeField(_("brukt"), null=True, blank=True)
    # Set when a newer letter or a completed activation makes this one worthless.
    revoked_at = models.DateTimeField(_("erstattet"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("aktiveringskode")
        verbose_name_plural = _("aktiveringskoder")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | models.Q(guardian__isnull=False),
                name="activation_token_has_a_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.created_at:%Y-%m-%d}"

    def problem(self, now: datetime | None = None) -> str:
        """Why the token cannot be used now: "used", "expired", or "" when it can."""
        now = now or timezone.now()
        if self.used_at is not None or self.revoked_at is not None:
            return "used"
        if self.expires_at <= now:
            return "expired"
        return ""


# Whoever request.user is: a person, or AnonymousUser before signing in. What the rules and
# visibility queries take, since pages and templates ask them with request.user.
RequestUser = User | AnonymousUser
