"""The shared plausible range for typed dates and times (R-GEN-04)."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.core.exceptions import ValidationError

from common.dates import (
    PlausibleDateField,
    PlausibleDatesMixin,
    PlausibleDateTimeField,
    PlausibleRange,
    years_from,
)

TODAY = date(2024, 2, 29)
RANGE = PlausibleRange(years_back=1, days_ahead=10, too_early="For tidlig.", too_late="For sent.")


def test_a_range_runs_from_whole_years_back_to_days_ahead_of_today_R_GEN_04():
    assert RANGE.bounds(TODAY) == (date(2023, 2, 28), date(2024, 3, 10))
    assert years_from(TODAY, 4) == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (date(1, 1, 1), "For tidlig."),
        (date(2023, 2, 27), "For tidlig."),
        (date(2023, 2, 28), None),
        (date(2024, 3, 10), None),
        (date(2024, 3, 11), "For sent."),
        (date(9999, 12, 31), "For sent."),
    ],
)
def test_a_date_outside_the_range_gets_the_ranges_message_R_GEN_04(value, message):
    assert RANGE.message_for(value, today=TODAY) == message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        # Neither is ever converted: in Oslo time one is before year 1, the other after 9999.
        (datetime(1, 1, 1, 0, 30, tzinfo=ZoneInfo("Europe/Oslo")), "For tidlig."),
        (datetime(9999, 12, 31, 23, 59, tzinfo=UTC), "For sent."),
        (datetime(1, 1, 1, 0, 0), "For tidlig."),  # naive: taken as local time
        (datetime(2024, 3, 10, 23, 59, tzinfo=ZoneInfo("Europe/Oslo")), None),
        (datetime(2024, 3, 10, 23, 30, tzinfo=UTC), "For sent."),  # 00:30 the 11th in Oslo
    ],
)
def test_a_time_is_compared_as_an_instant_without_overflowing_R_GEN_04(value, message):
    assert RANGE.message_for(value, today=TODAY) == message


def test_validate_raises_the_message_keyed_by_the_field_R_GEN_04():
    with pytest.raises(ValidationError) as excinfo:
        RANGE.validate(date(9999, 12, 31), field="deadline")

    assert excinfo.value.message_dict == {"deadline": ["For sent."]}
    RANGE.validate(None, field="deadline")


class _Form(PlausibleDatesMixin, forms.Form):
    day = PlausibleDateField(plausible=PlausibleRange(too_early="Tidlig.", too_late="Sent."))
    at = PlausibleDateTimeField(
        plausible=PlausibleRange(too_early="Tidlig.", too_late="Sent."), required=False
    )


def test_a_form_shows_the_message_next_to_a_typed_date_R_GEN_04():
    form = _Form({"day": "9999-12-31", "at": "0001-01-01T00:30"})

    assert form.errors == {"day": ["Sent."], "at": ["Tidlig."]}


def test_a_form_lets_a_date_it_was_opened_with_pass_R_GEN_04():
    """A deadline that has passed, a meeting held last year: no typing error."""
    form = _Form({"day": "2001-01-01"}, initial={"day": date(2001, 1, 1)})

    assert form.is_valid(), form.errors
