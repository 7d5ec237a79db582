"""The actor's upcoming meetings on Min side are rendered once per set of rows they show and
kept (home.views, common.kept_html.rendered_for_rows, issue 9): a meeting planned, moved,
cancelled, ended or the actor taken off shows on the next view, and two actors never see
each other's (R-ACT-02, R-ROLE-05, R-MEET-05)."""

from datetime import timedelta

import pytest
from django.utils import timezone

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

    monkeypatch.setattr("common.kept_html.render_to_string", refuse)

    assert "Møterom Først" in page_text(seen, "/")
