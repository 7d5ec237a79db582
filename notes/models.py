from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Note(models.Model):
    """A private note of one person, tied to no log or meeting (R-NOTE-01)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("eier"),
        on_delete=models.CASCADE,
        related_name="notes",
    )
    text = models.TextField(_("notat"))
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("endret"), auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("personlig notat")
        verbose_name_plural = _("personlige notater")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        first_line = self.text.strip().splitlines()[0] if self.text.strip() else ""
        return first_line[:80]
