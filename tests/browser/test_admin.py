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


def test_an_operator_reads_the_audit_trail_and_names_administrators_R_SEC_01_R_GEN_06(
    page, operator, municipality, holder, log, monkeypatch
):
    """The operator's pages at a city's scale (issue 9): the audit trail with its filters and
    search, and a municipality's administrators chosen by searching for the person rather
    than from a list of everyone. Each passes axe."""
    from audit.admin import AuditEventAdmin, CountedToTheLastPage
    from audit.models import AuditEvent

    AuditEvent.objects.create(actor=holder, role="holder", action="log.viewed", log_id=log.pk)
    AuditEvent.objects.create(actor=holder, role="holder", action="concern.created")
    log_in(page, operator.email, PASSWORD)
    page.wait_for_url("**/")

    page.goto("/admin/audit/auditevent/")
    check_axe(page)
    page.get_by_role("link", name="log.viewed").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    check_axe(page)
    page.goto("/admin/audit/auditevent/")
    page.locator("#searchbar").fill(holder.email.upper())
    page.get_by_role("button", name="Søk").click()
    by_holder = AuditEvent.objects.filter(actor=holder).count()
    expect(page.locator("#result_list tbody tr")).to_have_count(by_holder)
    check_axe(page)
    # A city's trail is counted only as far as its pages go, and says so.
    monkeypatch.setattr(AuditEventAdmin, "list_per_page", 1)
    monkeypatch.setattr(CountedToTheLastPage, "LAST_PAGE", 2)
    page.goto("/admin/audit/auditevent/")
    expect(page.locator("p.paginator")).to_contain_text("Flere enn 2 revisjonshendelser")
    expect(page.locator("#changelist-search")).to_contain_text("Flere enn 2 treff")
    check_axe(page)
    page.get_by_role("link", name="2", exact=True).click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)

    page.goto(f"/admin/organisations/municipality/{municipality.pk}/change/")
    check_axe(page)
    page.locator(".select2-selection").click()
    page.locator(".select2-search__field").fill(holder.last_name)
    page.get_by_role("option", name=holder.get_full_name(), exact=False).click()
    check_axe(page)
    page.get_by_role("button", name="Lagre", exact=True).click()
    expect(page.locator(".messagelist")).to_be_visible()
    check_axe(page)
    assert municipality.administrators.filter(pk=holder.pk).exists()
