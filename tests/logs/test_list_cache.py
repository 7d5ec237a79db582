"""*Mine stafettbarn* keeps its table until the person's logs change (logs.list_cache):
every change shows on the next view, page by page, to each person only their own
(R-HOLD-01, R-MEAS-02, R-GUAR-01)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from logs.enums import LogStatus
from logs.models import Child, Log
from logs.services import set_level, transfer_log
from logs.views import LOG_LIST_PAGE_SIZE
from tests.factories import make_concern, make_log


def log_list(client, query: str = "") -> str:
    response = client.get(f"/logger/{query}")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def seen(client, holder, log):
    """The holder has Mine stafettbarn open: its table is kept."""
    client.force_login(holder)
    log_list(client)
    return client


def test_a_new_log_a_level_a_name_and_a_status_show_at_once_R_HOLD_01(seen, log, holder, unit):
    make_log(holder, unit, first_name="Nyfrid")
    assert "Nyfrid" in log_list(seen)

    set_level(log, by=holder, level=3)
    assert "<td>3</td>" in log_list(seen)

    child = Child.objects.get(pk=log.child_id)
    child.first_name = "Omdøpt"
    child.save()
    assert "Omdøpt" in log_list(seen)

    Log.objects.filter(pk=log.pk).update(status=LogStatus.PASSIVE)
    assert "Passiv" in log_list(seen)


def test_an_overdue_measure_and_midnight_mark_the_log_R_MEAS_02(seen, log, monkeypatch):
    make_concern(log, deadline=timezone.localdate())
    assert "row--overdue" not in log_list(seen)

    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)

    assert "row--overdue" in log_list(seen)


def test_each_page_is_kept_on_its_own_and_counted_without_a_count_query_R_HOLD_01(
    seen, holder, unit
):
    for n in range(LOG_LIST_PAGE_SIZE):
        make_log(holder, unit, first_name=f"Barn{n:02d}", last_name="Zeta")
    first, second = log_list(seen), log_list(seen, "?side=2")

    assert "Side 1 av 2" in first
    assert "Side 2 av 2" in second
    assert "Barn49 Zeta" in second
    assert "Barn49 Zeta" not in first
    assert "Side 2 av 2" in log_list(seen, "?side=99")


def test_a_log_handed_on_leaves_the_senders_list_only_when_accepted_R_HOLD_01(
    seen, log, holder, other_holder, unit
):
    name = log.child.full_name
    recipient = Client()
    recipient.force_login(other_holder)
    assert name not in log_list(recipient)

    transfer_log(log, by=holder, to_user=other_holder, to_unit=unit, reason="Flytter")

    assert name in log_list(seen)
    assert name not in log_list(recipient)


def test_a_guardian_sees_only_their_own_childs_logs_R_GUAR_01(
    client, seen, log, guardian_user, holder, unit
):
    other = make_log(holder, unit, first_name="Ikkemitt")
    assert "Ikkemitt" in log_list(seen)

    guardian = Client()
    guardian.force_login(guardian_user)
    shown = log_list(guardian)

    assert log.child.first_name in shown
    assert other.child.first_name not in shown
