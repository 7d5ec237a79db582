"""The list of past and cancelled meetings at scale: pages of 50 with navigation, and a
query count that stays the same at 1, 3 and many meetings (R-HOLD-02, R-ACT-02, issue 9)."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from logs.enums import Level
from meetings.list_page import PAGE_SIZE
from meetings.models import Meeting
from tests.factories import UserFactory, make_log
from tests.meetings.conftest import at

PAST = {"tidligere": "1"}


def _past_meetings(log, count: int, *, offset: int = 0):
    """`count` meetings that have ended, one a day back from yesterday. Made in bulk: the
    list only reads them, and a service call per meeting would send invitations."""
    Meeting.objects.bulk_create(
        Meeting(
            log=log,
            level=log.level,
            place=f"Møterom {offset + number:03d}",
            starts_at=at(-1 - offset - number, 9),
            ends_at=at(-1 - offset - number, 10),
            created_by=log.holder,
        )
        for number in range(count)
    )


def _rows(html: str) -> list[str]:
    return re.findall(r"Møterom \d{3}", html)


def test_past_meetings_come_in_pages_of_50_with_navigation_R_HOLD_02(client, holder, unit):
    _past_meetings(make_log(holder, unit, level=Level.TWO), PAGE_SIZE + 1)
    client.force_login(holder)

    first = client.get(reverse("meetings:list"), PAST).content.decode()
    second = client.get(reverse("meetings:list"), {**PAST, "side": 2}).content.decode()

    assert PAGE_SIZE == 50
    assert len(_rows(first)) == 50
    assert _rows(first)[0] == "Møterom 000"  # newest first
    assert _rows(second) == ["Møterom 050"]
    assert 'aria-label="Sidenavigering"' in first
    assert "tidligere=1&amp;side=2" in first
    assert 'aria-current="page"' in second
    assert "tidligere=1&amp;side=1" in second


def _queries(client, url, params) -> tuple[int, int]:
    """The queries of a first view (the list rendered) and of the next (the list kept,
    meetings.list_page). Cold first: meetings made in bulk raise no log's version."""
    counts = []
    cache.clear()
    for _view in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
        assert response.status_code == 200
        counts.append(len(queries))
    return counts[0], counts[1]


@pytest.mark.parametrize("role_of_viewer", ["holder", "guardian"])
def test_past_meetings_query_count_is_the_same_for_1_3_and_many(
    client, holder, unit, role_of_viewer
):
    """One past meeting, three, and more than a page, in as many logs: the same queries.
    Rendered: session, person, header, the logs' versions, the count, the page, the first
    end of an upcoming meeting (when the list must be rendered anew). Kept: the first four."""
    logs = [make_log(holder, unit, level=Level.TWO) for _ in range(3)]
    viewer = holder
    if role_of_viewer == "guardian":
        viewer = UserFactory()
        for log in logs:
            log.guardians.update(user=viewer)
    client.force_login(viewer)
    client.get("/")  # the first request of a session does some bookkeeping of its own
    url = reverse("meetings:list")

    _past_meetings(logs[0], 1)
    one = _queries(client, url, PAST)
    _past_meetings(logs[1], 1, offset=1)
    _past_meetings(logs[2], 1, offset=2)
    three = _queries(client, url, PAST)
    for number, log in enumerate(logs):
        _past_meetings(log, 30, offset=10 + 30 * number)
    many = _queries(client, url, PAST)
    many_second_page = _queries(client, url, {**PAST, "side": 2})

    assert Meeting.objects.count() == 93
    assert one == three == many == many_second_page
    # The header's units are read with the person (organisations.backends), and the person
    # with the session (accounts.sessions).
    assert one == (5, 2)
