"""The leader's statistics in a browser: filter by unit and period, charts, the CSV; axe on
every page, and nothing overflowing at 320 px (R-LEAD-03, R-LEAD-05, R-GEN-06)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from logs.enums import Outcome
from logs.services import evaluate_measure
from organisations.enums import Role
from tests.browser.conftest import check_axe, log_in
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    UnitFactory,
    UserFactory,
    make_concern,
    make_log,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def district_leader(municipality, unit, other_unit, holder, holder_other_unit):
    """A leader of a district with the two units below it, each with a few logs."""
    district = UnitFactory(municipality=municipality, name="Bydel Nord")
    for child in (unit, other_unit):
        child.parent = district
        child.save()
    for n in range(7):
        concern = make_concern(make_log(holder, unit, first_name=f"Skolebarn{n}"))
        if n < 6:
            evaluate_measure(
                concern.measures.get(), by=holder, outcome=Outcome.DESIRED_EFFECT, text="Bra"
            )
    for n in range(3):
        late = timezone.localdate() - timedelta(days=2)
        make_concern(make_log(holder_other_unit, other_unit, first_name=f"Barn{n}"), deadline=late)
    leader = UserFactory(first_name="Dina", last_name="Distrikt")
    MembershipFactory(user=leader, unit=district, role=Role.LEADER)
    return leader


def _no_overflow(page: Page) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"The page is {overflow}px wider than the screen"


def _chart_loaded(page: Page, name: str) -> None:
    image = page.get_by_role("img", name=re.compile(name))
    image.scroll_into_view_if_needed()  # the charts load lazily
    expect(image).to_be_visible()
    # decode() fails for an image that does not load (a 404, or an SVG the CSP breaks).
    assert image.evaluate("(img) => img.decode().then(() => img.naturalWidth)") > 0


def test_the_leader_filters_the_statistics_and_downloads_them_R_LEAD_03(
    page, district_leader, unit, tmp_path
):
    log_in(page, district_leader.email, PASSWORD)
    page.goto("/statistikk/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistikk")
    table = page.get_by_role("table", name="Logger etter virksomhet og status")
    expect(table.get_by_role("rowheader", name="Testskolen")).to_be_visible()
    expect(table.get_by_role("rowheader", name="Testbarnehagen")).to_be_visible()
    # Three logs in the kindergarten: shown as "<5", and so is what would give them away.
    expect(table.locator("tr", has_text="Testbarnehagen").locator("td").last).to_have_text("<5")
    _chart_loaded(page, "Nye logger per måned")
    _chart_loaded(page, "Hva virker")
    check_axe(page)

    # An end before the start: said next to the field, and what was typed stays.
    today = timezone.localdate()
    page.get_by_role("combobox", name="Virksomhet").select_option(label="Testskolen")
    page.get_by_role("textbox", name="Fra og med").fill(today.isoformat())
    page.get_by_role("textbox", name="Til og med").fill((today - timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Vis statistikk").click()
    expect(page.locator("#id_til_error")).to_have_text("Til-datoen kan ikke være før fra-datoen.")
    expect(page.get_by_role("textbox", name="Fra og med")).to_have_value(today.isoformat())
    expect(page.get_by_role("combobox", name="Virksomhet")).to_have_value(str(unit.pk))
    check_axe(page)

    page.get_by_role("textbox", name="Fra og med").fill((today - timedelta(days=30)).isoformat())
    page.get_by_role("textbox", name="Til og med").fill(today.isoformat())
    page.get_by_role("button", name="Vis statistikk").click()
    table = page.get_by_role("table", name="Logger etter virksomhet og status")
    expect(table.get_by_role("rowheader", name="Testskolen")).to_be_visible()
    expect(table.get_by_role("rowheader", name="Testbarnehagen")).to_have_count(0)
    expect(table.locator("tfoot td").last).to_have_text("7")
    _chart_loaded(page, "Nye logger per måned")
    check_axe(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Last ned tallene (CSV)").click()
    target = tmp_path / "statistikk.csv"
    download_info.value.save_as(target)
    text = target.read_text(encoding="utf-8-sig")
    assert "Logger etter virksomhet og status;Testskolen;Totalt;7" in text
    assert "Testbarnehagen" not in text
    assert "Skolebarn" not in text


def test_the_statistics_fit_a_phone_R_GEN_06(page, district_leader):
    page.set_viewport_size({"width": 320, "height": 800})
    log_in(page, district_leader.email, PASSWORD)
    page.goto("/statistikk/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistikk")
    _no_overflow(page)
    check_axe(page)
