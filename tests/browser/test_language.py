"""Language: the header switcher and the Settings page (R-GEN-01, R-GEN-02)."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import check_axe, log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

# The user-menu link to Settings in each language (locale/*/LC_MESSAGES/django.po).
SETTINGS_LINK = {"nb": "Innstillinger", "nn": "Innstillingar", "en": "Settings"}


def _header_language(page: Page):
    return page.locator("header #language-select")


def _expect_language(page: Page, code: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", code)
    expect(_header_language(page)).to_have_value(code)
    expect(page.locator("header #language-select option:checked")).to_have_attribute("lang", code)


def _open_settings_from_user_menu(page: Page, code: str) -> None:
    menu = page.locator("header details.user-menu")
    menu.locator("summary").click()
    link = menu.get_by_role("link", name=SETTINGS_LINK[code], exact=True)
    expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(re.compile(r"/konto/innstillinger/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(SETTINGS_LINK[code])


def test_header_switcher_changes_language_and_remembers_it_R_GEN_01_R_GEN_02(page, holder):
    """R-GEN-01, R-GEN-02: the header switcher turns the whole page into nynorsk, then
    English; the choice is saved on the user."""
    log_in(page, holder.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/$"))
    _expect_language(page, "nb")
    check_axe(page)

    switcher = page.locator("header").get_by_label("Språk", exact=True)
    expect(page.locator("header").get_by_role("button", name="Bytt språk")).to_be_visible()
    # Choosing does not navigate (WCAG 3.2.2, keyboard users go through the list); the button does.
    switcher.select_option("nn")
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    page.locator("header").get_by_role("button", name="Bytt språk").click()
    _expect_language(page, "nn")
    expect(page).to_have_url(re.compile(r"/$"))
    check_axe(page)

    _open_settings_from_user_menu(page, "nn")
    _expect_language(page, "nn")
    check_axe(page)

    _header_language(page).select_option("en")
    page.locator("header").get_by_role("button", name="Byt språk").click()
    _expect_language(page, "en")
    # The switcher returns to the page the user was on.
    expect(page).to_have_url(re.compile(r"/konto/innstillinger/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Settings")
    expect(page.locator("header .user-menu").get_by_text("Settings", exact=True)).to_have_count(1)
    check_axe(page)

    holder.refresh_from_db()
    assert holder.language == "en"


def test_header_switcher_works_without_our_javascript_R_GEN_01(new_page, db):
    """R-GEN-01: without stafett.js (progressive enhancement) the select and its «Bytt språk»
    button switch language, also before logging in."""
    page = new_page()
    # The page's own script is withheld; the test can still run axe through DevTools.
    page.route("**/static/js/stafett.js", lambda route: route.abort())
    page.goto("/konto/logg-inn/")
    _expect_language(page, "nb")
    check_axe(page)

    page.get_by_label("Språk", exact=True).select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "nb")  # nothing submitted on change
    page.get_by_role("button", name="Bytt språk").click()
    _expect_language(page, "en")
    expect(page).to_have_url(re.compile(r"/konto/logg-inn/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    expect(page.get_by_role("button", name="Change language")).to_be_visible()
    check_axe(page)


def test_language_chosen_in_settings_applies_at_next_login_R_GEN_01(page, new_page, holder):
    """R-GEN-01: the language saved on the Settings page is stored on the user and applies
    at the next login, in another browser."""
    log_in(page, holder.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/$"))
    check_axe(page)
    _open_settings_from_user_menu(page, "nb")
    check_axe(page)

    page.locator("#main").get_by_label("Språk").select_option("nn")
    page.get_by_role("button", name="Lagre").click()
    expect(page).to_have_url(re.compile(r"/konto/innstillinger/$"))
    _expect_language(page, "nn")
    expect(page.locator("#main").get_by_label("Språk")).to_have_value("nn")
    expect(page.get_by_role("heading", level=1)).to_have_text("Innstillingar")
    check_axe(page)

    holder.refresh_from_db()
    assert holder.language == "nn"

    # Another browser, no language cookie, a bokmål browser locale: the login page is in
    # bokmål, and after login the user's own language applies.
    other = new_page()
    log_in(other, holder.email, PASSWORD)
    expect(other).to_have_url(re.compile(r"/$"))
    _expect_language(other, "nn")
    expect(
        other.locator("header .user-menu").get_by_text("Innstillingar", exact=True)
    ).to_have_count(1)
    check_axe(other)
