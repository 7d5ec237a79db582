"""Form errors and saves as a screen-reader or keyboard user meets them (R-GEN-04, R-GEN-06).

After a refused save the focus is on an error summary (role=alert) whose links take the focus
to each field, and the title starts with «Feil:»; after a save the message is read out. axe
runs on every error state (WCAG 2.2 AA).
"""

import re

import pytest
from playwright.sync_api import Page, expect

from logs.services import set_level
from tests.browser.conftest import check_axe, log_in
from tests.factories import PASSWORD, make_concern, make_log

pytestmark = pytest.mark.browser


def _expect_error_state(page: Page, field_id: str, message: str) -> None:
    """The summary has the focus and announces itself; its link moves the focus to the field."""
    summary = page.locator("[data-error-summary][role=alert]")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Feil: .+ – Stafettlogg$"))
    check_axe(page)
    link = summary.locator(f'a[href="#{field_id}"]')
    expect(link).to_contain_text(message)
    link.click()
    expect(page.locator(f"#{field_id}")).to_be_focused()
    # The field is shown with its label or legend, not scrolled under the top edge.
    expect(page.locator(f"#{field_id}")).to_be_in_viewport()


def test_a_new_log_sent_empty_focuses_the_error_summary_R_GEN_04_R_GEN_06(page, holder, unit):
    log_in(page, holder.email, PASSWORD)
    page.wait_for_url("**/")
    page.goto("/logger/ny/")
    page.get_by_role("button", name="Lagre og åpne logg").click()
    _expect_error_state(page, "id_child-first_name", "Fornavn")


def test_a_new_concern_sent_empty_focuses_the_error_summary_R_GEN_04_R_GEN_06(page, holder, log):
    log_in(page, holder.email, PASSWORD)
    page.wait_for_url("**/")
    page.goto(f"/logger/{log.pk}/oppmerksomheter/ny/")
    page.get_by_role("button", name="Lagre", exact=True).click()
    _expect_error_state(page, "id_description", "Beskriv oppmerksomheten")


def test_a_new_meeting_sent_empty_focuses_the_error_summary_R_GEN_04_R_GEN_06(page, holder, log):
    log_in(page, holder.email, PASSWORD)
    page.wait_for_url("**/")
    page.goto(f"/moter/ny/logg/{log.pk}/")
    page.get_by_role("button", name="Lagre og send invitasjoner").click()
    _expect_error_state(page, "id_starts_at", "Starter")


def test_settings_and_password_errors_focus_the_error_summary_R_GEN_04_R_GEN_06(page, holder):
    log_in(page, holder.email, PASSWORD)
    page.wait_for_url("**/")
    page.goto("/konto/innstillinger/")
    page.get_by_label("Telefon").fill("ring meg")
    page.get_by_role("button", name="Lagre").click()
    _expect_error_state(page, "id_phone", "Telefon: Skriv et gyldig telefonnummer")

    page.goto("/konto/passord/")
    page.get_by_label("Gammelt passord").fill("ikke-det-gamle")
    page.get_by_label("Nytt passord", exact=True).fill("Et helt nytt passord 2")
    page.get_by_label("Bekreft nytt passord").fill("Et helt nytt passord 2")
    page.get_by_role("button", name="Bytt passord").click()
    _expect_error_state(page, "id_old_password", "Gammelt passord")


def test_a_refused_level_shows_its_error_next_to_the_choices_R_GEN_04_R_LOG_03(
    page, holder, unit, actor_other_unit
):
    """R-LOG-03: level 1 is refused while an open measure has an actor of another unit; the
    reason is next to the radio buttons (and in the summary), not only at the top."""
    log = make_log(holder, unit)
    set_level(log, by=holder, level=2)
    make_concern(log, actors=[actor_other_unit])

    log_in(page, holder.email, PASSWORD)
    page.wait_for_url("**/")
    page.goto(f"/logger/{log.pk}/")
    page.get_by_label("Nivå 1", exact=False).first.check()
    page.get_by_role("button", name="Endre nivå").click()

    group = page.get_by_role("group", name="Vurderingsnivå")
    expect(group).to_contain_text("kan ikke settes til nivå 1")
    expect(group).to_have_accessible_description(re.compile("kan ikke settes til nivå 1"))
    expect(page.locator("#id_level_0")).to_have_attribute("aria-invalid", "true")
    _expect_error_state(page, "id_level_0", "Vurderingsnivå")
    log.refresh_from_db()
    assert log.level == 2


def test_the_message_after_a_save_is_read_out_R_GEN_04(page, holder):
    """R-GEN-04: the confirmation is announced: the status message gets the focus after the
    page has loaded (see announceMessages in static/js/stafett.js for why not a live region)."""
    log_in(page, holder.email, PASSWORD)
    page.wait_for_url("**/")
    page.goto("/konto/innstillinger/")
    page.get_by_label("Telefon").fill("912 34 567")
    page.get_by_role("button", name="Lagre").click()

    messages = page.get_by_role("status")
    expect(messages).to_have_text("Innstillingene er lagret.")
    expect(messages).to_be_focused()
    check_axe(page)
    # A page without a message leaves the focus alone.
    page.goto("/konto/innstillinger/")
    expect(page.get_by_role("status")).to_be_empty()
    expect(page.get_by_role("status")).not_to_be_focused()
