"""The main navigation (R-GEN-07) and the actor's worklist (R-ACT-01, R-ACT-02) in a browser:
the pages reached through the navigation with the current one marked, axe on every page, and
the header within a 320 px screen in bokmål and in English."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from logs.services import set_level
from meetings.services import create_meeting
from organisations.enums import Role
from tests.browser.conftest import check_axe, log_in
from tests.factories import (
    CONCERN_SENTINEL,
    PASSWORD,
    MembershipFactory,
    make_concern,
    make_log,
)

pytestmark = pytest.mark.browser


def _nav(page: Page):
    # By its class: its name is translated, and the English test reads it too.
    return page.locator("nav.main-nav")


def _expect_current(page: Page, label: str) -> None:
    """`label` is the one entry marked as the current page."""
    current = _nav(page).locator('[aria-current="page"]')
    expect(current).to_have_count(1)
    expect(current).to_have_text(label)
    check_axe(page)


def _go(page: Page, label: str, url: str) -> None:
    _nav(page).get_by_role("link", name=label, exact=True).click()
    expect(page).to_have_url(re.compile(url))
    _expect_current(page, label)


def test_the_actor_goes_from_min_side_to_mine_aktorbarn_and_into_the_log_R_ACT_01_R_ACT_02(
    page, holder, unit, actor, actor_other_unit
):
    log = make_log(holder, unit, first_name="Sofie", last_name="Sol")
    set_level(log, by=holder, level=2)
    mine = make_concern(
        log,
        actors=[actor],
        deadline=timezone.localdate() - timedelta(days=2),
        description="Sofie strever med lesing",
    )
    make_concern(log, actors=[actor_other_unit], description=CONCERN_SENTINEL)
    starts = timezone.now() + timedelta(days=3)
    create_meeting(
        log,
        by=holder,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        place="Møterom Sol",
        concerns=[mine],
        actors=[actor],
    )

    log_in(page, actor.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/$"))
    _expect_current(page, "Min side")
    main = page.locator("main")
    expect(main.get_by_role("heading", name="Sofie Sol – Språk og kommunikasjon")).to_be_visible()
    expect(main.get_by_text("Frist passert").first).to_be_visible()
    expect(main.get_by_text("Møterom Sol")).to_be_visible()
    expect(main).not_to_contain_text(CONCERN_SENTINEL)

    _go(page, "Mine aktørbarn", r"/logger/$")
    expect(main.get_by_role("heading", level=2, name="Sofie Sol")).to_be_visible()
    expect(main).to_contain_text("Sofie strever med lesing")
    expect(main).not_to_contain_text(CONCERN_SENTINEL)

    main.get_by_role("link", name="Språk og kommunikasjon").first.click()
    expect(page).to_have_url(re.compile(rf"/logger/{log.pk}/#concern-{mine.pk}$"))
    expect(page.locator(f"#concern-{mine.pk}")).to_be_visible()
    _expect_current(page, "Mine aktørbarn")  # the log is under its list

    _go(page, "Møter", r"/moter/$")
    _go(page, "Notater", r"/notater/$")
    _go(page, "Min side", r"/$")


def test_the_holder_reaches_every_page_through_the_navigation_R_GEN_07(page, holder, log):
    log_in(page, holder.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/$"))
    _expect_current(page, "Min side")
    _go(page, "Mine stafettbarn", r"/logger/$")
    page.locator("main").get_by_role("link", name=log.child.full_name).click()
    expect(page).to_have_url(re.compile(rf"/logger/{log.pk}/$"))
    _expect_current(page, "Mine stafettbarn")
    _go(page, "Møter", r"/moter/$")
    _go(page, "Aktører", r"/aktorer/$")
    _go(page, "Notater", r"/notater/$")
    # A page outside the navigation marks nothing.
    page.goto("/konto/innstillinger/")
    expect(_nav(page).locator('[aria-current="page"]')).to_have_count(0)
    # From the keyboard: the entries follow the header's controls in the tab order.
    _nav(page).get_by_role("link", name="Møter").focus()
    page.keyboard.press("Tab")
    expect(_nav(page).get_by_role("link", name="Aktører")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/aktorer/$"))


def _fits(page: Page, path: str) -> None:
    """No sideways scroll, and no navigation entry broken over two lines."""
    page.goto(path)
    found = page.evaluate(
        """() => ({
            scroll: document.documentElement.scrollWidth,
            client: document.documentElement.clientWidth,
            broken: [...document.querySelectorAll('.main-nav__link')]
                .filter((a) => a.getClientRects().length > 1
                    || a.getBoundingClientRect().right > document.documentElement.clientWidth)
                .map((a) => a.textContent),
            controls: [...document.querySelectorAll(
                    '.site-header select, .site-header button, .site-header summary')]
                .filter((e) => e.getBoundingClientRect().right
                    > document.documentElement.clientWidth)
                .map((e) => e.outerHTML.slice(0, 80)),
        })"""
    )
    assert found["scroll"] <= found["client"], f"{path} scrolls sideways at 320 px: {found}"
    assert not found["broken"], f"{path}: navigation entries broken or cut: {found}"
    assert not found["controls"], f"{path}: header controls outside the screen: {found}"
    check_axe(page)


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_header_and_navigation_fit_320_px_in_bokmal_and_english_R_GEN_07(
    page, holder, unit, log, language
):
    """A person with three roles (the role switch shown), in each role's navigation, at 320
    px: the page never scrolls sideways and the role switch, the user menu and the language
    switch stay on the screen and usable."""
    MembershipFactory(user=holder, unit=unit, role=Role.ACTOR)
    MembershipFactory(user=holder, unit=unit, role=Role.LEADER)
    make_concern(log, actors=[holder])
    page.set_viewport_size({"width": 320, "height": 640})
    log_in(page, holder.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/$"))
    if language == "en":
        page.locator("header #language-select").select_option("en")
        page.locator("header .language-switcher button").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    for role, paths in [
        (Role.HOLDER, ["/", "/logger/", f"/logger/{log.pk}/", "/moter/", "/aktorer/"]),
        (Role.ACTOR, ["/", "/logger/", "/notater/"]),
        (Role.LEADER, ["/"]),
    ]:
        page.locator("header #role-select").select_option(role.value)
        page.locator("header .role-switcher button").click()
        expect(page.locator("header #role-select")).to_have_value(role.value)
        for path in paths:
            _fits(page, path)
        expect(_nav(page).get_by_role("link").first).to_be_visible()
    # The user menu opens within the screen.
    page.locator("header details.user-menu summary").click()
    box = page.locator(".user-menu__list").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 320, box
