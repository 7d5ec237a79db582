"""The leader's Min side keeps its rendered table under the very rows it shows (home.views,
issue 9): whatever changes a name, a role, a unit or a number shows on the next view, in the
leader's language, and two leaders see only their own units (R-LEAD-02, R-ROLE-03)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from organisations.enums import Role
from organisations.models import Unit
from tests.factories import MembershipFactory, UserFactory, make_concern, make_log
from tests.pages import browser_of, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def seen(client, leader, holder, actor, unit):
    """The leader has looked at Min side once: its table is kept."""
    make_log(holder, unit)
    client.force_login(leader)
    page = page_text(client, "/")
    assert "Hanne Holder" in page and "Anders Aktør" in page
    return client


def _held_logs(client, holder) -> int:
    response = client.get("/")
    [row] = [r for r in response.context["staff"] if r.user_id == holder.pk and r.role == "holder"]
    assert f"<td>{row.held_logs}</td>" in response.content.decode()
    return row.held_logs


def test_a_new_log_counts_at_once_R_LEAD_02(seen, holder, unit):
    assert _held_logs(seen, holder) == 1
    make_log(holder, unit)

    assert _held_logs(seen, holder) == 2


def test_an_overdue_measure_marks_the_actor_at_once_R_LEAD_02(seen, holder, actor, unit):
    assert 'class="row--overdue"' not in page_text(seen, "/")
    log = make_log(holder, unit)
    make_concern(log, actors=[actor], deadline=timezone.localdate() - timedelta(days=1))

    assert 'class="row--overdue"' in page_text(seen, "/")


def test_a_deadline_passing_at_midnight_marks_the_actor_R_LEAD_02(
    seen, holder, actor, unit, monkeypatch
):
    log = make_log(holder, unit)
    make_concern(log, actors=[actor], deadline=timezone.localdate())
    assert 'class="row--overdue"' not in page_text(seen, "/")

    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)

    assert 'class="row--overdue"' in page_text(seen, "/")


def test_a_deactivated_person_and_a_renamed_unit_show_at_once_R_LEAD_02(seen, holder, unit):
    User.objects.filter(pk=holder.pk).update(is_active=False, first_name="Henny")
    Unit.objects.filter(pk=unit.pk).update(name="Nye Solsikken")

    page = page_text(seen, "/")
    assert "Henny Holder (deaktivert)" in page
    assert "Nye Solsikken" in page


def test_the_table_follows_the_leaders_language_R_GEN_05(seen):
    assert "Aktive logger" in page_text(seen, "/")
    seen.cookies["django_language"] = "en"

    page = page_text(seen, "/")
    assert "Active logs" in page and "Aktive logger" not in page


def test_each_leader_sees_only_the_staff_of_their_own_units_R_ROLE_03(
    seen, other_unit, holder_other_unit
):
    other_leader = UserFactory(first_name="Live", last_name="Leder")
    MembershipFactory(user=other_leader, unit=other_unit, role=Role.LEADER)
    page = page_text(browser_of(other_leader), "/")
    assert "Hanne Holder" not in page
    assert "Berit Barnehage" in page
    assert "Berit Barnehage" not in page_text(seen, "/")


def test_a_kept_table_costs_the_same_queries_and_renders_nothing_R_LEAD_02(seen, monkeypatch):
    with CaptureQueriesContext(connection) as first:
        page_text(seen, "/")

    def refuse(*args, **kwargs):  # the table is kept: no template is rendered for it
        raise AssertionError("the kept table was rendered again")

    monkeypatch.setattr("common.splice.render_to_string", refuse)
    with CaptureQueriesContext(connection) as kept:
        assert "Hanne Holder" in page_text(seen, "/")
    assert len(kept) == len(first)


def _count(client) -> int:
    return client.get("/").context["page_obj"].paginator.count


def test_a_leaders_count_of_staff_is_read_on_every_view_R_LEAD_02(seen, unit):
    """Below home.views.KEEP_COUNT_FROM rows, as for any leader of a few units."""
    before = _count(seen)
    MembershipFactory(user=UserFactory(), unit=unit, role=Role.ACTOR)
    assert _count(seen) == before + 1


def test_a_citys_count_of_staff_is_kept_a_minute_and_its_rows_are_not_R_LEAD_02(
    seen, unit, monkeypatch
):
    """A municipality administrator's list of a whole city (issue 9): the count, for the
    pages, is kept COUNT_KEPT seconds; the rows show a new person at once."""
    import time

    from home import views

    monkeypatch.setattr(views, "KEEP_COUNT_FROM", 1)
    before = _count(seen)  # counted, and kept
    with CaptureQueriesContext(connection) as kept:
        assert _count(seen) == before
    with CaptureQueriesContext(connection) as counted:
        views.cache.clear()
        assert _count(seen) == before
    assert len(kept) == len(counted) - 1

    newcomer = UserFactory(first_name="Nina", last_name="Nykommer")
    MembershipFactory(user=newcomer, unit=unit, role=Role.ACTOR)
    response = seen.get("/")
    assert "Nina Nykommer" in response.content.decode()  # the rows: at once
    assert response.context["page_obj"].paginator.count == before  # the count: kept
    later = time.time() + views.COUNT_KEPT + 1
    monkeypatch.setattr("django.core.cache.backends.locmem.time.time", lambda: later)
    assert _count(seen) == before + 1
