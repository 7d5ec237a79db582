from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from organisations.enums import MEMBERSHIP_ROLES

validate_org_number = RegexValidator(
    r"^[0-9]{9}$", _("Organisasjonsnummeret har 9 siffer."), code="invalid_org_number"
)


class Municipality(models.Model):
    """The tenant: every unit, user membership and category list belongs to one."""

    name = models.CharField(_("navn"), max_length=100, unique=True)
    org_number = models.CharField(
        _("organisasjonsnummer"), max_length=9, unique=True, validators=[validate_org_number]
    )
    administrators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("kommuneadministratorer"),
        blank=True,
        related_name="administered_municipalities",
    )
    # R-SEC-06: how long a passive log is kept after its archive hand-over; empty keeps
    # every log (manage.py apply_retention deletes nothing and says so).
    retention_years = models.PositiveSmallIntegerField(
        _("oppbevaringstid for passive logger (år)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "Passive logger som er avlevert til arkivet, slettes når så mange år er gått "
            "siden de ble satt passive. Tomt: ingenting slettes."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A school, kindergarten, health station…; units nest as the municipality organises them."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("kommune"), on_delete=models.PROTECT, related_name="units"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("overordnet enhet"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(_("navn"), max_length=150)
    org_number = models.CharField(
        _("organisasjonsnummer"), max_length=9, blank=True, validators=[validate_org_number]
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("virksomhet")
        verbose_name_plural = _("virksomheter")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="unit_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """The tree stays one municipality's, and a tree (no unit above itself)."""
        if self.municipality_id is None or self.parent is None:
            return
        if self.parent.municipality_id != self.municipality_id:
            raise ValidationError(
                {"parent": _("Den overordnete enheten må høre til samme kommune.")}
            )
        above: Unit | None = self.parent
        while above is not None:
            if above.pk == self.pk:
                raise ValidationError({"parent": _("En enhet kan ikke ligge under seg selv.")})
            above = above.parent


class Membership(models.Model):
    """A person's role in a unit: leader, holder or actor."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("virksomhet"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("rolle"), max_length=20, choices=MEMBERSHIP_ROLES)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)

    class Meta:
        ordering = ["unit__name", "role"]
        verbose_name = _("medlemskap")
        verbose_name_plural = _("medlemskap")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"], name="membership_unique_user_unit_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.unit}"


class Category(models.Model):
    """A name in each of the UI's languages (R-GEN-01): `name` is the bokmål one, and the
    one shown when a translation is missing."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("kommune"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("navn på bokmål"), max_length=100)
    name_nn = models.CharField(_("navn på nynorsk"), max_length=100)
    name_en = models.CharField(_("navn på engelsk"), max_length=100)
    is_active = models.BooleanField(_("i bruk"), default=True)
    position = models.PositiveIntegerField(_("rekkefølge"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the active language, in bokmål when it has none."""
        language = (translation.get_language() or "").split("-")[0]
        translated = {"nn": self.name_nn, "en": self.name_en}.get(language, "")
        return translated or self.name


class ConcernCategory(Category):
    class Meta(Category.Meta):
        verbose_name = _("kategori for oppmerksomhet")
        verbose_name_plural = _("kategorier for oppmerksomhet")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="concern_category_unique_name"
            )
        ]


class MeasureCategory(Category):
    class Meta(Category.Meta):
        verbose_name = _("kategori for tiltak")
        verbose_name_plural = _("kategorier for tiltak")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="measure_category_unique_name"
            )
        ]
