"""Choosing actors inside the form (issue 7, items 10 and 11): the meeting form's actor picker
as a combobox driven from the keyboard, the same form without JavaScript where a search keeps
everything typed, and a new measure that registers a new actor (manual §3.4.3). axe on every
page visited; the fixtures fail the test on any CSP violation or JavaScript error."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from meetings.models import Meeting
from tests.browser.conftest import check_axe, log_in
from tests.factories import PASSWORD, VALID_NATIONAL_ID, make_concern, make_log

pytestmark = pytest.mark.browser


def _local(days: int, hour: int) -> str:
    day = timezone.localdate() + timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:00"


def _check_axe_without_javascript(new_page, page) -> None:
    """axe needs JavaScript timers, which a context without JavaScript never runs: check the
    very page it shows, scripts removed, in a context with JavaScript (R-GEN-06)."""
    html = re.sub(r"<script\b[^>]*>.*?</script>", "", page.content(), flags=re.S)
    twin = new_page()
    twin.route(
        page.url,
        lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html),
    )
    twin.goto(page.url)
    check_axe(twin)


def _fill_meeting(page) -> None:
    page.locator("#id_starts_at").fill(_local(7, 10))
    page.locator("#id_ends_at").fill(_local(7, 11))
    page.get_by_label("Sted").fill("Testskolen, møterom 2")
    page.get_by_label("Agenda").fill("Hvordan går det i friminuttene?")


def test_holder_chooses_an_actor_with_the_keyboard_in_the_meeting_form_R_MEET_04_R_GEN_04(
    page, holder, unit, actor, actor_other_unit, actor_other_municipality
):
    log = make_log(holder, unit, level=2)
    searches = []
    page.on("request", lambda r: searches.append(r.url) if "/aktorer/sok/" in r.url else None)
    log_in(page, holder.email, PASSWORD)
    page.goto(f"/moter/ny/logg/{log.pk}/")
    check_axe(page)
    _fill_meeting(page)

    picker = page.locator("#id_actors")
    combobox = picker.get_by_role("combobox", name="Søk etter aktør")
    listbox = picker.get_by_role("listbox")
    assert combobox.get_attribute("aria-expanded") == "false"
    assert combobox.get_attribute("aria-controls") == "id_actors_listbox"
    # Nobody is listed before a search: a city has thousands of actors.
    assert picker.get_by_role("checkbox").count() == 0

    combobox.focus()
    page.keyboard.type("pet")
    listbox.get_by_role("option", name="Petra PPT Testbarnehagen").wait_for()
    assert combobox.get_attribute("aria-expanded") == "true"
    assert "1 aktør funnet" in picker.get_by_role("status").inner_text()
    assert "Anne Fjern" not in listbox.inner_text()
    check_axe(page)

    page.keyboard.press("ArrowDown")
    option = listbox.get_by_role("option").first
    assert combobox.get_attribute("aria-activedescendant") == option.get_attribute("id")
    assert option.get_attribute("aria-selected") == "true"
    page.keyboard.press("Escape")
    assert combobox.get_attribute("aria-expanded") == "false"
    assert not combobox.get_attribute("aria-activedescendant")
    assert combobox.input_value() == "pet"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")

    # Chosen: a ticked checkbox in the form, the box emptied, the choice announced.
    chosen = picker.get_by_role("checkbox", name="Petra PPT (Testbarnehagen)")
    assert chosen.is_checked()
    assert combobox.input_value() == ""
    assert combobox.get_attribute("aria-expanded") == "false"
    assert "Petra PPT er lagt til" in picker.get_by_role("status").inner_text()
    assert page.evaluate("document.activeElement.id") == "id_actors_q"
    # Nothing else of the form travelled with the search.
    assert searches
    assert all("m%C3%B8terom" not in url and "place" not in url for url in searches)
    # Typing and choosing changed nothing else in the form (R-GEN-04).
    assert page.get_by_label("Sted").input_value() == "Testskolen, møterom 2"
    check_axe(page)

    # A second actor, chosen with the mouse; then one removed again by unticking.
    combobox.fill("anders")
    listbox.get_by_role("option", name="Anders Aktør Testskolen").click()
    anders = picker.get_by_role("checkbox", name="Anders Aktør (Testskolen)")
    assert anders.is_checked()
    anders.uncheck()

    page.get_by_role("button", name="Lagre og send invitasjoner").click()
    page.get_by_text("Møtet er lagret, og invitasjonene sendes på e-post.").wait_for()
    check_axe(page)
    meeting = Meeting.objects.get()
    invited = set(meeting.invitations.exclude(user=None).values_list("user_id", flat=True))
    assert actor_other_unit.pk in invited
    assert actor.pk not in invited


def test_without_javascript_the_search_button_keeps_what_was_typed_R_GEN_04_R_MEET_04(
    new_page, holder, unit, actor, actor_other_unit
):
    log = make_log(holder, unit, level=2)
    page = new_page(java_script_enabled=False)
    # As log_in(), whose axe run needs JavaScript; the login page is checked elsewhere.
    page.goto("/konto/logg-inn/")
    page.get_by_label("E-post").fill(holder.email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url("**/")
    page.goto(f"/moter/ny/logg/{log.pk}/")
    _check_axe_without_javascript(new_page, page)
    _fill_meeting(page)
    page.get_by_text("Registrer ny aktør", exact=True).click()
    page.locator("#id_new_actor-first_name").fill("Petter")

    picker = page.locator("#id_actors")
    picker.get_by_role("searchbox", name="Søk etter aktør").fill("pet*")
    picker.get_by_role("button", name="Søk", exact=True).click()
    page.wait_for_load_state()

    # The same form, everything typed still there, no error messages, and the hits to tick.
    picker.get_by_role("checkbox", name="Petra PPT (Testbarnehagen)").wait_for()
    assert "1 aktør funnet" in picker.get_by_role("status").inner_text()
    assert page.get_by_label("Sted").input_value() == "Testskolen, møterom 2"
    assert page.get_by_label("Agenda").input_value() == "Hvordan går det i friminuttene?"
    assert page.locator("#id_starts_at").input_value() == _local(7, 10)
    assert page.locator("#id_new_actor-first_name").input_value() == "Petter"
    assert picker.get_by_role("searchbox").input_value() == "pet*"
    # Back in the box that was searched, which names the count (aria-describedby).
    assert page.evaluate("document.activeElement.id") == "id_actors_q"
    assert page.locator(".ds-validation-message").count() == 0
    assert not Meeting.objects.exists()
    _check_axe_without_javascript(new_page, page)

    picker.get_by_role("checkbox", name="Petra PPT (Testbarnehagen)").check()
    page.locator("#id_new_actor-first_name").fill("")
    page.get_by_role("button", name="Lagre og send invitasjoner").click()
    page.get_by_text("Møtet er lagret, og invitasjonene sendes på e-post.").wait_for()
    _check_axe_without_javascript(new_page, page)
    assert Meeting.objects.get().invitations.filter(user=actor_other_unit).exists()


def test_a_new_measure_registers_a_new_actor_R_MEAS_01_R_MEET_03(page, holder, unit, other_unit):
    log = make_log(holder, unit, level=2)
    concern = make_concern(log)
    log_in(page, holder.email, PASSWORD)
    page.goto(f"/logger/{log.pk}/")
    page.get_by_role("link", name="Nytt tiltak").first.click()
    page.wait_for_url(f"**/oppmerksomheter/{concern.pk}/tiltak/ny/")
    check_axe(page)

    page.get_by_label("Tiltakskategori").select_option(index=1)
    page.get_by_label("Beskriv tiltaket").fill("Samtaler med PPT")
    page.get_by_label("Tiltaksfrist").fill((timezone.localdate() + timedelta(days=20)).isoformat())
    page.get_by_text("Registrer ny aktør", exact=True).click()
    page.locator("#id_new_actor-first_name").fill("Petter")
    page.locator("#id_new_actor-last_name").fill("Psykolog")
    page.locator("#id_new_actor-email").fill("petter@example.no")
    page.locator("#id_new_actor-unit").select_option(label="Testbarnehagen")
    page.locator("#id_new_actor-national_id").fill("12345678901")
    page.get_by_role("button", name="Lagre").click()

    # R-GEN-04: refused next to the field, nothing typed lost, nobody registered.
    page.locator("#id_new_actor-national_id_error").wait_for()
    assert page.get_by_label("Beskriv tiltaket").input_value() == "Samtaler med PPT"
    assert page.locator("#id_new_actor-first_name").input_value() == "Petter"
    assert not get_user_model().objects.filter(email="petter@example.no").exists()
    check_axe(page)

    page.locator("#id_new_actor-national_id").fill(VALID_NATIONAL_ID)
    page.get_by_role("button", name="Lagre").click()
    page.get_by_text("Nytt tiltak er lagt til.").wait_for()
    check_axe(page)
    person = get_user_model().objects.get(email="petter@example.no")
    measure = concern.measures.get(description="Samtaler med PPT")
    assert list(measure.actors.all()) == [person]
    assert "Petter Psykolog" in page.content()
    assert VALID_NATIONAL_ID not in page.content()
