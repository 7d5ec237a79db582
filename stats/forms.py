"""The statistics' filter: a unit of one's own and a period (R-LEAD-03)."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from common.dates import DATE_WIDGET, years_from
from common.forms import PlainSelect, field_of
from organisations.models import Unit
from stats.queries import Period, default_period

# Ten years of months is 120 rows; the logs themselves are kept about that long.
MAX_YEARS = 10
EARLIEST = date(2000, 1, 1)


class StatisticsFilter(forms.Form):
    """Which of the person's units, from when to when. A unit outside their reach is not
    among the choices, so it is refused next to the field, like any other wrong choice."""

    virksomhet = forms.TypedChoiceField(
        label=_("Virksomhet"), required=False, coerce=int, empty_value=None, widget=PlainSelect
    )
    fra = forms.DateField(label=_("Fra og med"), required=False, widget=DATE_WIDGET)
    til = forms.DateField(label=_("Til og med"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args: Any, units: Sequence[Unit], today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.units = {unit.pk: unit for unit in units}
        choices = [("", _("Alle virksomhetene")), *((unit.pk, unit.name) for unit in units)]
        field = field_of(self, "virksomhet", forms.TypedChoiceField)
        field.choices = choices
        field.widget.choices = choices
        default = default_period(today)
        self.fields["fra"].widget.attrs["placeholder"] = default.first.isoformat()
        self.fields["til"].widget.attrs["placeholder"] = default.last.isoformat()

    def _plausible(self, name: str) -> date | None:
        """A date from 2000 up to a year from now: anything else is a slip of the keys."""
        value: date | None = self.cleaned_data.get(name)
        if value and value < EARLIEST:
            raise forms.ValidationError(_("Velg en dato fra 2000 eller senere."))
        if value and value > years_from(self.today, 1):
            raise forms.ValidationError(_("Velg en dato innen et år fra i dag."))
        return value

    def clean_fra(self) -> date | None:
        return self._plausible("fra")

    def clean_til(self) -> date | None:
        return self._plausible("til")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("fra"), data.get("til")
        if first and last and last < first:
            self.add_error("til", _("Til-datoen kan ikke være før fra-datoen."))
        elif first and years_from(first, MAX_YEARS) < (last or self.today):
            self.add_error("fra", _("Perioden kan være høyst 10 år."))
        elif first and first > self.today:
            self.add_error("fra", _("Fra-datoen kan ikke være etter i dag."))
        return data

    def chosen_units(self) -> list[Unit]:
        """The unit chosen, or every unit of the person's reach."""
        chosen = self.cleaned_data.get("virksomhet")
        return [self.units[chosen]] if chosen else list(self.units.values())

    def period(self) -> Period:
        """The chosen period: the last twelve months where nothing is chosen."""
        default = default_period(self.today)
        first = self.cleaned_data.get("fra") or default.first
        last = self.cleaned_data.get("til") or max(default.last, first)
        return Period(first, last)
