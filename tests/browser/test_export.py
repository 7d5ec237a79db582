"""*Eksporter* in the browser (R-EXP-01, R-EXP-02): from the log page to the choice of
parts, a forgotten choice, the report being made, then open and save the PDF; axe on each
page, at 320 px."""

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from exports.models import Export
from exports.tasks import make_export
from tests.browser.conftest import check_axe, log_in
from tests.factories import CONCERN_SENTINEL, PASSWORD, make_concern

pytestmark = pytest.mark.browser


def _fits(page: Page) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], widths


def test_the_holder_exports_chosen_parts_and_opens_the_pdf_R_EXP_01_R_EXP_02(
    page: Page, holder, log
):
    make_concern(log, description=CONCERN_SENTINEL)
    page.set_viewport_size({"width": 320, "height": 640})
    log_in(page, holder.email, PASSWORD)
    page.wait_for_url("**/")

    page.goto(f"/logger/{log.pk}/")
    page.get_by_role("link", name="Eksporter").click()
    page.wait_for_url(f"**/eksport/logg/{log.pk}/")
    check_axe(page)
    _fits(page)

    # Nothing chosen: the message stands next to the field.
    for label in page.get_by_role("checkbox").all():
        label.uncheck()
    page.get_by_role("button", name="Lag rapport").click()
    expect(page.get_by_text("Velg minst én del av loggen.").first).to_be_visible()
    check_axe(page)

    page.get_by_role("checkbox", name="Oppmerksomheter og tiltak med evalueringer").check()
    page.get_by_role("checkbox", name="Lysglimt").check()
    page.get_by_role("button", name="Lag rapport").click()
    page.wait_for_url("**/eksport/*/")
    expect(page.get_by_text("Rapporten lages")).to_be_visible()
    expect(page.get_by_role("link", name="Oppdater")).to_be_visible()
    check_axe(page)

    # The worker makes it; htmx notices without a click.
    make_export(Export.objects.get().pk)
    expect(page.get_by_role("link", name="Åpne rapporten (PDF)")).to_be_visible(timeout=10_000)
    check_axe(page)
    _fits(page)

    href = page.get_by_role("link", name="Åpne rapporten (PDF)").get_attribute("href")
    assert href is not None
    opened = page.request.get(href)
    assert opened.headers["content-type"] == "application/pdf"
    assert opened.headers["content-disposition"].startswith("inline")
    with page.expect_download() as download:
        page.get_by_role("link", name="Lagre rapporten (PDF)").click()
    text = "\n".join(p.extract_text() for p in PdfReader(download.value.path()).pages)
    assert CONCERN_SENTINEL in text
    assert "Lysglimt" in text and "Historikk" not in text
