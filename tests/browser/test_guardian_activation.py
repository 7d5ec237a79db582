"""A guardian without e-mail gets a printed letter and activates with its code (R-LOG-04,
R-GUAR-02): the holder prints the letter, the guardian types the code in their own browser,
chooses e-mail and password, and lands on the child's log, read-only."""

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from accounts.models import User
from logs.services import create_log
from tests.browser.conftest import check_axe, log_in
from tests.factories import PASSWORD, child_data, guardian_data

pytestmark = pytest.mark.browser

CODE = re.compile(r"(?:[A-Z2-7]{4} ){6}[A-Z2-7]{4}")
GUARDIAN_PASSWORD = "blå-fjord-maskin-tavle"


def test_guardian_activates_with_the_printed_code_and_sees_the_log_R_GUAR_02_R_LOG_04(
    page, new_page, holder, unit, tmp_path
):
    log = create_log(
        by=holder,
        unit=unit,
        child=child_data(),
        guardians=[guardian_data(first_name="Stine", last_name="Skriver", email="")],
    )

    # The holder prints the invitation from the log page.
    log_in(page, holder.email, PASSWORD)
    page.goto(f"/logger/{log.pk}/")
    check_axe(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Skriv ut invitasjon til Stine").click()
    letter = Path(tmp_path / "invitasjon.pdf")
    download_info.value.save_as(letter)
    text = "\n".join(p.extract_text() for p in PdfReader(letter).pages)
    assert "Testkommune" in text and "Testskolen" in text
    code = CODE.search(text).group(0)

    # The guardian, in a browser of their own, types the code from the letter.
    guardian = new_page()
    guardian.goto("/konto/aktiver/")
    check_axe(guardian)
    guardian.get_by_label("Aktiveringskode").fill(code.lower())
    guardian.get_by_role("button", name="Fortsett").click()
    guardian.get_by_label("Nytt passord").wait_for()
    check_axe(guardian)
    guardian.get_by_label("E-post").fill("stine@example.no")
    guardian.get_by_label("Nytt passord").fill(GUARDIAN_PASSWORD)
    guardian.get_by_label("Gjenta passordet").fill("noe annet helt")
    guardian.get_by_role("button", name="Aktiver og logg inn").click()
    guardian.get_by_text("Passordene er ikke like.", exact=True).wait_for()
    check_axe(guardian)
    guardian.get_by_label("Nytt passord").fill(GUARDIAN_PASSWORD)
    guardian.get_by_label("Gjenta passordet").fill(GUARDIAN_PASSWORD)
    guardian.get_by_role("button", name="Aktiver og logg inn").click()

    # On the child's log, in the guardian role, with nothing to edit.
    guardian.get_by_text("Kontoen din er klar.").wait_for()
    assert guardian.url.endswith(f"/logger/{log.pk}/")
    check_axe(guardian)
    assert guardian.get_by_role("heading", name="Sara Stafett").is_visible()
    for button in ("Ny oppmerksomhet", "Endre nivå", "Last opp samtykke", "Legg til foresatt"):
        assert guardian.get_by_text(button, exact=True).count() == 0
    assert guardian.get_by_role("link", name="Endre barnets opplysninger").count() == 0
    assert guardian.get_by_role("button", name=re.compile("Skriv ut invitasjon")).count() == 0
    assert User.objects.get(email="stine@example.no").guardianships.get().log == log

    # The code is used: the letter does not open the door a second time.
    again = new_page()
    again.goto("/konto/aktiver/")
    again.get_by_label("Aktiveringskode").fill(code)
    again.get_by_role("button", name="Fortsett").click()
    again.locator("#id_code_error").get_by_text("allerede brukt").wait_for()
    check_axe(again)

    # The holder's log page now shows the guardian as linked: no print button any more.
    page.reload()
    assert page.get_by_role("button", name="Skriv ut invitasjon til Stine").count() == 0
