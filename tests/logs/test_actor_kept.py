"""The actor's lists, the concerns on Min side and the children of Mine aktørbarn, are
rendered once and kept until the actor's logs change (home.overview, logs.actor_views,
issue 9): each change shows on the next view, each actor sees only their own, and every view,
kept or not, records the read of the logs it shows (R-ACT-01, R-ACT-02, R-SEC-01)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from logs.enums import LogStatus
from logs.list_cache import log_versions
from logs.models import Log, Measure
from logs.services import set_level, update_child
from organisations.enums import Role
from tests.factories import make_concern, make_log
from tests.pages import browser_of, page_text

PAGES = ["/", "/logger/"]


@pytest.fixture
def seen(client, actor, log):
    """The actor works on a concern of `log` and has both pages open: their lists are kept."""
    make_concern(log, actors=[actor], description="Første bekymring")
    client.force_login(actor)
    for url in PAGES:
        assert "Første bekymring" in page_text(client, url)
    return client


@pytest.mark.parametrize("url", PAGES)
def test_a_new_concern_of_the_actors_shows_at_once_R_ACT_01_R_ACT_02(seen, log, actor, url):
    make_concern(log, actors=[actor], description="Andre bekymring")

    assert "Andre bekymring" in page_text(seen, url)


@pytest.mark.parametrize("url", PAGES)
def test_an_actor_taken_off_the_measure_no_longer_sees_its_concern_R_ROLE_05(seen, log, actor, url):
    for measure in Measure.objects.filter(concern__log=log):
        measure.actors.remove(actor)  # not through a service: the m2m signal alone

    assert "Første bekymring" not in page_text(seen, url)


@pytest.mark.parametrize("url", PAGES)
def test_the_childs_new_name_shows_at_once_R_ACT_01(seen, log, holder, url):
    update_child(log, by=holder, version=log.version, first_name="Omdøpt")

    assert "Omdøpt" in page_text(seen, url)


@pytest.mark.parametrize("url", PAGES)
def test_a_deadline_passing_marks_the_concern_overdue_at_midnight_R_MEAS_02(
    seen, log, actor, url, monkeypatch
):
    make_concern(log, actors=[actor], deadline=timezone.localdate(), description="I dag")
    assert "concern--overdue" not in page_text(seen, url)

    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)

    assert "concern--overdue" in page_text(seen, url)


@pytest.mark.parametrize("url", PAGES)
def test_each_actor_sees_only_their_own_kept_list_R_ROLE_05(
    seen, log, holder, actor_other_unit, url
):
    set_level(log, by=holder, level=2)  # an actor of another unit may then be attached
    make_concern(log, actors=[actor_other_unit], description="Den andres bekymring")
    theirs = page_text(browser_of(actor_other_unit), url)

    assert "Den andres bekymring" in theirs
    assert "Første bekymring" not in theirs
    assert "Den andres bekymring" not in page_text(seen, url)


@pytest.mark.parametrize(("url", "name"), [("/", "home"), ("/logger/", "logs:list")])
def test_a_kept_list_still_records_each_read_R_SEC_01(seen, log, actor, url, name):
    page_text(seen, url)  # kept since the fixture's view

    reads = AuditEvent.objects.filter(actor=actor, action="log.viewed", log_id=log.pk)
    assert [event.data["page"] for event in reads].count(name) == 2


def test_min_side_is_keyed_on_the_actors_open_logs_only_R_ACT_02(actor, holder, unit):
    """Issue 9: an actor has worked on far more closed logs than open ones, and Min side
    shows nothing of a closed log (actor_worklist), so its key reads only the open ones: a
    log waiting for a transfer is still open, a passive one is not."""
    logs = {status: make_log(holder, unit) for status in LogStatus.values}
    for status, log in logs.items():
        make_concern(log, actors=[actor])
        Log.objects.filter(pk=log.pk).update(status=status)

    keyed = {row[0] for row in log_versions(actor, Role.ACTOR, open_only=True)}

    assert keyed == {logs[LogStatus.ACTIVE].pk, logs[LogStatus.TRANSFER_PENDING].pk}
    assert {row[0] for row in log_versions(actor, Role.ACTOR)} == {log.pk for log in logs.values()}
