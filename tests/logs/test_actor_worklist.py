"""The actor's worklist: *Mine aktørbarn* and the actor's *Min side* (R-ACT-01, R-ACT-02).

Only the concerns the actor is attached to (an actor on one of its measures, R-ROLE-05),
never another concern of the same log nor of another log; each page records the read of the
logs it shows (R-SEC-01) and asks the database as often for one concern as for many."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent
from logs.actor_views import CHILDREN_PER_PAGE
from logs.enums import ConcernStatus, LogStatus
from logs.models import Concern, Log
from logs.queries import actor_concerns, actor_worklist
from logs.services import add_measure
from meetings.services import create_meeting
from tests.factories import CONCERN_SENTINEL, make_concern, make_log, measure_category
from tests.pages import active_just_now

TODAY = timezone.localdate


def _measure(concern, *, actors, deadline, description="Samtale hver uke"):
    """One more measure on `concern`, aged past its deadline if asked (as make_concern)."""
    measure = add_measure(
        concern,
        by=concern.log.holder,
        category=measure_category(concern.log.unit.municipality),
        description=description,
        deadline=max(deadline, TODAY()),
        actors=list(actors),
    )
    if deadline < TODAY():
        type(measure).objects.filter(pk=measure.pk).update(deadline=deadline)
    return measure


@pytest.fixture
def worlds(holder, unit, actor, actor_other_unit):
    """Three children: Anna with two concerns of the actor's and one of another actor's (the
    sentinel), Bror with one overdue, and Ukjent where the actor is on nothing."""
    anna = make_log(holder, unit, level=2, first_name="Anna", last_name="Aas")
    mine = make_concern(anna, actors=[actor], description="Anna leser lite")
    later = make_concern(
        anna,
        actors=[actor, actor_other_unit],
        deadline=TODAY() + timedelta(days=60),
        description="Anna har få venner",
    )
    hidden = make_concern(anna, actors=[actor_other_unit], description=CONCERN_SENTINEL)
    bror = make_log(holder, unit, first_name="Bror", last_name="Berg")
    overdue = make_concern(
        bror, actors=[actor], deadline=TODAY() - timedelta(days=3), description="Bror sover"
    )
    ukjent = make_log(holder, unit, level=2, first_name="Ukjent", last_name="Utenfor")
    stranger = make_concern(ukjent, actors=[actor_other_unit], description=CONCERN_SENTINEL)
    return {
        "anna": anna,
        "bror": bror,
        "ukjent": ukjent,
        "mine": mine,
        "later": later,
        "hidden": hidden,
        "overdue": overdue,
        "stranger": stranger,
    }


def test_the_actor_gets_only_the_concerns_they_are_attached_to_R_ACT_01_R_ROLE_05(worlds, actor):
    concerns = list(actor_concerns(actor))
    assert {c.pk for c in concerns} == {
        worlds["mine"].pk,
        worlds["later"].pk,
        worlds["overdue"].pk,
    }
    assert all(CONCERN_SENTINEL not in c.description for c in concerns)


def test_each_concern_brings_the_actors_own_measures_and_the_overdue_marker_R_ACT_01(
    worlds, actor, actor_other_unit
):
    """Of the measures, only the actor's own, soonest first; `has_overdue` and the next
    deadline are of their own measures (R-MEAS-02)."""
    later = worlds["later"]
    theirs = _measure(later, actors=[actor_other_unit], deadline=TODAY() - timedelta(days=9))
    soon = _measure(later, actors=[actor], deadline=TODAY() + timedelta(days=2))
    by_pk = {c.pk: c for c in actor_concerns(actor)}
    later_seen = by_pk[later.pk]
    assert later_seen.my_measures[0].pk == soon.pk
    assert theirs.pk not in [m.pk for m in later_seen.my_measures]
    assert later_seen.next_deadline == TODAY() + timedelta(days=2)
    assert not later_seen.has_overdue  # the overdue measure is someone else's
    assert by_pk[worlds["overdue"].pk].has_overdue


def test_the_worklist_has_the_overdue_first_and_leaves_closed_and_passive_out_R_ACT_02(
    worlds, actor, holder, unit
):
    order = [c.pk for c in actor_worklist(actor)]
    assert order == [worlds["overdue"].pk, worlds["mine"].pk, worlds["later"].pk]
    Concern.objects.filter(pk=worlds["mine"].pk).update(status=ConcernStatus.CLOSED)
    Log.objects.filter(pk=worlds["bror"].pk).update(status=LogStatus.PASSIVE)
    assert [c.pk for c in actor_worklist(actor)] == [worlds["later"].pk]


def test_nobody_else_gets_a_worklist_R_ROLE_07(worlds, holder, actor_other_municipality):
    from django.contrib.auth.models import AnonymousUser

    assert not actor_concerns(AnonymousUser()).exists()
    assert not actor_concerns(actor_other_municipality).exists()
    # A holder's own logs are not their worklist as actor.
    assert not actor_concerns(holder).exists()


@pytest.mark.parametrize("url", ["/", "/logger/"])
def test_the_pages_show_the_actors_concerns_and_never_another_R_ACT_01_R_ACT_02(
    client, worlds, actor, url
):
    """The leak test: the sentinel text of a concern in the same log, and of a log the actor
    is not part of, is on neither page; the child nobody attached them to is not named."""
    client.force_login(actor)
    page = client.get(url).content.decode()
    assert CONCERN_SENTINEL not in page
    assert "Ukjent" not in page
    for text in ["Anna leser lite", "Anna har få venner", "Bror sover", "Frist passert"]:
        assert text in page
    concern = worlds["overdue"]
    assert f'href="/logger/{concern.log_id}/#concern-{concern.pk}"' in page


def test_mine_aktorbarn_groups_the_concerns_by_child_R_ACT_01(client, worlds, actor):
    client.force_login(actor)
    page = client.get("/logger/").content.decode()
    anna, bror = page.index(">Anna Aas</h2>"), page.index(">Bror Berg</h2>")
    assert anna < page.index("Anna leser lite") < page.index("Anna har få venner") < bror
    assert bror < page.index("Bror sover")


def test_min_side_lists_the_overdue_first_and_the_coming_meetings_R_ACT_02(
    client, worlds, actor, holder
):
    starts = timezone.now() + timedelta(days=2)
    create_meeting(
        worlds["anna"],
        by=holder,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        place="Møterom Sol",
        concerns=[worlds["mine"]],
        actors=[actor],
    )
    client.force_login(actor)
    page = client.get("/").content.decode()
    assert page.index("Bror sover") < page.index("Anna leser lite")
    assert "Møterom Sol" in page


@pytest.mark.parametrize(("url", "page"), [("/", "home"), ("/logger/", "logs:list")])
def test_each_page_records_the_read_of_the_logs_it_shows_R_SEC_01(client, worlds, actor, url, page):
    client.force_login(actor)
    client.get(url)
    reads = AuditEvent.objects.filter(actor=actor, action="log.viewed")
    assert set(reads.values_list("log_id", flat=True)) == {
        worlds["anna"].pk,
        worlds["bror"].pk,
    }
    assert {event.data["page"] for event in reads} == {page}


def test_mine_aktorbarn_pages_through_the_children_R_ACT_01(client, holder, unit, actor):
    for n in range(CHILDREN_PER_PAGE + 1):
        make_concern(make_log(holder, unit, first_name=f"Barn{n:02d}"), actors=[actor])
    client.force_login(actor)
    first = client.get("/logger/").content.decode()
    second = client.get("/logger/?side=2").content.decode()
    assert first.count('class="section work-child"') == CHILDREN_PER_PAGE
    assert second.count('class="section work-child"') == 1


def test_an_actor_on_nothing_is_told_so_R_ACT_01(client, actor):
    client.force_login(actor)
    assert "Du er ikke aktør på noen oppmerksomhet." in client.get("/logger/").content.decode()
    assert "Du er ikke aktør på noen åpen oppmerksomhet." in client.get("/").content.decode()


# --- query counts (architecture, rule 10) -----------------------------------------------


def _queries(client, url: str, *, cold: bool) -> int:
    client.get(url)
    active_just_now(client)  # adding many rows on PostgreSQL can take longer than 10 s
    if cold:
        cache.clear()  # the kept lists (home.overview, logs.actor_views) rendered anew
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def _add(holder, unit, actor, start: int, stop: int) -> None:
    for n in range(start, stop):
        log = make_log(holder, unit, level=2, first_name=f"Barn{n:02d}")
        concern = make_concern(log, actors=[actor], deadline=TODAY() - timedelta(days=n % 2))
        _measure(concern, actors=[actor], deadline=TODAY() + timedelta(days=n))
        make_concern(log, actors=[actor])
        starts = timezone.now() + timedelta(days=n + 1)
        create_meeting(
            log,
            by=holder,
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            place="Rom 1",
            concerns=[concern],
            actors=[actor],
        )


@pytest.mark.parametrize("url", ["/", "/logger/"])
def test_the_actors_pages_count_the_same_with_1_3_and_many_concerns_R_ACT_01_R_ACT_02(
    client, holder, unit, actor, url
):
    """Both pages read the actor's logs' versions (logs.list_cache), the reads and, on Min
    side, the meetings on every view: session with the person (and the header's names, one
    statement: accounts.sessions), versions, reads (+ meetings).
    When the logs changed they render their lists anew: Min side the concerns and their
    measures; Mine aktørbarn the page of children, their concerns and measures. Many is more
    than either page shows."""
    _add(holder, unit, actor, 0, 1)
    client.force_login(actor)
    counts = [(_queries(client, url, cold=True), _queries(client, url, cold=False))]
    _add(holder, unit, actor, 1, 3)
    counts.append((_queries(client, url, cold=True), _queries(client, url, cold=False)))
    _add(holder, unit, actor, 3, CHILDREN_PER_PAGE + 2)
    counts.append((_queries(client, url, cold=True), _queries(client, url, cold=False)))
    # The reads: audit rows and summary in a savepoint on SQLite (4 statements), one
    # statement on PostgreSQL (logs.services.reads).
    reads = 1 if connection.vendor == "postgresql" else 4
    warm = {"/": 3, "/logger/": 2}[url] + reads
    cold = {"/": 5, "/logger/": 5}[url] + reads
    assert counts == [(cold, warm)] * 3
