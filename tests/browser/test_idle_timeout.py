"""Idle time-out with a warning and «Forbli innlogget» (R-GEN-03)."""

import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.conftest import check_axe, log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

TIMEOUT = 8
WARNING = 4
SETTINGS_PATH = "/konto/innstillinger/"


@pytest.fixture
def short_idle_timeout(settings, monkeypatch):
    settings.STAFETT_IDLE_TIMEOUT = TIMEOUT
    settings.STAFETT_IDLE_WARNING = WARNING
    # In production activity is written at most every 10 s, far below the 20-minute time-out;
    # with an 8 s time-out every request must count, as it effectively does in production.
    monkeypatch.setattr("accounts.middleware._ACTIVITY_RESOLUTION", 0)


def _login_page_returning_to(path: str):
    def matches(url: str) -> bool:
        parts = urlsplit(url)
        return parts.path == "/konto/logg-inn/" and parse_qs(parts.query).get("next") == [path]

    return matches


def _seconds_left(page: Page) -> int:
    """What the server says is left; asking does not count as activity."""
    response = page.request.get("/konto/okt/")
    assert response.ok
    return response.json()["remaining"]


def test_idle_warning_stay_signed_in_then_time_out_and_return_R_GEN_03(
    page, holder, short_idle_timeout
):
    """R-GEN-03: before the idle time-out the page warns (an alertdialog described by its
    countdown) and offers to stay signed in; staying keeps the session past the original
    deadline; without action the user is signed out, sent to log in with a message, and after
    logging in returns to the page they were on."""
    log_in(page, holder.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/$"))
    page.goto(SETTINGS_PATH)
    last_activity = time.monotonic()
    check_axe(page)

    dialog = page.locator("#idle-dialog")
    expect(dialog).to_be_hidden()
    # The warning comes WARNING seconds before the time-out.
    expect(dialog).to_be_visible(timeout=(TIMEOUT - WARNING + 3) * 1000)
    assert time.monotonic() - last_activity >= TIMEOUT - WARNING - 1
    expect(dialog.get_by_role("heading", name="Du blir snart logget ut")).to_be_visible()
    # WCAG 2.2.1, 4.1.2: an alertdialog named by its title and described by the countdown.
    alert = page.get_by_role("alertdialog", name="Du blir snart logget ut")
    expect(alert).to_be_visible()
    expect(alert).to_have_accessible_description(re.compile(r"Om \d+ sekunder blir du logget ut"))
    stay = dialog.get_by_role("button", name="Forbli innlogget")
    expect(stay).to_be_visible()
    expect(stay).to_be_focused()
    check_axe(page)
    original_deadline = last_activity + TIMEOUT

    stay.click()
    expect(dialog).to_be_hidden()
    stayed_at = time.monotonic()

    # Past the original deadline the user is still signed in, on the same page.
    time.sleep(max(0.0, original_deadline + 1 - time.monotonic()))
    assert _seconds_left(page) > 0
    expect(page).to_have_url(re.compile(re.escape(SETTINGS_PATH) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Innstillinger")

    # Now no action: the warning comes back, and at the deadline the user is signed out.
    expect(dialog).to_be_visible(timeout=(TIMEOUT - WARNING + 3) * 1000)
    try:
        page.wait_for_url(_login_page_returning_to(SETTINGS_PATH), timeout=(WARNING + 8) * 1000)
    except PlaywrightTimeoutError:
        pytest.fail(
            f"Still signed in at {page.url} {time.monotonic() - stayed_at:.0f} s after the last "
            f"activity (time-out {TIMEOUT} s): the reload at the end of the countdown reached "
            "the server before its deadline and counted as activity."
        )
    assert time.monotonic() - stayed_at >= TIMEOUT - 1
    expect(page.locator("#messages")).to_contain_text(
        "Du ble logget ut fordi du ikke har vært aktiv på en stund. Logg inn igjen."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Logg inn")
    check_axe(page)

    page.get_by_label("E-post").fill(holder.email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page).to_have_url(re.compile(re.escape(SETTINGS_PATH) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Innstillinger")
