"""The leader's staff pages in a browser (R-LEAD-01, R-ROLE-03, R-GEN-06): a new holder is
created, activates from the e-mail and signs in, shows in the list; then is deactivated with
their logs handed over, and is signed out at once. axe on every page."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import activation_path, check_axe, log_in
from tests.factories import CONCERN_SENTINEL, PASSWORD, make_concern, make_log

pytestmark = pytest.mark.browser

NEW_PASSWORD = "lang-og-trygg-setning-42"


def test_a_leader_creates_a_holder_who_activates_and_is_later_deactivated_R_LEAD_01(
    page, new_page, leader, unit, other_holder
):
    log_in(page, leader.email, PASSWORD)
    page.wait_for_url("**/")
    page.goto("/ansatte/")
    check_axe(page)
    page.get_by_role("link", name="Ny stafettholder / aktør").click()
    check_axe(page)

    # Bad input first: nothing typed is lost, the message is next to the field.
    page.get_by_label("Fornavn").fill("Nils")
    page.get_by_label("Etternavn").fill("Nyansatt")
    page.get_by_label("E-post").fill("nils@example.no")
    page.get_by_label("Virksomhet").select_option(label="Testskolen")
    page.get_by_role("button", name="Legg til").click()
    expect(page.get_by_role("link", name="Rolle: Feltet er påkrevet.")).to_be_visible()
    expect(page.get_by_label("Fornavn")).to_have_value("Nils")
    check_axe(page)
    page.get_by_label("Rolle").select_option(label="Stafettholder")
    page.get_by_role("button", name="Legg til").click()
    expect(page.get_by_text("får en e-post for å aktivere kontoen")).to_be_visible()
    check_axe(page)

    # The activation e-mail, from the outbox.
    holder_page = new_page()
    holder_page.goto(activation_path("nils@example.no"))
    check_axe(holder_page)
    holder_page.get_by_label("Nytt passord").fill(NEW_PASSWORD)
    holder_page.get_by_label("Gjenta passordet").fill(NEW_PASSWORD)
    holder_page.get_by_role("button", name="Aktiver og logg inn").click()
    expect(holder_page.get_by_text("Kontoen din er klar")).to_be_visible()
    # And signs in again with the chosen password.
    again = new_page()
    log_in(again, "nils@example.no", NEW_PASSWORD)
    again.wait_for_url("**/")
    expect(again.get_by_text("Nils Nyansatt").first).to_be_visible()

    page.goto("/ansatte/")
    row = page.get_by_role("row", name=re.compile("Nils Nyansatt"))
    expect(row).to_contain_text("Testskolen: Stafettholder")
    expect(row).to_contain_text("Aktiv")

    # The new holder gets a log; then leaves: the leader hands it over and deactivates.
    from accounts.models import User

    nils = User.objects.get(email="nils@example.no")
    log = make_log(nils, unit, first_name="Sentinelbarn")
    make_concern(log, description=CONCERN_SENTINEL)
    row.get_by_role("link", name="Nils Nyansatt").click()
    check_axe(page)
    page.get_by_role("link", name="Deaktiver").click()
    expect(page.get_by_text("1 aktiv logg på virksomhetene dine")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Sentinelbarn")
    expect(page.locator("body")).not_to_contain_text(CONCERN_SENTINEL)
    check_axe(page)
    page.get_by_role("button", name="Gi loggene videre og deaktiver").click()
    expect(page.get_by_text("Velg hvem som skal få loggene.", exact=True)).to_be_visible()
    check_axe(page)
    page.get_by_label("Ny stafettholder i Testskolen").select_option(label="Ola Annen")
    page.get_by_role("button", name="Gi loggene videre og deaktiver").click()
    expect(page.get_by_text("Nils Nyansatt er deaktivert")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Nils Nyansatt"))).to_contain_text("Deaktivert")
    check_axe(page)
    log.refresh_from_db()
    assert log.holder == other_holder

    # Signed out at once, in both browsers.
    again.goto("/")
    expect(again).to_have_url(re.compile("/konto/logg-inn/"))
    holder_page.goto("/")
    expect(holder_page).to_have_url(re.compile("/konto/logg-inn/"))

    # The way back, should it have been a mistake.
    page.goto(f"/ansatte/{nils.pk}/")
    check_axe(page)
    page.get_by_role("link", name="Aktiver igjen").click()
    check_axe(page)


def test_the_confirmation_pages_work_and_pass_axe_R_LEAD_01_R_GEN_06(page, leader, holder, unit):
    log_in(page, leader.email, PASSWORD)
    page.wait_for_url("**/")
    page.goto(f"/ansatte/{holder.pk}/")
    page.get_by_label("Virksomhet", exact=True).select_option(label="Testskolen")
    page.get_by_label("Rolle", exact=True).select_option(label="Aktør")
    page.get_by_role("button", name="Legg til rollen").click()
    expect(page.get_by_text("Rollen er lagt til.")).to_be_visible()
    page.get_by_role("link", name="Fjern rollen Aktør i Testskolen").click()
    check_axe(page)
    page.get_by_role("button", name="Ja, fjern rollen").click()
    expect(page.get_by_text("Rollen er fjernet.")).to_be_visible()
    page.get_by_role("link", name="Gi loggene videre").click()
    expect(page.get_by_text("ikke stafettholder for noen aktive logger")).to_be_visible()
    check_axe(page)


def test_the_staff_pages_fit_a_320_px_screen_R_GEN_06(page, leader, holder, unit):
    """With a long e-mail in the list and the form, nothing scrolls sideways at 320 px."""
    from tests.browser.test_small_screens import LONG_EMAIL, _expect_no_horizontal_scroll

    holder.email = LONG_EMAIL
    holder.save()
    make_log(holder, unit)
    page.set_viewport_size({"width": 320, "height": 640})
    log_in(page, leader.email, PASSWORD)
    page.wait_for_url("**/")
    membership = holder.memberships.get()
    for path in (
        "/ansatte/",
        "/ansatte/ny/",
        f"/ansatte/{holder.pk}/",
        f"/ansatte/{holder.pk}/rolle/{membership.pk}/fjern/",
        f"/ansatte/{holder.pk}/gi-videre/",
        f"/ansatte/{holder.pk}/deaktiver/",
    ):
        _expect_no_horizontal_scroll(page, path)
