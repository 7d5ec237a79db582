"""The actor's upcoming meetings on Min side are rendered once per set of rows they show and
kept (home.views, common.splice.rendered_for_rows, issue 9): a meeting planned, moved,
cancelled, ended or the actor taken off shows on the next view, and two actors never see
each other's (R-ACT-02, R-ROLE-05, R-MEET-05)."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

import home.views
from logs.services import update_child
from meetings.services import cancel_meeting, update_meeting
from organisations.enums import Role
from tests.factories import MembershipFactory, UserFactory, make_log
from tests.meetings.conftest import make_meeting
from tests.pages import browser_of, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def log2(holder, unit):
    return make_log(holder, unit, level=2)


@pytest.fixture
def seen(client, actor, log2):
    """The actor is invited to one meeting and has looked at Min side: its list is kept."""
    make_meeting(log2, place="Møterom Først", actors=[actor])
    client.force_login(actor)
    assert "Møterom Først" in page_text(client, "/")
    return client


def test_a_new_invitation_shows_at_once_R_ACT_02(seen, log2, actor):
    make_meeting(log2, place="Møterom Ny", actors=[actor])

    assert "Møterom Ny" in page_text(seen, "/")


def test_a_moved_meeting_shows_its_new_place_at_once_R_MEET_05(seen, log2, holder):
    meeting = log2.meetings.get()
    update_meeting(meeting, by=holder, version=meeting.version, place="Møterom Flyttet")

    page = page_text(seen, "/")
    assert "Møterom Flyttet" in page and "Møterom Først" not in page


def test_a_cancelled_meeting_and_an_actor_taken_off_leave_at_once_R_ROLE_05(
    seen, log2, holder, actor
):
    other = make_meeting(log2, place="Møterom Andre", actors=[actor])
    assert "Møterom Andre" in page_text(seen, "/")
    cancel_meeting(other, by=holder)
    assert "Møterom Andre" not in page_text(seen, "/")

    meeting = log2.meetings.get(place="Møterom Først")
    update_meeting(meeting, by=holder, version=meeting.version, actors=[])
    assert "Møterom Først" not in page_text(seen, "/")


def test_a_meeting_leaves_when_it_ends_R_ACT_02(seen, log2, actor, monkeypatch):
    starts = timezone.now() - timedelta(minutes=30)
    ends = starts + timedelta(minutes=40)
    make_meeting(log2, place="Møterom Nå", actors=[actor], starts_at=starts, ends_at=ends)
    assert "Møterom Nå" in page_text(seen, "/")

    later = timezone.now() + timedelta(minutes=20)
    monkeypatch.setattr(timezone, "now", lambda: later)  # the clock alone moves on

    assert "Møterom Nå" not in page_text(seen, "/")


def test_the_childs_new_name_shows_at_once_R_ACT_02(seen, log2, holder):
    update_child(log2, by=holder, version=log2.version, first_name="Omdøpt")

    assert "Omdøpt" in page_text(seen, "/")


def test_another_actor_sees_only_their_own_meetings_R_ROLE_05(seen, unit):
    other = UserFactory(first_name="Olav", last_name="Annen")
    MembershipFactory(user=other, unit=unit, role=Role.ACTOR)
    page = page_text(browser_of(other), "/")
    assert "Møterom Først" not in page
    assert "Ingen kommende møter" in page


def test_a_kept_list_is_not_rendered_again(seen, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the kept list was rendered again")

    monkeypatch.setattr("common.splice.render_to_string", refuse)

    assert "Møterom Først" in page_text(seen, "/")


def test_the_query_is_built_once_a_day_not_on_every_view_R_ACT_02(seen, monkeypatch):
    """Issue 9: building the queryset cost more than the rest of the list; it holds the
    day, not the moment, and is compiled once (common.compiled)."""
    monkeypatch.setattr(home.views._ACTOR_MEETINGS, "_kept", {})
    assert "Møterom Først" in page_text(seen, "/")

    def refuse(*args, **kwargs):
        raise AssertionError("the query was built again")

    monkeypatch.setattr("home.views.upcoming_meetings_for", refuse)

    assert "Møterom Først" in page_text(seen, "/")


@pytest.mark.parametrize("ended", [1, 3])
def test_meetings_that_ended_earlier_today_are_left_out_however_many_R_ACT_02(
    client, actor, log2, monkeypatch, ended
):
    """The list reads the day's meetings with the upcoming ones and leaves out those that
    have ended; when more ended today than it read along, it asks again with the moment."""
    noon = timezone.make_aware(datetime.combine(timezone.localdate(), time(12)))
    monkeypatch.setattr(timezone, "now", lambda: noon)
    monkeypatch.setattr(home.views, "HOME_MEETINGS", 2)
    monkeypatch.setattr(home.views, "ENDED_TODAY", 1)
    monkeypatch.setattr(home.views._ACTOR_MEETINGS, "_kept", {})  # compiled for 2 + 1 rows
    for hour in range(8, 8 + ended):
        starts = noon.replace(hour=hour)
        ends = starts + timedelta(minutes=45)
        make_meeting(log2, place=f"Ferdig {hour}", actors=[actor], starts_at=starts, ends_at=ends)
    for hour in (13, 14, 15):
        starts = noon.replace(hour=hour)
        ends = starts + timedelta(minutes=45)
        make_meeting(log2, place=f"Kommende {hour}", actors=[actor], starts_at=starts, ends_at=ends)
    client.force_login(actor)

    page = page_text(client, "/")

    assert "Kommende 13" in page and "Kommende 14" in page
    assert "Kommende 15" not in page  # no more than the list shows
    assert "Ferdig" not in page
