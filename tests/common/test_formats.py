"""Dates as text for pages that write many (common.formats, issue 9): the same text as
Django's `date` filter, in each language and across the change to summer time."""

from datetime import UTC, datetime

import pytest
from django.template.defaultfilters import date as date_filter
from django.utils import timezone, translation

from common.formats import day_month_year_time, month_names

MOMENTS = [
    datetime(2026, 1, 5, 7, 3, tzinfo=UTC),
    datetime(2026, 3, 29, 0, 59, tzinfo=UTC),  # 01:59 in Oslo, winter time
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # 03:00 in Oslo, summer time
    datetime(2026, 12, 31, 23, 30, tzinfo=UTC),  # already next year in Oslo
]


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
@pytest.mark.parametrize("moment", MOMENTS)
def test_the_text_is_the_date_filters_in_each_language_R_GEN_02(language, moment):
    with translation.override(language):
        expected = date_filter(timezone.localtime(moment), "j. F Y H:i")

        assert day_month_year_time(moment) == expected
        assert day_month_year_time(moment, timezone.get_current_timezone()) == expected
        assert day_month_year_time(moment, timezone.get_current_timezone(), month_names()) == (
            expected
        )
