"""The pages at 320 CSS pixels (WCAG 1.4.10 Reflow: 1280 px at 400 % zoom) and the header's
user menu by keyboard (R-GEN-06, R-GEN-07)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from logs.services import add_guardian, set_level
from meetings.services import create_meeting
from tests.browser.conftest import check_axe, log_in
from tests.factories import PASSWORD, guardian_data, make_concern

pytestmark = pytest.mark.browser

# No hyphen to break at: a browser breaks such a word only where CSS lets it.
LONG_EMAIL = "kristinemariehaugensandvikforesatt@barnehageogskoleetaten.example.no"


def _expect_no_horizontal_scroll(page: Page, path: str) -> None:
    page.goto(path)
    widths = page.evaluate(
        """() => {
            const root = document.documentElement;
            // The innermost boxes whose content sticks out (scrolling boxes may).
            const wide = [...document.querySelectorAll('body *')]
                .filter((e) => e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 1
                    && getComputedStyle(e).overflowX === 'visible')
                .slice(-3)
                .map((e) => e.tagName.toLowerCase() + '.' + e.className
                    + ' «' + (e.textContent || '').trim().slice(0, 60) + '»');
            return {scroll: root.scrollWidth, client: root.clientWidth, wide};
        }"""
    )
    assert widths["scroll"] <= widths["client"], f"{path} scrolls sideways at 320 px: {widths}"
    check_axe(page)


@pytest.fixture
def narrow(page: Page) -> Page:
    page.set_viewport_size({"width": 320, "height": 640})
    return page


def test_the_main_pages_fit_a_320_px_screen_R_GEN_06_R_GEN_07(
    narrow, holder, log, actor_other_unit, guardian_user
):
    """R-GEN-06: no page scrolls sideways at 320 px, also with a long e-mail address in the
    guardian list, and with the error summary of a refused save."""
    set_level(log, by=holder, level=2)
    add_guardian(log, by=holder, **guardian_data(first_name="Kristine", email=LONG_EMAIL))
    concern = make_concern(log, actors=[actor_other_unit])
    start = timezone.now() + timedelta(days=7)
    meeting = create_meeting(
        log,
        by=holder,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        place="Testskolen, møterom 2",
        concerns=[concern],
        guardians=list(log.guardians.all()),
        actors=[actor_other_unit],
    )

    _expect_no_horizontal_scroll(narrow, "/konto/logg-inn/")
    log_in(narrow, holder.email, PASSWORD)
    narrow.wait_for_url("**/")
    for path in [
        "/",
        "/logger/",
        "/logger/ny/",
        f"/logger/{log.pk}/",
        f"/logger/{log.pk}/barn/",
        f"/logger/{log.pk}/oppmerksomheter/ny/",
        f"/moter/ny/logg/{log.pk}/",
        f"/moter/{meeting.pk}/",
        "/moter/",
        "/notater/",
        "/aktorer/",
        "/konto/innstillinger/",
        "/konto/passord/",
    ]:
        _expect_no_horizontal_scroll(narrow, path)
    narrow.goto(f"/logger/{log.pk}/")
    expect(narrow.locator(".guardian-list")).to_contain_text(LONG_EMAIL)

    # A refused save: the error summary and the messages fit too.
    narrow.goto("/logger/ny/")
    narrow.get_by_role("button", name="Lagre og åpne logg").click()
    expect(narrow.locator("[data-error-summary]")).to_be_focused()
    widths = narrow.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], widths

    # The guardian's own pages.
    narrow.context.clear_cookies()
    log_in(narrow, guardian_user.email, PASSWORD)
    narrow.wait_for_url("**/")
    for path in ["/", f"/logger/{log.pk}/", f"/moter/{meeting.pk}/"]:
        _expect_no_horizontal_scroll(narrow, path)


def test_escape_closes_the_user_menu_and_returns_to_its_button_R_GEN_07(page, holder):
    """R-GEN-07, WCAG 2.1.1: the header's user menu opens from the keyboard and Escape closes
    it, with the focus back on the button that opened it."""
    log_in(page, holder.email, PASSWORD)
    page.wait_for_url("**/")
    menu = page.locator("header details.user-menu")
    button = menu.locator("summary")
    settings_link = menu.get_by_role("link", name="Innstillinger")

    button.focus()
    page.keyboard.press("Enter")
    expect(settings_link).to_be_visible()
    page.keyboard.press("Tab")
    expect(menu.get_by_role("link", name="Notater")).to_be_focused()
    check_axe(page)

    page.keyboard.press("Escape")
    expect(settings_link).to_be_hidden()
    expect(button).to_be_focused()

    # Opened by mouse, Escape closes it too.
    button.click()
    expect(settings_link).to_be_visible()
    page.keyboard.press("Escape")
    expect(settings_link).to_be_hidden()
    expect(button).to_be_focused()


def test_the_user_menu_opens_inside_a_320_px_screen_R_GEN_06_R_GEN_07(narrow, holder):
    """WCAG 1.4.10: every link of the opened user menu is on the screen at 320 px."""
    log_in(narrow, holder.email, PASSWORD)
    narrow.wait_for_url("**/")
    narrow.locator("header details.user-menu summary").click()

    box = narrow.locator(".user-menu__list").bounding_box()

    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320, box
    check_axe(narrow)
