"""*Tverrfaglige møter* for holders and guardians is rendered once and kept until their logs
change or the first upcoming meeting ends (meetings.list_page, issue 9): each change shows on
the next view, and each person sees only their own (R-HOLD-02, R-GUAR-01, R-MEET-05)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from logs.services import update_child
from meetings import list_page
from meetings.services import cancel_meeting
from tests.factories import make_log
from tests.meetings.conftest import make_meeting
from tests.pages import browser_of, page_text

UPCOMING = reverse("meetings:list")
PAST = UPCOMING + "?tidligere=1"


@pytest.fixture
def seen(client, holder, log2):
    """The holder has both lists open, with one meeting planned: the lists are kept."""
    make_meeting(log2, place="Møterom Først")
    client.force_login(holder)
    assert "Møterom Først" in page_text(client, UPCOMING)
    assert "Møterom Først" not in page_text(client, PAST)
    return client


def test_a_meeting_planned_or_cancelled_shows_at_once_R_HOLD_02_R_MEET_05(seen, log2, holder):
    meeting = make_meeting(log2, place="Møterom Ny")
    assert "Møterom Ny" in page_text(seen, UPCOMING)

    cancel_meeting(meeting, by=holder)

    assert "Møterom Ny" not in page_text(seen, UPCOMING)
    assert "Møterom Ny" in page_text(seen, PAST)


def test_a_meeting_moves_to_the_past_when_it_ends_R_HOLD_02(seen, log2, monkeypatch):
    # Going on now, over in ten minutes.
    starts = timezone.now() - timedelta(minutes=30)
    make_meeting(log2, place="Møterom Nå", starts_at=starts, ends_at=starts + timedelta(minutes=40))
    assert "Møterom Nå" in page_text(seen, UPCOMING)
    assert "Møterom Nå" not in page_text(seen, PAST)

    # Twenty minutes on, nothing changed but the clock.
    later = timezone.now() + timedelta(minutes=20)
    monkeypatch.setattr(list_page, "_now", lambda: later)

    assert "Møterom Nå" not in page_text(seen, UPCOMING)
    assert "Møterom Nå" in page_text(seen, PAST)
    assert "Møterom Først" in page_text(seen, UPCOMING)


def test_the_childs_new_name_shows_at_once_R_HOLD_02(seen, log2, holder):
    update_child(log2, by=holder, version=log2.version, first_name="Omdøpt")

    assert "Omdøpt" in page_text(seen, UPCOMING)


def test_each_holder_sees_only_their_own_kept_list_R_ROLE_04(seen, other_holder, unit):
    make_meeting(make_log(other_holder, unit, level=2), place="Møterom Annen")
    theirs = page_text(browser_of(other_holder), UPCOMING)

    assert "Møterom Annen" in theirs
    assert "Møterom Først" not in theirs
    assert "Møterom Annen" not in page_text(seen, UPCOMING)


def test_a_guardian_sees_a_meeting_as_it_is_planned_R_GUAR_01(log2, guardian_user, client):
    guardian = log2.guardians.first()
    guardian.user = guardian_user
    guardian.save()
    client.force_login(guardian_user)
    assert "Møterom Foresatt" not in page_text(client, UPCOMING)

    make_meeting(log2, place="Møterom Foresatt")

    assert "Møterom Foresatt" in page_text(client, UPCOMING)
