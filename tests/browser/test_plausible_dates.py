"""A mistyped year in the browser (R-GEN-04, R-MEET-01): the holder types year 0001 for a
meeting, is told next to the field, keeps everything typed, corrects it and saves; the log
page then shows the meeting. axe on every page visited."""

from datetime import timedelta

import pytest
from django.utils import timezone

from meetings.models import Meeting
from tests.browser.conftest import check_axe, log_in
from tests.factories import PASSWORD, make_log

pytestmark = pytest.mark.browser


def test_a_meeting_typed_for_year_1_is_refused_next_to_the_field_and_corrected_R_GEN_04(
    page, holder, unit
):
    log = make_log(holder, unit, level=2)
    day = (timezone.localdate() + timedelta(days=7)).isoformat()
    log_in(page, holder.email, PASSWORD)
    page.goto(f"/moter/ny/logg/{log.pk}/")

    page.locator("#id_starts_at").fill("0001-01-01T00:30")
    page.locator("#id_ends_at").fill(f"{day}T10:00")
    page.get_by_label("Sted").fill("Testskolen, møterom 2")
    page.get_by_role("button", name="Lagre og send invitasjoner").click()

    error = page.locator("#id_starts_at_error")
    error.wait_for()
    assert "tre måneder tilbake" in error.inner_text()
    assert page.locator("#id_starts_at").input_value() == "0001-01-01T00:30"
    assert page.get_by_label("Sted").input_value() == "Testskolen, møterom 2"
    assert not Meeting.objects.exists()
    check_axe(page)

    page.locator("#id_starts_at").fill(f"{day}T09:00")
    page.get_by_role("button", name="Lagre og send invitasjoner").click()
    page.get_by_text("Møtet er lagret, og invitasjonene sendes på e-post.").wait_for()
    check_axe(page)
    page.goto(f"/logger/{log.pk}/")
    page.get_by_text("Testskolen, møterom 2").wait_for()
    check_axe(page)
