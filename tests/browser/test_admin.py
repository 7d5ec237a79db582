"""The Django admin as a municipality administrator uses it (R-ROLE-02, R-GEN-06): every page
and a form error pass axe with WCAG 2.2 AA."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_axe, log_in
from tests.factories import PASSWORD, concern_category, measure_category

pytestmark = pytest.mark.browser


def test_a_municipality_administrator_works_in_an_accessible_admin_R_GEN_06_R_ROLE_02(
    page, municipality_admin, holder, unit
):
    concern_category(unit.municipality)
    measure_category(unit.municipality)
    log_in(page, municipality_admin.email, PASSWORD)
    page.wait_for_url("**/")

    page.goto("/admin/")
    check_axe(page)
    page.goto("/admin/accounts/user/")
    check_axe(page)
    page.get_by_role("link", name=holder.email).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_axe(page)

    page.goto("/admin/organisations/membership/add/")
    check_axe(page)
    page.get_by_role("button", name="Lagre", exact=True).click()
    expect(page.locator(".errornote")).to_be_visible()
    check_axe(page)

    page.goto("/admin/organisations/concerncategory/")
    check_axe(page)
