"""Dates as text where a page writes many of them on every view. Django's `date` filter
reads its format string anew for each value (about 30 µs): for the 31 readers of a log in the
benchmark, a tenth of the log page's time (issue 9)."""

from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any, TypeVar

from django.core.signals import setting_changed
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import get_language


def day_month_year_time(
    value: datetime, zone: tzinfo | None = None, months: dict[int, str] | None = None
) -> str:
    """`value` as the template filter `date:"j. F Y H:i"` writes it, in the local time zone
    (or `zone`, the current one looked up once by a caller that writes many) and the
    active language (or `months`, its month_names() looked up once): "3. desember 2026
    14:05"."""
    if timezone.is_aware(value):
        local = value.astimezone(zone if zone is not None else timezone.get_current_timezone())
    else:
        local = value
    month = months[local.month] if months is not None else MONTHS[local.month]
    return f"{local.day}. {month} {local.year} {local.hour:02d}:{local.minute:02d}"


# What each function given to per_language made, by the language it was made in.
_made: dict[tuple[Callable[[], Any], str | None], Any] = {}


T = TypeVar("T")


def per_language(make: Callable[[], T]) -> Callable[[], T]:
    """`make`, called once per process and active language: for names that are lazy
    translations, each looked up anew (through the active language's thread-local) each
    time it is written. What it gives is shared, and must not be changed."""

    def made() -> T:
        key = (make, get_language())
        try:
            return _made[key]
        except KeyError:
            value = _made[key] = make()
            return value

    return made


def _forget_made(*, setting: str, **kwargs: Any) -> None:
    # A test that changes the languages or their catalogues gets names made anew.
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "USE_I18N"}:
        _made.clear()


setting_changed.connect(_forget_made, dispatch_uid="common.formats.forget_made")


@per_language
def month_names() -> dict[int, str]:
    """The months' names in the active language, for day_month_year_time: each of
    Django's names is a lazy translation, looked up anew each time it is written."""
    return {number: str(name) for number, name in MONTHS.items()}
