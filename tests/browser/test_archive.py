"""The archive status in the browser (R-ARCH-01): the holder sets a log passive, sees the
hand-over pending, then failed and tried again, then handed over; axe on each page, 320 px."""

import pytest
from playwright.sync_api import Page

from archive import tasks
from archive.models import ArchiveHandover
from tests.browser.conftest import check_axe, log_in
from tests.factories import PASSWORD, make_pdf

pytestmark = pytest.mark.browser


def test_the_holder_follows_the_archive_handover_of_a_passive_log_R_ARCH_01(
    page: Page, holder, log, settings, tmp_path, monkeypatch
):
    monkeypatch.setattr("archive.package.render_log_pdf", lambda *a, **k: make_pdf())
    settings.STAFETT_ARCHIVE_FOLDER = str(tmp_path / "not-mounted-yet")
    page.set_viewport_size({"width": 320, "height": 640})
    log_in(page, holder.email, PASSWORD)
    page.wait_for_url("**/")

    page.goto(f"/logger/{log.pk}/passiv/")
    page.get_by_label("Jeg forstår at en passiv logg aldri kan åpnes igjen").check()
    page.get_by_role("button", name="Sett loggen passiv").click()
    page.get_by_text("Loggen er satt passiv.").wait_for()
    page.get_by_text("Arkiv: loggen venter på å bli avlevert til kommunens arkiv.").wait_for()
    check_axe(page)

    handover = ArchiveHandover.objects.get(log=log)
    assert tasks.hand_over(handover.pk) == "retry"  # the folder is missing
    page.reload()
    page.get_by_text("avleveringen til kommunens arkiv feilet (1 forsøk)", exact=False).wait_for()
    check_axe(page)

    (tmp_path / "not-mounted-yet").mkdir()
    assert tasks.hand_over(handover.pk) == "handed_over"
    page.reload()
    page.get_by_text("loggen ble avlevert til kommunens arkiv", exact=False).wait_for()
    check_axe(page)
