"""Min side's lists of logs and upcoming meetings are rendered once and kept until the
person's logs change (home.overview): every change shows on the next view, to each person
only their own (R-HOLD-02, R-GUAR-01, R-MEAS-02, R-TRAN-04)."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from home import overview
from logs.enums import LogStatus
from logs.models import Child, Log
from logs.services import (
    accept_transfer,
    set_level,
    transfer_log,
    update_child,
    withdraw_transfer,
)
from meetings.services import cancel_meeting, create_meeting
from tests.factories import make_concern, make_log
from tests.pages import browser_of, page_text


def min_side(client) -> str:
    return page_text(client, "/")


@pytest.fixture
def seen(client, holder, log):
    """The holder has Min side open: its lists are kept."""
    client.force_login(holder)
    min_side(client)
    return client


def plan(log, *, place: str, days: int = 3):
    starts = timezone.now() + timedelta(days=days)
    return create_meeting(
        log, by=log.holder, starts_at=starts, ends_at=starts + timedelta(hours=1), place=place
    )


def test_a_new_log_and_its_changes_show_at_once_R_HOLD_02(seen, log, holder, unit):
    make_log(holder, unit, first_name="Nyfrid")
    assert "Nyfrid" in min_side(seen)

    log.refresh_from_db()
    update_child(log, by=holder, version=log.version, first_name="Omdøpt")
    assert "Omdøpt" in min_side(seen)

    set_level(log, by=holder, level=3)
    assert "<td>3</td>" in min_side(seen)


def test_an_overdue_measure_marks_the_log_at_once_and_at_midnight_R_MEAS_02(seen, log, monkeypatch):
    make_concern(log, deadline=timezone.localdate())
    assert "row--overdue" not in min_side(seen)

    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)

    assert "row--overdue" in min_side(seen)


def test_a_child_changed_without_the_services_shows_at_once_R_HOLD_02(seen, log):
    child = Child.objects.get(pk=log.child_id)
    child.first_name = "Direkte"
    child.save()

    assert "Direkte" in min_side(seen)


def test_a_log_handed_on_leaves_one_list_and_joins_the_other_R_TRAN_04(
    seen, log, holder, other_holder, unit
):
    name = log.child.full_name
    recipient = Client()
    recipient.force_login(other_holder)
    assert name not in min_side(recipient)

    transfer = transfer_log(log, by=holder, to_user=other_holder, to_unit=unit, reason="Flytter")
    accept_transfer(transfer, by=other_holder)

    assert name not in min_side(seen)
    assert name in min_side(recipient)


def test_meetings_show_when_planned_and_leave_when_cancelled_or_ended_R_HOLD_02(
    seen, log, monkeypatch
):
    meeting = plan(log, place="Møterom Vest", days=1)
    # Going on now, over in ten minutes.
    starts = timezone.now() - timedelta(minutes=30)
    create_meeting(
        log,
        by=log.holder,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=40),
        place="Møterom Øst",
    )
    shown = min_side(seen)
    assert "Møterom Vest" in shown
    assert "Møterom Øst" in shown

    cancel_meeting(meeting, by=log.holder)
    assert "Møterom Vest" not in min_side(seen)
    assert "Møterom Øst" in min_side(seen)

    # Twenty minutes on, nothing changed but the clock: the ended meeting is gone.
    later = timezone.now() + timedelta(minutes=20)
    monkeypatch.setattr(overview, "_now", lambda: later)
    assert "Møterom Øst" not in min_side(seen)


def test_each_holder_sees_only_their_own_kept_lists_R_HOLD_02(seen, log, other_holder, unit):
    make_log(other_holder, unit, first_name="Annenmanns")
    plan(log, place="Bare holderens møterom")
    assert "Bare holderens møterom" in min_side(seen)

    other = Client()
    other.force_login(other_holder)
    shown = min_side(other)

    assert "Annenmanns" in shown
    assert log.child.first_name not in shown
    assert "Bare holderens møterom" not in shown


def test_a_passive_log_leaves_the_holders_list_R_HOLD_02(seen, log):
    name = log.child.full_name
    assert name in min_side(seen)
    Log.objects.filter(pk=log.pk).update(status=LogStatus.PASSIVE)

    assert name not in min_side(seen)


def test_a_guardian_sees_their_childs_meetings_as_they_change_R_GUAR_01(client, log, guardian_user):
    client.force_login(guardian_user)
    min_side(client)
    plan(log, place="Foreldremøte i biblioteket")

    assert "Foreldremøte i biblioteket" in min_side(client)


def test_a_unit_renamed_shows_at_once_on_both_lists_R_HOLD_01_R_HOLD_02(seen, log, unit):
    unit.name = "Nyskolen oppvekstsenter"
    unit.save()

    # In the table's cell, not only in the header, which names the person's units.
    assert "<td>Nyskolen oppvekstsenter</td>" in min_side(seen)
    assert "<td>Nyskolen oppvekstsenter</td>" in seen.get("/logger/").content.decode()


def test_a_meeting_of_a_passive_log_follows_its_childs_name_R_HOLD_02(seen, log):
    """Min side's meetings are those of every held log, a passive one too: its key covers
    them all."""
    plan(log, place="Siste møte")
    Log.objects.filter(pk=log.pk).update(status=LogStatus.PASSIVE)
    assert "Siste møte" in min_side(seen)

    Child.objects.filter(pk=log.child_id).update(first_name="Senere")

    assert "Senere" in min_side(seen)


def test_a_transfer_shows_at_once_and_leaves_when_withdrawn_or_accepted_R_TRAN_04(
    seen, holder, other_holder, unit
):
    offered = make_log(other_holder, unit, first_name="Tilbudt")
    first = transfer_log(offered, by=other_holder, to_user=holder, to_unit=unit, reason="Flytter")
    shown = min_side(seen)
    assert "Flytter" in shown
    assert reverse("logs:transfer_accept", args=[first.pk]) in shown

    withdraw_transfer(first, by=other_holder)
    assert "Flytter" not in min_side(seen)

    offered.refresh_from_db()
    second = transfer_log(offered, by=other_holder, to_user=holder, to_unit=unit, reason="Bytter")
    assert "Bytter" in min_side(seen)
    accept_transfer(second, by=holder)

    shown = min_side(seen)
    assert "Bytter" not in shown
    assert "Tilbudt" in shown  # now in the table of the holder's own logs


def test_a_kept_transfer_carries_each_browsers_own_csrf_token_R_TRAN_04_R_SEC_05(
    seen, holder, other_holder, unit
):
    """The transfers are kept with the CSRF token's place marked (logs.page_cache): another
    browser of the same person, with a CSRF cookie of its own, can still accept."""
    offered = make_log(other_holder, unit, first_name="Tilbudt")
    transfer_log(offered, by=other_holder, to_user=holder, to_unit=unit, reason="Flytter")
    assert "Flytter" in min_side(seen)  # rendered and kept

    other_browser = browser_of(holder, csrf_checks=True)
    shown = min_side(other_browser)  # the kept transfers
    action, token = re.search(
        r'<form method="post" action="([^"]+)"[^>]*><input type="hidden" '
        r'name="csrfmiddlewaretoken" value="([^"]+)">',
        shown,
    ).groups()

    response = other_browser.post(action, {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    offered.refresh_from_db()
    assert offered.holder_id == holder.pk


def test_a_kept_transfer_still_records_each_read_R_SEC_01(seen, holder, other_holder, unit):
    offered = make_log(other_holder, unit, first_name="Tilbudt")
    transfer_log(offered, by=other_holder, to_user=holder, to_unit=unit, reason="Flytter")
    min_side(seen)
    min_side(seen)  # kept

    reads = AuditEvent.objects.filter(actor=holder, log_id=offered.pk, data__page="home")
    assert reads.count() == 2
