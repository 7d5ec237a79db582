"""The leader's whole journey as users make it, through the main navigation (R-GEN-07): the
leader creates a holder in *Ansatte* (R-LEAD-01), the holder activates from the e-mail in the
outbox, signs in and creates a log with a concern; the leader then finds the holder on *Min
side* with one active log (R-LEAD-02) and in *Brukere* (R-LEAD-04), and *Statistikk* counts
the new log as "<5" where it showed nothing before (R-LEAD-03). The child's name and the
concern's text appear on no leader page (R-ROLE-03). axe on every page."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import activation_path, check_axe, log_in
from tests.factories import CONCERN_SENTINEL, PASSWORD, concern_category, measure_category

pytestmark = pytest.mark.browser

NEW_PASSWORD = "lang-og-trygg-setning-42"
CHILD_FIRST_NAME = "Sentinelbarn"
LOGS_TABLE = "Logger etter virksomhet og status"


def _navigate(page: Page, label: str) -> None:
    """Follow an entry of the main navigation, and check the page it opens."""
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name=label).click()
    expect(
        page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name=label)
    ).to_have_attribute("aria-current", "page")
    check_axe(page)


def _no_child_data(page: Page) -> None:
    body = page.locator("body")
    expect(body).not_to_contain_text(CHILD_FIRST_NAME)
    expect(body).not_to_contain_text(CONCERN_SENTINEL)


def test_the_leader_creates_a_holder_who_logs_a_child_and_shows_in_the_leader_pages_R_LEAD_01_R_LEAD_02_R_LEAD_03_R_LEAD_04_R_GEN_07(  # noqa: E501
    page, new_page, leader, unit, municipality
):
    concern_category(municipality, "Sosial fungering og vennskap")
    measure_category(municipality, "Samtale med barnet")

    log_in(page, leader.email, PASSWORD)
    page.wait_for_url("**/")
    check_axe(page)

    # Before: no log in the leader's units, so the statistics have nothing to show.
    _navigate(page, "Statistikk")
    expect(page.get_by_role("table", name=LOGS_TABLE)).to_have_count(0)
    after_heading = page.get_by_role("heading", name=LOGS_TABLE, level=3).locator(
        "xpath=following-sibling::*[1]"
    )
    expect(after_heading).to_have_text("Ingen i perioden.")
    expect(page.locator("main td", has_text="<5")).to_have_count(0)

    # R-LEAD-01: the new holder, from *Ansatte*.
    _navigate(page, "Ansatte")
    page.get_by_role("link", name="Ny stafettholder / aktør").click()
    check_axe(page)
    page.get_by_label("Fornavn").fill("Nina")
    page.get_by_label("Etternavn").fill("Nyholder")
    page.get_by_label("E-post").fill("nina@example.no")
    page.get_by_label("Virksomhet").select_option(label="Testskolen")
    page.get_by_label("Rolle").select_option(label="Stafettholder")
    page.get_by_role("button", name="Legg til").click()
    expect(page.get_by_text("får en e-post for å aktivere kontoen")).to_be_visible()
    check_axe(page)

    # The holder activates from the e-mail in the outbox, in a browser of their own.
    holder_page = new_page()
    holder_page.goto(activation_path("nina@example.no"))
    check_axe(holder_page)
    holder_page.get_by_label("Nytt passord").fill(NEW_PASSWORD)
    holder_page.get_by_label("Gjenta passordet").fill(NEW_PASSWORD)
    holder_page.get_by_role("button", name="Aktiver og logg inn").click()
    expect(holder_page.get_by_text("Kontoen din er klar")).to_be_visible()
    check_axe(holder_page)

    # … signs in with the chosen password, and logs a child with a concern.
    holder_page.context.clear_cookies()
    log_in(holder_page, "nina@example.no", NEW_PASSWORD)
    holder_page.wait_for_url("**/")
    check_axe(holder_page)
    _navigate(holder_page, "Mine stafettbarn")
    holder_page.get_by_role("link", name="Nytt stafettbarn").click()
    check_axe(holder_page)
    holder_page.locator("#id_child-first_name").fill(CHILD_FIRST_NAME)
    holder_page.locator("#id_child-last_name").fill("Stafett")
    holder_page.locator("#id_child-birth_date").fill("2016-03-04")
    guardian = {"first_name": "Gunn", "last_name": "Stafett", "phone": "912 34 567"}
    for prefix, extra in (("child", {}), ("guardian-0", guardian)):
        address = {"address": "Skoleveien 1", "postcode": "0150", "place": "Oslo", **extra}
        for field, value in address.items():
            holder_page.locator(f"#id_{prefix}-{field}").fill(value)
    holder_page.get_by_role("button", name="Lagre og åpne logg").click()
    expect(holder_page.get_by_text("Stafettloggen er opprettet.")).to_be_visible()
    check_axe(holder_page)
    holder_page.get_by_role("link", name="Ny oppmerksomhet").click()
    check_axe(holder_page)
    holder_page.get_by_label("Beskriv oppmerksomheten").fill(CONCERN_SENTINEL)
    holder_page.get_by_label("Kategori", exact=True).select_option(
        label="Sosial fungering og vennskap"
    )
    holder_page.get_by_label("Beskriv målet").fill("Har noen å være sammen med.")
    holder_page.get_by_label("Tiltakskategori").select_option(label="Samtale med barnet")
    holder_page.get_by_label("Beskriv tiltaket").fill("Samtalegruppe hver uke.")
    deadline = timezone.localdate() + timedelta(days=14)
    holder_page.get_by_label("Tiltaksfrist").fill(deadline.isoformat())
    holder_page.get_by_role("button", name="Lagre").click()
    expect(holder_page.get_by_text("Ny oppmerksomhet med tiltak er lagt til.")).to_be_visible()
    check_axe(holder_page)

    # R-LEAD-02: on the leader's *Min side*, the new holder holds one active log.
    _navigate(page, "Min side")
    row = page.get_by_role("row").filter(has_text="Nina Nyholder")
    expect(row.get_by_role("cell").nth(2)).to_have_text("1")
    _no_child_data(page)

    # R-LEAD-04: and in *Brukere*, active, with the role in the unit.
    _navigate(page, "Brukere")
    row = page.get_by_role("row").filter(has_text="Nina Nyholder")
    expect(row).to_contain_text("Testskolen")
    expect(row).to_contain_text("Aktiv")
    _no_child_data(page)

    # R-LEAD-03: the statistics count the log, as "<5" (one log must not single out a child).
    _navigate(page, "Statistikk")
    table = page.get_by_role("table", name=LOGS_TABLE)
    expect(table.get_by_role("rowheader", name="Testskolen")).to_be_visible()
    expect(table.locator("tr", has_text="Testskolen").locator("td").last).to_have_text("<5")
    _no_child_data(page)

    # And nowhere in *Ansatte* either.
    _navigate(page, "Ansatte")
    expect(page.get_by_role("row", name=re.compile("Nina Nyholder"))).to_contain_text("Aktiv")
    _no_child_data(page)
    page.get_by_role("row", name=re.compile("Nina Nyholder")).get_by_role(
        "link", name="Nina Nyholder"
    ).click()
    check_axe(page)
    _no_child_data(page)
