"""Identity providers and what a login through one leaves behind (R-SEC-08)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from organisations.models import Municipality


class AuthMethod(models.TextChoices):
    """How Stafettlogg proves itself at the provider's token endpoint (its registration)."""

    CLIENT_SECRET_BASIC = "client_secret_basic", _("Klienthemmelighet (Basic)")
    CLIENT_SECRET_POST = "client_secret_post", _("Klienthemmelighet (POST)")
    PRIVATE_KEY_JWT = "private_key_jwt", _("Privat nøkkel (private_key_jwt)")


class MatchOn(models.TextChoices):
    EMAIL = "email", _("E-postadresse i kontoen")
    SUBJECT = "subject", _("Stabil identifikator, koblet ved første innlogging")


class EmployeeProvider(models.Model):
    """The municipality's own identity provider for its employees (often Entra ID), set by the
    municipality administrator in the admin."""

    municipality = models.OneToOneField(
        Municipality,
        verbose_name=_("kommune"),
        on_delete=models.CASCADE,
        related_name="employee_provider",
    )
    name = models.CharField(
        _("navn på knappen"), max_length=100, help_text=_("For eksempel «Ansatt i Nordby kommune».")
    )
    issuer = models.URLField(_("utsteder (issuer)"), max_length=300)
    client_id = models.CharField(_("klient-ID"), max_length=200)
    auth_method = models.CharField(
        _("klientautentisering"),
        max_length=30,
        choices=AuthMethod.choices,
        default=AuthMethod.CLIENT_SECRET_BASIC,
    )
    # Stored as the registration gives it; shown masked in the admin, never logged.
    client_secret = models.CharField(_("klienthemmelighet"), max_length=500, blank=True)
    private_key = models.TextField(
        _("privat nøkkel (PEM eller JWK)"), blank=True, help_text=_("Brukes med private_key_jwt.")
    )
    claim = models.CharField(
        _("claim som identifiserer den ansatte"),
        max_length=100,
        default="email",
        help_text=_("For eksempel «email», «preferred_username», «oid» eller «sub»."),
    )
    match_on = models.CharField(
        _("kobles på"), max_length=10, choices=MatchOn.choices, default=MatchOn.EMAIL
    )
    scope = models.CharField(_("scope"), max_length=200, default="openid profile email")
    enabled = models.BooleanField(_("i bruk"), default=True)

    class Meta:
        ordering = ["municipality__name"]
        verbose_name = _("identitetsleverandør for ansatte")
        verbose_name_plural = _("identitetsleverandører for ansatte")

    def __str__(self) -> str:
        return self.name


class ProviderLink(models.Model):
    """A person's stable identifier at a provider, kept after their first login so that the
    next one is matched on it (R-SEC-08). Never the national ID number: ID-porten's `sub`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bruker"),
        on_delete=models.CASCADE,
        related_name="provider_links",
    )
    provider = models.CharField(_("leverandør"), max_length=40)
    subject = models.CharField(_("identifikator"), max_length=255)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("sist innlogget"), null=True, blank=True)

    class Meta:
        verbose_name = _("kobling til identitetsleverandør")
        verbose_name_plural = _("koblinger til identitetsleverandør")
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="one_person_per_subject"),
            models.UniqueConstraint(fields=["provider", "user"], name="one_subject_per_person"),
        ]

    def __str__(self) -> str:
        return self.provider


class ProviderDevice(Device):
    """The second factor a provider vouched for (ID-porten substantial/high, or `amr` with
    mfa): django-otp counts a session as verified when it holds a confirmed device of the
    person, so the login puts this one there. It accepts no token of its own."""

    provider = models.CharField(_("leverandør"), max_length=40)

    class Meta:
        verbose_name = _("andre faktor hos identitetsleverandør")
        verbose_name_plural = _("andre faktor hos identitetsleverandør")
        constraints = [
            models.UniqueConstraint(fields=["user", "provider"], name="one_device_per_provider")
        ]

    def verify_token(self, token: object) -> bool:
        return False
