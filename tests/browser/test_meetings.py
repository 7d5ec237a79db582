"""The holder plans a level-2 meeting in the browser (issue 4): choose the child from Min side,
search for an actor, register a new one in the same flow, get a bad time refused without
losing anything, save, and find the meeting on Min side. axe on every page visited."""

from datetime import timedelta

import pytest
from django.utils import timezone

from meetings.enums import InviteeRole
from meetings.models import Meeting
from notifications.enums import Kind
from notifications.models import OutgoingEmail
from tests.browser.conftest import check_axe, choose_actor, log_in
from tests.factories import PASSWORD, VALID_NATIONAL_ID, make_log

pytestmark = pytest.mark.browser


def _local(days: int, hour: int) -> str:
    day = timezone.localdate() + timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:00"


def test_holder_plans_a_level_2_meeting_and_registers_a_new_actor_R_MEET_01_R_MEET_03_R_MEET_04(
    page, holder, unit, actor_other_unit
):
    log = make_log(holder, unit, level=2)

    log_in(page, holder.email, PASSWORD)
    page.goto("/")
    check_axe(page)

    # R-MEET-01: from Min side, choose the child first.
    page.get_by_role("link", name="Nytt møte").click()
    check_axe(page)
    page.get_by_label("Stafettbarn").select_option(label="Sara Stafett")
    page.get_by_role("button", name="Gå videre").click()
    page.wait_for_url(f"**/moter/ny/logg/{log.pk}/")
    check_axe(page)
    assert page.get_by_label("Nivå 2 – trenger hjelp fra andre").is_checked()

    # R-MEET-04: search the municipality for an actor of another unit, then choose her.
    choose_actor(page, "pet*", "Petra PPT (Testbarnehagen)")
    check_axe(page)

    # The meeting, with an end before its start.
    page.locator("#id_starts_at").fill(_local(7, 10))
    page.locator("#id_ends_at").fill(_local(7, 9))
    page.get_by_label("Sted").fill("Testskolen, møterom 2")
    page.get_by_label("Agenda").fill("Hvordan går det i friminuttene?")

    # R-MEET-03: register a new actor in the same flow, with a valid national ID number.
    page.get_by_text("Registrer ny aktør", exact=True).click()
    page.locator("#id_new_actor-first_name").fill("Petter")
    page.locator("#id_new_actor-last_name").fill("Psykolog")
    page.locator("#id_new_actor-email").fill("petter@example.no")
    page.locator("#id_new_actor-unit").select_option(label="Testbarnehagen")
    page.locator("#id_new_actor-national_id").fill(VALID_NATIONAL_ID)
    page.get_by_role("button", name="Lagre og send invitasjoner").click()

    # R-GEN-04: refused next to the field; nothing typed is lost.
    page.locator("#id_ends_at_error").wait_for()
    assert "slutte etter" in page.locator("#id_ends_at_error").inner_text()
    assert page.locator("#id_new_actor-first_name").input_value() == "Petter"
    assert page.get_by_label("Sted").input_value() == "Testskolen, møterom 2"
    assert page.locator("#id_actors").get_by_label("Petra PPT (Testbarnehagen)").is_checked()
    assert not Meeting.objects.exists()
    check_axe(page)

    page.locator("#id_ends_at").fill(_local(7, 11))
    page.get_by_role("button", name="Lagre og send invitasjoner").click()
    page.get_by_text("Møtet er lagret, og invitasjonene sendes på e-post.").wait_for()
    check_axe(page)

    meeting = Meeting.objects.get()
    assert meeting.level == 2
    invited = {i.name: i.role for i in meeting.invitations.all()}
    assert invited["Petter Psykolog"] == InviteeRole.ACTOR
    assert invited["Petra PPT"] == InviteeRole.ACTOR
    assert invited["Hanne Holder"] == InviteeRole.HOLDER
    assert "Petter Psykolog" in page.content()
    assert OutgoingEmail.objects.filter(kind=Kind.MEETING, to="petter@example.no").exists()
    assert VALID_NATIONAL_ID not in page.content()

    # R-HOLD-02: the meeting is listed under «Tverrfaglige møter» on Min side.
    page.goto("/")
    section = page.locator("section", has=page.get_by_role("heading", name="Tverrfaglige møter"))
    section.get_by_text("Testskolen, møterom 2").wait_for()
    check_axe(page)
    section.get_by_role("link").first.click()
    page.wait_for_url(f"**/moter/{meeting.pk}/")
    check_axe(page)
