"""Constant query count (architecture): a page asks the database as often for one log or
concern as for many. Each test counts the same page with 1 and with 3 of them, and the
log page with 12 as well."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from logs.enums import Outcome
from logs.services import add_measure, create_glimpse, evaluate_measure, set_level
from organisations.enums import Role
from tests.factories import (
    MembershipFactory,
    UserFactory,
    make_concern,
    make_log,
    measure_category,
)


def login(client, user, role: str | None = None):
    client.force_login(user)
    if role:
        session = client.session
        session["active_role"] = role
        session.save()


def count_queries(client, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(context.captured_queries), [q["sql"] for q in context.captured_queries]


def assert_same_count(first, second):
    (few, _), (many, many_sql) = first, second
    assert few == many, "\n".join(
        [f"{few} queries with one, {many} with more. With more:", *many_sql]
    )


# More logs than Min side lists (home.overview.HOME_LOGS).
MANY = 25


def overdue_log(holder, unit, n: int):
    log = make_log(holder, unit, first_name=f"Barn{n}")
    make_concern(log, deadline=timezone.localdate() - timedelta(days=2))
    return log


def test_the_holders_log_list_has_a_constant_query_count_R_HOLD_01_R_MEAS_02(client, holder, unit):
    overdue_log(holder, unit, 0)
    login(client, holder)
    client.get("/logger/")  # warm-up: sessions, caches

    # Cold both times: the table is kept until the logs change (logs.list_cache).
    cache.clear()
    one = count_queries(client, "/logger/")
    overdue_log(holder, unit, 1)
    overdue_log(holder, unit, 2)
    cache.clear()
    three = count_queries(client, "/logger/")
    for n in range(3, MANY):
        overdue_log(holder, unit, n)
    cache.clear()
    many = count_queries(client, "/logger/")

    assert_same_count(one, three)
    assert_same_count(one, many)


def test_a_kept_log_list_neither_builds_nor_asks_the_tables_query_R_HOLD_01(
    client, holder, unit, monkeypatch
):
    overdue_log(holder, unit, 0)
    login(client, holder)
    client.get("/logger/")  # warm-up: sessions, caches
    cache.clear()
    cold = count_queries(client, "/logger/")

    def refuse(*args, **kwargs):  # building it alone costs a kept page's whole request
        raise AssertionError("the kept table's query was built")

    monkeypatch.setattr("logs.views.logs_visible_to", refuse)
    kept = count_queries(client, "/logger/")
    assert kept[0] == cold[0] - 1  # the versions alone


def test_the_holders_home_page_has_a_constant_query_count_R_HOLD_02(client, holder, unit):
    overdue_log(holder, unit, 0)
    login(client, holder)
    client.get("/")

    # Cold both times: Min side keeps its lists until the logs change (home.overview).
    cache.clear()
    one = count_queries(client, "/")
    overdue_log(holder, unit, 1)
    overdue_log(holder, unit, 2)
    cache.clear()
    three = count_queries(client, "/")
    for n in range(3, MANY):
        overdue_log(holder, unit, n)
    cache.clear()
    many = count_queries(client, "/")

    assert_same_count(one, three)
    assert_same_count(one, many)


@pytest.fixture
def second_actor(unit):
    person = UserFactory(first_name="Siri", last_name="Sekund")
    MembershipFactory(user=person, unit=unit, role=Role.ACTOR)
    return person


def rich_concern(log, actors):
    """A concern with two measures, each with both actors; the first one evaluated."""
    concern = make_concern(log, actors=actors)
    add_measure(
        concern,
        by=log.holder,
        category=measure_category(log.unit.municipality),
        description="Et tiltak til",
        deadline=timezone.localdate() + timedelta(days=10),
        actors=actors,
    )
    evaluate_measure(
        concern.measures.first(),
        by=log.holder,
        outcome=Outcome.SOME_EFFECT,
        text="Noe bedre",
        child_voice="Litt",
    )
    create_glimpse(
        log,
        by=log.holder,
        role=Role.HOLDER,
        text="Et lysglimt",
        happened_on=timezone.localdate(),
        publish=True,
    )
    return concern


@pytest.mark.parametrize("persona", ["holder", "actor", "guardian_user"])
def test_the_log_page_has_a_constant_query_count_R_LOG_01_R_ROLE_05_R_ROLE_06(
    client, request, holder, log, actor, second_actor, persona
):
    set_level(log, by=holder, level=2)
    rich_concern(log, [actor, second_actor])
    user = request.getfixturevalue(persona)
    login(client, user)
    url = f"/logger/{log.pk}/"
    client.get(url)
    cache.clear()  # the sections as the first view after a change renders them

    one, one_again = count_queries(client, url), count_queries(client, url)
    rich_concern(log, [actor, second_actor])
    rich_concern(log, [actor, second_actor])
    three, three_again = count_queries(client, url), count_queries(client, url)
    for _ in range(9):
        rich_concern(log, [actor, second_actor])
    many, many_again = count_queries(client, url), count_queries(client, url)

    assert_same_count(one, three)
    assert_same_count(one, many)
    # The next views reuse the rendered sections (logs.page_cache): the concerns, their
    # measures and actors, and the glimpses are not asked for again, however many.
    assert_same_count(one_again, three_again)
    assert_same_count(one_again, many_again)
    assert one_again[0] <= one[0] - 4


def test_the_actors_home_and_list_have_a_constant_query_count_R_ACT_01_R_ACT_02(
    client, holder, unit, actor
):
    def attached_log(n):
        log = make_log(holder, unit, first_name=f"Barn{n}")
        make_concern(log, actors=[actor], deadline=timezone.localdate() - timedelta(days=1))

    attached_log(0)
    login(client, actor)
    client.get("/")
    client.get("/logger/")

    # Cold both times: both pages keep their lists until the logs change (home.overview,
    # logs.actor_views).
    cache.clear()
    one = [count_queries(client, "/"), count_queries(client, "/logger/")]
    attached_log(1)
    attached_log(2)
    cache.clear()
    three = [count_queries(client, "/"), count_queries(client, "/logger/")]

    for few, many in zip(one, three, strict=True):
        assert_same_count(few, many)


def test_min_side_reads_each_waiting_transfer_in_a_constant_query_count_R_TRAN_04_R_SEC_01(
    client, holder, other_holder, unit
):
    """Min side shows the reason of each log offered to the holder: one read per log,
    written in one query however many wait (R-SEC-01)."""
    from audit.models import AuditEvent
    from logs.services import transfer_log

    def offered(n):
        log = make_log(other_holder, unit, first_name=f"Tilbudt{n}")
        transfer_log(log, by=other_holder, to_user=holder, to_unit=unit, reason="Flytter")
        return log

    logs = [offered(0)]
    login(client, holder)
    client.get("/")

    # Cold both times: the transfers are kept with Min side's lists (home.overview).
    cache.clear()
    one = count_queries(client, "/")
    logs += [offered(1), offered(2)]
    cache.clear()
    three = count_queries(client, "/")

    assert_same_count(one, three)
    reads = AuditEvent.objects.filter(actor=holder, action="log.viewed", data__page="home")
    assert {log.pk for log in logs} == set(reads.values_list("log_id", flat=True))
