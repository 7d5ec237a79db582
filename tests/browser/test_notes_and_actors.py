"""A holder's day: personal notes from Min side (R-NOTE-01), the actors of the municipality
(R-HOLD-03, R-MEET-04) and registering a new actor (R-MEET-03), with axe on every page."""

import re

import pytest
from playwright.sync_api import Page, expect

from notes.models import Note
from tests.browser.conftest import check_axe, log_in
from tests.factories import PASSWORD, VALID_NATIONAL_ID

pytestmark = pytest.mark.browser


def _path_is(path: str):
    return re.compile(r"^https?://[^/]+" + re.escape(path) + r"(\?.*)?$")


def _message(page: Page, text: str) -> None:
    expect(page.locator("#messages")).to_contain_text(text)


def _fill_actor(page: Page, national_id: str) -> None:
    page.get_by_label("Fornavn").fill("Petter")
    page.get_by_label("Etternavn").fill("Psykolog")
    page.get_by_label("E-post", exact=True).fill("petter@example.no")
    page.get_by_label("Telefon").fill("912 34 567")
    page.get_by_label("Virksomhet").select_option(label="Testskolen")
    page.get_by_label("Fødselsnummer").fill(national_id)
    page.get_by_role("button", name="Registrer aktøren").click()


def test_holder_keeps_a_note_from_min_side_R_NOTE_01(page, holder):
    log_in(page, holder.email, PASSWORD)
    expect(page).to_have_url(_path_is("/"))
    check_axe(page)

    # Create from Min side.
    page.get_by_role("link", name="Nytt notat").click()
    expect(page).to_have_url(_path_is("/notater/ny/"))
    check_axe(page)
    page.get_by_label("Notat", exact=True).fill("Ringe PPT\nOm kartleggingen av Sara")
    page.get_by_role("button", name="Lagre notatet").click()
    expect(page).to_have_url(_path_is("/notater/"))
    _message(page, "Notatet er lagret.")
    check_axe(page)

    # Min side lists it; edit it from there.
    page.goto("/")
    check_axe(page)
    page.get_by_role("link", name="Ringe PPT").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rediger notat")
    expect(page.get_by_label("Notat", exact=True)).to_have_value(
        "Ringe PPT\nOm kartleggingen av Sara"
    )
    check_axe(page)
    page.get_by_label("Notat", exact=True).fill("Ringe PPT i morgen")
    page.get_by_role("button", name="Lagre notatet").click()
    _message(page, "Notatet er lagret.")
    expect(page.get_by_role("link", name="Ringe PPT i morgen")).to_be_visible()
    check_axe(page)
    assert Note.objects.get(owner=holder).text == "Ringe PPT i morgen"

    # Delete it, after a confirmation page.
    page.get_by_role("link", name="Ringe PPT i morgen").click()
    page.get_by_role("link", name="Slett notatet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Slett notatet")
    check_axe(page)
    page.get_by_role("button", name="Ja, slett notatet").click()
    expect(page).to_have_url(_path_is("/notater/"))
    _message(page, "Notatet er slettet.")
    expect(page.get_by_text("Du har ingen notater.")).to_be_visible()
    check_axe(page)
    assert not Note.objects.filter(owner=holder).exists()


def test_holder_searches_and_registers_an_actor_R_HOLD_03_R_MEET_03_R_MEET_04(
    page, holder, actor, actor_other_unit
):
    log_in(page, holder.email, PASSWORD)
    expect(page).to_have_url(_path_is("/"))
    check_axe(page)

    page.locator("main").get_by_role("link", name="Aktører", exact=True).click()
    expect(page).to_have_url(_path_is("/aktorer/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Aktører")
    table = page.locator("table.ds-table")
    expect(table).to_contain_text("Anders Aktør")
    expect(table).not_to_contain_text("Petra")
    check_axe(page)

    # "*" lists every actor in the municipality, other units included.
    page.get_by_label("Søk etter aktør").fill("*")
    page.get_by_role("button", name="Søk", exact=True).click()
    expect(page.get_by_role("heading", name="Søkeresultat")).to_be_visible()
    expect(table).to_contain_text("Anders Aktør")
    expect(table).to_contain_text("Petra PPT")
    check_axe(page)

    # An invalid national ID number: the error by the field, everything typed kept.
    page.get_by_role("link", name="Registrer ny aktør").click()
    expect(page).to_have_url(_path_is("/aktorer/ny/"))
    check_axe(page)
    _fill_actor(page, "15108695089")
    national_id = page.get_by_label("Fødselsnummer")
    expect(page.locator("#id_national_id_error")).to_contain_text("Ugyldig fødselsnummer")
    expect(national_id).to_have_attribute("aria-invalid", "true")
    expect(national_id).to_have_value("15108695089")
    expect(page.get_by_label("Fornavn")).to_have_value("Petter")
    expect(page.get_by_label("Etternavn")).to_have_value("Psykolog")
    expect(page.get_by_label("E-post", exact=True)).to_have_value("petter@example.no")
    expect(page.get_by_label("Telefon")).to_have_value("912 34 567")
    check_axe(page)

    # A valid one: registered, and listed among the actors of the holder's unit.
    _fill_actor(page, VALID_NATIONAL_ID)
    expect(page).to_have_url(_path_is("/aktorer/"))
    _message(page, "Aktøren er registrert.")
    expect(table).to_contain_text("Petter Psykolog")
    expect(page.locator("body")).not_to_contain_text(VALID_NATIONAL_ID)
    assert VALID_NATIONAL_ID not in page.url
    check_axe(page)
