"""The statistics ask the database as often with one log as with three or many
(architecture, rule 10): a fixed set of grouped queries, whatever the numbers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from logs.enums import Outcome
from logs.services import evaluate_measure
from tests.factories import make_concern, make_log
from tests.pages import active_just_now


def _add(holder, unit, start: int, stop: int) -> None:
    for n in range(start, stop):
        log = make_log(holder, unit, first_name=f"Barn{n}")
        concern = make_concern(log)
        if n % 2:
            evaluate_measure(
                concern.measures.get(), by=holder, outcome=Outcome.NO_EFFECT, text="Ingen"
            )


def _queries(client, url: str) -> int:
    active_just_now(client)  # a slow setup would make the page stamp it
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "url",
    [reverse("stats:index"), reverse("stats:csv"), reverse("stats:chart", args=["what-works"])],
)
@pytest.mark.parametrize("who", ["leader", "municipality_admin"])
def test_the_statistics_count_the_same_with_1_3_and_many_logs_R_LEAD_03(
    client, request, holder, unit, url, who
):
    """Session, person, roles and reach (3-4), units of the municipality (1), the grouped
    counts (7), the two kinds of category (2)."""
    _add(holder, unit, 0, 1)
    client.force_login(request.getfixturevalue(who))
    client.get(url)  # the first request after login stamps the session
    counts = [_queries(client, url)]
    _add(holder, unit, 1, 3)
    counts.append(_queries(client, url))
    _add(holder, unit, 3, 12)
    counts.append(_queries(client, url))
    assert counts[0] == counts[1] == counts[2]
    assert counts[0] <= 20
