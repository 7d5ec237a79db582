"""Min side and Mine stafettbarn ask the database as often with one log as with three or
with more than a page holds (architecture, rule 10; issue 9): the lists are fetched in the
view, with their annotations, and the templates never query."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from home.overview import HOME_LOGS
from meetings.services import create_meeting
from notes.services import create_note
from tests.factories import UserFactory, make_concern, make_log
from tests.pages import active_just_now

MANY = HOME_LOGS + 5  # more than Min side shows


def _queries(client, url: str) -> int:
    active_just_now(client)  # a slow setup would make the page stamp it
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def _add_logs(holder, unit, start: int, stop: int) -> None:
    for n in range(start, stop):
        log = make_log(holder, unit, first_name=f"Barn{n}")
        make_concern(log, deadline=timezone.localdate() - timedelta(days=2))
        starts = timezone.now() + timedelta(days=n + 1)
        create_meeting(
            log, by=holder, starts_at=starts, ends_at=starts + timedelta(hours=1), place="Rom 1"
        )
        create_note(by=holder, text=f"Notat {n}")


@pytest.mark.parametrize("url", ["/", "/logger/"])
def test_the_holders_pages_count_the_same_with_1_3_and_many_logs_R_HOLD_01_R_HOLD_02(
    client, holder, unit, url
):
    """Min side: the session with the person, their roles and the header's names (one
    statement, accounts.sessions), the versions of the held logs and those offered in a
    transfer, notes: 3; and the logs with their overview, the meetings and the waiting
    transfers when the logs changed since the page was last rendered (home.overview): 6.
    Mine stafettbarn: session with person, the logs' versions (which also count the
    pages): 2; and the page's logs when they changed (logs.list_cache): 3. Before issue 9's
    overhead cut 9 and 7 (roles, a guardian EXISTS, the header's units with a DISTINCT
    join), and 7 and 4 before the session and the person were read together."""
    _add_logs(holder, unit, 0, 1)
    client.force_login(holder)
    client.get(url)  # the first request after login stamps the session
    counts = [(_queries(client, url), _queries(client, url))]
    _add_logs(holder, unit, 1, 3)
    counts.append((_queries(client, url), _queries(client, url)))
    _add_logs(holder, unit, 3, MANY)
    counts.append((_queries(client, url), _queries(client, url)))
    expected = {"/": (6, 3), "/logger/": (3, 2)}[url]
    assert counts[1:] == [expected] * 2
    # The first count is warm: the request that stamped the session rendered the lists.
    assert counts[0] == (expected[1], expected[1])


def _add_childs_logs(guardian, holder, unit, start: int, stop: int) -> None:
    """Logs of which `guardian` is the guardian with a login, each with a coming meeting."""
    for n in range(start, stop):
        log = make_log(holder, unit, first_name=f"Barn{n}")
        log.guardians.update(user=guardian)
        starts = timezone.now() + timedelta(days=n + 1)
        create_meeting(
            log, by=holder, starts_at=starts, ends_at=starts + timedelta(hours=1), place="Rom 1"
        )


def test_the_guardians_min_side_counts_the_same_with_1_3_and_many_logs_R_GUAR_01_R_ROLE_01(
    client, holder, unit
):
    """The guardian's Min side: the children's logs and their coming meetings, rendered
    anew when the logs changed and kept after (home.overview). Each count is (rendered,
    kept); many is more logs and meetings than the page shows."""
    guardian = UserFactory(first_name="Gunn", last_name="Foresatt")
    _add_childs_logs(guardian, holder, unit, 0, 1)
    client.force_login(guardian)
    client.get("/")  # the first request after login stamps the session
    counts = []
    for start, stop in ((1, 1), (1, 3), (3, MANY)):  # 1, 3 and many logs
        _add_childs_logs(guardian, holder, unit, start, stop)
        cache.clear()  # rendered anew, then kept
        counts.append((_queries(client, "/"), _queries(client, "/")))
    assert counts == [counts[0]] * 3
    rendered, kept = counts[0]
    assert rendered > kept
