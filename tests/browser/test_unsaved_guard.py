"""Unsaved changes, failed and successful saves on the Settings page (R-GEN-05, R-GEN-04)."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import check_axe, log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

SETTINGS_URL = re.compile(r"/konto/innstillinger/$")
HOME_URL = re.compile(r"^https?://[^/]+/$")


def _open_settings(page: Page, user) -> list[str]:
    """Log in, open Settings; returns the list that collects native browser dialogs."""
    native_dialogs: list[str] = []

    def record(dialog):
        native_dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", record)
    log_in(page, user.email, PASSWORD)
    expect(page).to_have_url(HOME_URL)
    check_axe(page)
    page.goto("/konto/innstillinger/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Innstillinger")
    check_axe(page)
    return native_dialogs


def test_leaving_with_unsaved_changes_asks_stay_or_leave_R_GEN_05(page, holder):
    """R-GEN-05: a link away from a changed form asks first; «Bli på siden» keeps the page and
    what was typed, «Forlat siden» leaves."""
    native_dialogs = _open_settings(page, holder)
    leave_dialog = page.locator("[data-leave-dialog]")
    brand = page.locator("header").get_by_role("link", name="Stafettlogg")

    # Nothing changed yet: links just work.
    brand.click()
    expect(page).to_have_url(HOME_URL)
    page.go_back()
    expect(page).to_have_url(SETTINGS_URL)

    phone = page.get_by_label("Telefon")
    phone.fill("912 34 567")
    brand.click()
    expect(leave_dialog).to_be_visible()
    expect(leave_dialog.get_by_role("heading")).to_have_text("Du har endringer som ikke er lagret")
    check_axe(page)

    leave_dialog.get_by_role("button", name="Bli på siden").click()
    expect(leave_dialog).to_be_hidden()
    expect(page).to_have_url(SETTINGS_URL)
    expect(phone).to_have_value("912 34 567")

    brand.click()
    expect(leave_dialog).to_be_visible()
    leave_dialog.get_by_role("button", name="Forlat siden").click()
    expect(page).to_have_url(HOME_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Min side – Stafettholder")
    assert native_dialogs == [], "the browser's own leave-page prompt should not show as well"

    holder.refresh_from_db()
    assert holder.phone == ""


def test_save_is_confirmed_and_errors_keep_the_input_R_GEN_04_R_GEN_05(page, holder):
    """R-GEN-05: saving the changed form is not stopped by the guard. R-GEN-04: an invalid
    phone is explained next to the field and what was typed is kept; a valid save is
    confirmed at the top of the page."""
    native_dialogs = _open_settings(page, holder)
    leave_dialog = page.locator("[data-leave-dialog]")
    phone = page.get_by_label("Telefon")
    first_name = page.get_by_label("Fornavn")

    first_name.fill("Hanna")
    phone.fill("abc")
    page.get_by_role("button", name="Lagre").click()
    expect(page).to_have_url(SETTINGS_URL)
    expect(leave_dialog).to_be_hidden()
    phone = page.get_by_label("Telefon")
    expect(phone).to_have_attribute("aria-invalid", "true")
    expect(phone).to_have_accessible_description(re.compile("Skriv et gyldig telefonnummer"))
    expect(page.locator("#id_phone_error")).to_contain_text(
        "Skriv et gyldig telefonnummer, for eksempel 912 34 567 eller +47 912 34 567."
    )
    # Nothing typed is lost, also in the other fields.
    expect(phone).to_have_value("abc")
    expect(page.get_by_label("Fornavn")).to_have_value("Hanna")
    expect(page.locator("#messages")).not_to_contain_text("Innstillingene er lagret.")
    check_axe(page)
    holder.refresh_from_db()
    assert (holder.first_name, holder.phone) == ("Hanne", "")

    phone.fill("+47 912 34 567")
    page.get_by_role("button", name="Lagre").click()
    expect(page).to_have_url(SETTINGS_URL)
    expect(leave_dialog).to_be_hidden()
    messages = page.locator("#messages")
    expect(messages).to_have_text("Innstillingene er lagret.")
    # The message is at the top of the main content, before the heading.
    assert page.evaluate(
        """() => {
            const heading = document.querySelector('main h1');
            const message = document.querySelector('#messages');
            return !!(message.compareDocumentPosition(heading) & Node.DOCUMENT_POSITION_FOLLOWING);
        }"""
    )
    expect(page.get_by_label("Telefon")).to_have_value("+47 912 34 567")
    expect(page.get_by_label("Telefon")).not_to_have_attribute("aria-invalid", "true")
    check_axe(page)
    assert native_dialogs == [], "submitting the form must not ask to leave the page"

    holder.refresh_from_db()
    assert (holder.first_name, holder.phone) == ("Hanna", "+47 912 34 567")

    # After the save nothing is unsaved: links work without asking.
    page.locator("header").get_by_role("link", name="Stafettlogg").click()
    expect(page).to_have_url(HOME_URL)
    expect(leave_dialog).to_be_hidden()
