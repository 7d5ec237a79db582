"""The leader's journey through their staff in the browser (R-LEAD-02, R-LEAD-04): Min side,
then Brukere, sorted by a column header, on to the next page and down as CSV, with axe on
every page and nothing of a child on any of them (R-ROLE-03)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from organisations.enums import Role
from staff.overview_views import USERS_PAGE_SIZE
from tests.browser.conftest import check_axe, log_in
from tests.factories import (
    CONCERN_SENTINEL,
    PASSWORD,
    MembershipFactory,
    UserFactory,
    make_concern,
    make_log,
)

pytestmark = pytest.mark.browser


def _fits(page: Page) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], widths


def test_the_leader_follows_their_staff_from_min_side_to_the_csv_R_LEAD_02_R_LEAD_04(
    page: Page, unit, leader, holder, actor
):
    log = make_log(holder, unit, first_name="Sentinelbarn")
    make_concern(
        log,
        actors=[actor],
        deadline=timezone.localdate() - timedelta(days=3),
        description=CONCERN_SENTINEL,
    )
    for n in range(USERS_PAGE_SIZE):
        MembershipFactory(user=UserFactory(last_name=f"Ansatt{n:03}"), unit=unit, role=Role.ACTOR)

    log_in(page, leader.email, PASSWORD)
    page.wait_for_url("**/")
    expect(page.get_by_role("heading", name="Stafettholdere og aktører")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Anders Aktør")
    expect(row.get_by_role("cell").last).to_have_text("1")
    check_axe(page)

    page.get_by_role("link", name="Alle brukere, med innlogging og oppfølging av tiltak").click()
    page.wait_for_url("**/ansatte/brukere/")
    expect(page.get_by_role("heading", name="Brukere", level=1)).to_be_visible()
    expect(page.get_by_text("Side 1 av 2")).to_be_visible()
    check_axe(page)

    # Sorted by a header's link: first going up, then, the same link again, going down.
    page.get_by_role("link", name="Tiltak over frist").click()
    page.wait_for_url("**/ansatte/brukere/?sort=over-frist")
    expect(page.get_by_role("columnheader", name="Tiltak over frist")).to_have_attribute(
        "aria-sort", "ascending"
    )
    page.get_by_role("link", name="Tiltak over frist").click()
    page.wait_for_url("**/ansatte/brukere/?sort=-over-frist")
    header = page.get_by_role("columnheader", name="Tiltak over frist")
    expect(header).to_have_attribute("aria-sort", "descending")
    first_row = page.locator("tbody tr").first
    expect(first_row).to_contain_text("Anders Aktør")
    check_axe(page)

    page.get_by_role("link", name="Neste").click()
    page.wait_for_url("**/ansatte/brukere/?sort=-over-frist&side=2")
    expect(page.get_by_text("Side 2 av 2")).to_be_visible()
    check_axe(page)
    page.set_viewport_size({"width": 320, "height": 640})
    _fits(page)
    check_axe(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Last ned som CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("brukere-")
    text = download.path().read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("Navn;Roller og virksomheter;Sist innlogget")
    assert lines[1].startswith("Anders Aktør;")  # the same order as the page
    assert len(lines) == 1 + USERS_PAGE_SIZE + 3  # header, the new actors, leader, holder, actor
    for secret in ("Sentinelbarn", CONCERN_SENTINEL):
        assert secret not in text

    page.goto("/")
    _fits(page)
    check_axe(page)
