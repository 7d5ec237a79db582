"""The log's whole history in the browser (R-LOG-08): from the log page to the history page
and on to its second page, each checked with axe, and at 320 px (R-GEN-06)."""

import pytest
from playwright.sync_api import Page, expect

from logs.services import set_level
from logs.views import HISTORY_PAGE_SIZE
from tests.browser.conftest import check_axe, log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_the_holder_reads_the_whole_history_page_by_page_R_LOG_08_R_GEN_06(page: Page, holder, log):
    for change in range(HISTORY_PAGE_SIZE + 3):
        set_level(log, by=holder, level=2 if change % 2 == 0 else 1)
    page.set_viewport_size({"width": 320, "height": 640})
    log_in(page, holder.email, PASSWORD)
    page.wait_for_url("**/")

    page.goto(f"/logger/{log.pk}/")
    page.get_by_role("link", name="Se hele historikken").click()
    page.wait_for_url(f"**/logger/{log.pk}/historikk/")
    expect(page.get_by_text("Side 1 av 2")).to_be_visible()
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], widths
    check_axe(page)

    page.get_by_role("link", name="Neste").click()
    page.wait_for_url("**/historikk/?side=2")
    expect(page.get_by_text("Side 2 av 2")).to_be_visible()
    expect(page.get_by_text("Loggen ble opprettet")).to_be_visible()
    check_axe(page)
