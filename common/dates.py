"""Plausible dates and times (R-GEN-04).

A date typed as year 1 or 9999 is a slip of the keyboard, and once stored it breaks the
calendars, reminders and time-zone arithmetic of every page that shows it. So each date a
person types has a range relative to today, named where it is used (logs.rules,
meetings.rules): the service checks it (the rule's home) and the form shows the same message
next to the field.

A range is checked when a value is new or changed, never on a value already stored: a
meeting held last year can still get its minutes, a deadline that has passed can still be
evaluated.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_stubs_ext import StrOrPromise

if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def years_from(day: date, years: int) -> date:
    """`day` moved by whole years; 29 February becomes the 28th in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class PlausibleRange:
    """The dates a field accepts, from `years_back`/`days_back` before today to
    `years_ahead`/`days_ahead` after it, and what to say about a date outside them."""

    too_early: StrOrPromise
    too_late: StrOrPromise
    years_back: int = 0
    days_back: int = 0
    years_ahead: int = 0
    days_ahead: int = 0

    def bounds(self, today: date | None = None) -> tuple[date, date]:
        today = today or timezone.localdate()
        earliest = years_from(today, -self.years_back) - timedelta(days=self.days_back)
        latest = years_from(today, self.years_ahead) + timedelta(days=self.days_ahead)
        return earliest, latest

    def message_for(self, value: date | datetime, *, today: date | None = None) -> str | None:
        """What is wrong with `value`, or None if it is in range.

        A time is compared as an instant with the first and last moment of the range in the
        site's time zone; it is never converted itself, since near year 1 or 9999 that
        overflows (the very error this guards against).
        """
        earliest, latest = self.bounds(today)
        if isinstance(value, datetime):
            if timezone.is_naive(value):
                value = timezone.make_aware(value)
            first = timezone.make_aware(datetime.combine(earliest, time.min))
            last = timezone.make_aware(datetime.combine(latest, time.max))
            too_early, too_late = value < first, value > last
        else:
            too_early, too_late = value < earliest, value > latest
        if too_early:
            return str(self.too_early)
        if too_late:
            return str(self.too_late)
        return None

    def validate(self, value: date | datetime | None, *, field: str | None = None) -> None:
        """Raise a ValidationError (keyed by `field`, if given) for a value out of range."""
        message = self.message_for(value) if value is not None else None
        if message:
            raise ValidationError({field: message} if field else message, code="implausible")


class PlausibleDateField(forms.DateField):
    """A date with a plausible range; checked by PlausibleDatesMixin when typed or changed."""

    widget = DATE_WIDGET

    def __init__(self, *, plausible: PlausibleRange, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.plausible = plausible


class PlausibleDateTimeField(forms.DateTimeField):
    """A date and time with a plausible range, checked like PlausibleDateField."""

    widget = DATETIME_WIDGET

    def __init__(self, *, plausible: PlausibleRange, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.plausible = plausible


class PlausibleDatesMixin(_FormBase):
    """Checks every field with a `plausible` range whose value was typed or changed, and
    shows the range's message next to it. A value the form was opened with passes, as it
    does in the service: a date that has since aged out of range is no typing error."""

    def clean(self) -> dict[str, Any]:
        # Django keeps cleaned_data when a clean() returns None.
        cleaned = super().clean() or self.cleaned_data
        for name in self.changed_data:
            plausible = getattr(self.fields[name], "plausible", None)
            value = cleaned.get(name)
            if plausible is not None and value is not None:
                message = plausible.message_for(value)
                if message:
                    self.add_error(name, ValidationError(message, code="implausible"))
        return cleaned
