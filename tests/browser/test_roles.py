"""One person, several roles, one Min side per role (R-ROLE-01)."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import check_axe, log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def _min_side_heading(page: Page):
    return page.get_by_role("heading", level=1)


def test_multi_role_user_switches_between_own_roles_R_ROLE_01(page, multi_role_user):
    """R-ROLE-01: a leader who is also a holder sees exactly those two roles in the header
    switcher, and each role has its own Min side."""
    log_in(page, multi_role_user.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(_min_side_heading(page)).to_have_text("Min side – Virksomhetsleder")
    check_axe(page)

    switcher = page.locator("header").get_by_label("Rolle", exact=True)
    expect(switcher).to_be_visible()
    options = switcher.locator("option")
    expect(options).to_have_text(["Virksomhetsleder", "Stafettholder"])
    expect(options).to_have_count(2)
    expect(switcher.locator("option", has_text="Aktør")).to_have_count(0)
    expect(switcher.locator("option", has_text="Foresatt")).to_have_count(0)
    expect(switcher).to_have_value("leader")
    expect(page.locator("header").get_by_role("button", name="Bytt rolle")).to_be_visible()

    switcher.select_option("holder")
    page.locator("header").get_by_role("button", name="Bytt rolle").click()
    expect(_min_side_heading(page)).to_contain_text("Stafettholder")
    expect(page.get_by_role("heading", name="Mine stafettbarn")).to_be_visible()
    expect(page.locator("#messages")).to_contain_text("Du bruker nå rollen Stafettholder.")
    expect(page.locator("header").get_by_label("Rolle", exact=True)).to_have_value("holder")
    check_axe(page)

    # The active role stays for the session.
    page.reload()
    expect(_min_side_heading(page)).to_have_text("Min side – Stafettholder")

    page.locator("header").get_by_label("Rolle", exact=True).select_option("leader")
    page.locator("header").get_by_role("button", name="Bytt rolle").click()
    expect(_min_side_heading(page)).to_have_text("Min side – Virksomhetsleder")
    expect(page.get_by_role("heading", name="Stafettholdere og aktører")).to_be_visible()
    expect(page.locator("header").get_by_label("Rolle", exact=True)).to_have_value("leader")
    check_axe(page)


def test_single_role_user_has_no_role_select_R_ROLE_01(page, holder):
    """R-ROLE-01: with one role there is nothing to switch: the header names the role."""
    log_in(page, holder.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(_min_side_heading(page)).to_have_text("Min side – Stafettholder")
    expect(page.locator("#role-select")).to_have_count(0)
    expect(page.locator("header").get_by_label("Rolle")).to_have_count(0)
    expect(page.locator("header")).to_contain_text("Rolle: Stafettholder")
    check_axe(page)
