"""Meetings are made the way a holder makes them: through the service."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from tests.factories import make_log


def at(days: int = 7, hour: int = 9, minute: int = 0) -> datetime:
    """An aware local time `days` from today."""
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


def make_meeting(log, **changes):
    from meetings.services import create_meeting

    by = changes.pop("by", log.holder)
    data = {
        "starts_at": at(7, 9),
        "ends_at": at(7, 10),
        "place": "Testskolen, møterom 2",
        "agenda": "",
        "guardians": list(log.guardians.all()),
    }
    data.update(changes)
    return create_meeting(log, by=by, **data)


@pytest.fixture
def log2(holder, unit):
    """An active level-2 log held by `holder`, with one guardian (with e-mail)."""
    return make_log(holder, unit, level=2)
