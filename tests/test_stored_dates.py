"""No page fails on a date already stored (R-GEN-04, R-MEET-03).

Before the plausible ranges, a meeting typed for year 1 or 9999 was stored, and then the log
page, the meeting page, the meetings list and Min side answered 500 for its holder and
guardians; birth dates, deadlines, consent ends and glimpse dates took year 1 and 9999 too.
Here such values are written straight into the database, past every service and form, as
an old release or a script may have left them; then every page of the authorization matrix
is opened as the holder, the guardian and the actor, and must answer as it always does, and
the reminders and the calendar invitation must still be made. A value the database refuses
to store (see meetings.models.STORABLE_FROM) cannot break a page.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from logs.models import Child, Consent, Glimpse, Measure
from logs.reminders import send_reminders
from meetings.ics import build_ics
from meetings.models import STORABLE_FROM, STORABLE_UNTIL, Meeting
from tests import test_authorization_matrix as matrix

world = matrix.world  # the matrix's fixture: one log with all its people and parts

OSLO = ZoneInfo("Europe/Oslo")
HOUR = timedelta(hours=1)
SECOND = timedelta(seconds=1)
PERSONAS = ["holder", "guardian", "actor"]

CASES = {
    # A local time in the first minutes of year 1 is year 0 in UTC: PostgreSQL stored it
    # and then could not read it back.
    "year 1": (date(1, 1, 1), datetime(1, 1, 1, 0, 30, tzinfo=OSLO)),
    # Shown in Oslo time, the meeting's end is in year 10000.
    "year 9999": (date(9999, 12, 31), datetime(9999, 12, 31, 22, 29, tzinfo=UTC)),
}
STORABLE = {"first": STORABLE_FROM, "last": STORABLE_UNTIL - HOUR - SECOND}


def _store_dates(world, day: date) -> None:
    Child.objects.filter(pk=world["log"].child_id).update(birth_date=day)
    Consent.objects.update(valid_until=day)
    Measure.objects.update(deadline=day)
    Glimpse.objects.update(happened_on=day)


def _store_meeting(world, starts_at: datetime) -> bool:
    """Whether the database took the meeting's new time."""
    try:
        with transaction.atomic():
            Meeting.objects.filter(pk=world["meeting"].pk).update(
                starts_at=starts_at, ends_at=starts_at + HOUR
            )
    except (IntegrityError, OverflowError):  # OverflowError: SQLite stores UTC text
        return False
    return True


def _failures(client, world) -> list[str]:
    """Every page answering otherwise than the matrix says, and what else broke."""
    urls = [
        (name, reverse(name, args=build(world)), rows)
        for name, (build, rows) in matrix.MATRIX.items()
    ]
    past = reverse("meetings:list") + "?tidligere=1"
    urls.append(("meetings:list (past)", past, matrix.MATRIX["meetings:list"][1]))
    failures = []
    for who in PERSONAS:
        client.force_login(world["users"][who])
        for name, url, rows in urls:
            status = client.get(url).status_code
            if status != rows[who][0]:
                failures.append(f"{name} as {who}: {status}")
    checks: list[tuple[str, Callable[[], object]]] = [
        ("reminders", send_reminders),
        ("calendar", lambda: build_ics(Meeting.objects.get(pk=world["meeting"].pk), [])),
    ]
    for what, make in checks:
        try:
            make()
        except Exception as error:  # any failure is the finding
            failures.append(f"{what}: {error!r}")
    return failures


@pytest.mark.parametrize("case", list(CASES))
def test_pages_never_fail_on_a_stored_impossible_date_R_GEN_04_R_MEET_03(client, world, case):
    day, meeting_starts_at = CASES[case]
    _store_dates(world, day)
    _store_meeting(world, meeting_starts_at)  # the database may refuse it, and should
    client.raise_request_exception = False

    assert _failures(client, world) == []


@pytest.mark.parametrize("edge", list(STORABLE))
def test_pages_never_fail_at_either_end_of_the_storable_meeting_times_R_GEN_04(client, world, edge):
    stored = _store_meeting(world, STORABLE[edge])
    client.raise_request_exception = False

    assert stored
    assert _failures(client, world) == []
