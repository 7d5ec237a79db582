"""Logging in through ID-porten in a real browser: our login page, the provider's login page
(a real oidc-provider on the loopback address), back to Stafettlogg in the right role, and
out again through the provider (R-SEC-02, R-SEC-08), with axe on each of our pages."""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from audit.models import AuditEvent
from tests.browser.conftest import check_axe, log_in
from tests.factories import PASSWORD, VALID_NATIONAL_ID, UserFactory, make_log
from tests.oidc.provider import SECRET, RunningProvider, start_provider

pytestmark = pytest.mark.browser


@pytest.fixture
def provider(live_server, tmp_path, settings) -> Iterator[RunningProvider]:
    running = start_provider(
        tmp_path,
        redirect_uris=[f"{live_server.url}/oidc/tilbake/"],
        logout_uris=[f"{live_server.url}/konto/logg-inn/"],
        acr_values=["idporten-loa-substantial", "idporten-loa-high"],
        title="TestID",
    )
    settings.STAFETT_IDPORTEN_ISSUER = running.issuer
    settings.STAFETT_IDPORTEN_CLIENT_ID = "stafett-basic"
    settings.STAFETT_IDPORTEN_CLIENT_SECRET = SECRET
    settings.STAFETT_IDPORTEN_AUTH_METHOD = "client_secret_basic"
    yield running
    running.stop()


def _through_id_porten(page: Page, national_id: str) -> None:
    page.goto("/konto/logg-inn/")
    check_axe(page)
    page.get_by_role("link", name="Logg inn med ID-porten").click()
    expect(page.get_by_role("heading", name="TestID")).to_be_visible()
    page.get_by_label("Fødselsnummer").fill(national_id)
    page.get_by_label("Nivå").select_option("idporten-loa-high")
    page.get_by_role("button", name="Logg inn").click()


def test_guardian_logs_in_through_id_porten_and_out_again_R_SEC_08(
    page, provider, holder, unit, live_server
):
    log = make_log(holder, unit)
    guardian = log.guardians.get()
    person = UserFactory(national_id=VALID_NATIONAL_ID)
    guardian.user = person
    guardian.save()

    _through_id_porten(page, VALID_NATIONAL_ID)
    expect(page.get_by_role("heading", level=1)).to_have_text("Min side – Foresatt")
    check_axe(page)
    assert VALID_NATIONAL_ID not in page.url
    assert AuditEvent.objects.get(action="auth.login", actor=person).data == {"method": "idporten"}

    # Logging out continues at the provider, which sends the person back to our login page.
    page.locator("summary", has_text=person.get_full_name()).click()
    page.get_by_role("button", name="Logg ut").click()
    # The provider asks whether to end its session too (its own page).
    expect(page.get_by_role("heading", name="Logg ut")).to_be_visible()
    page.get_by_role("button", name="Logg ut").click()
    expect(page).to_have_url(re.compile(r"/konto/logg-inn/"))
    expect(page.get_by_role("link", name="Logg inn med ID-porten")).to_be_visible()
    check_axe(page)


def test_guardian_registered_by_the_holder_without_a_login_gets_in_with_id_porten_R_SEC_02(
    page, provider, holder, unit, live_server
):
    """The holder registers a guardian with a national ID number and no e-mail (a bad number
    first: the message next to the field); the guardian's first login through ID-porten
    makes their account and opens the child's log, as guardian."""
    number = "01019010046"
    log = make_log(holder, unit)
    log_in(page, holder.email, PASSWORD)
    page.goto(f"/logger/{log.pk}/foresatte/ny/")
    page.locator("#id_first_name").fill("Ivar")
    page.locator("#id_last_name").fill("Idsen")
    page.locator("#id_national_id").fill("010190 10047")
    page.locator("#id_phone").fill("912 34 567")
    page.locator("#id_address").fill("Skoleveien 1")
    page.locator("#id_postcode").fill("0150")
    page.locator("#id_place").fill("Oslo")
    page.get_by_role("button", name="Lagre").click()
    expect(page.locator("#id_national_id_error")).to_contain_text("Ugyldig fødselsnummer")
    expect(page.locator("#id_national_id")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_first_name")).to_have_value("Ivar")
    check_axe(page)
    page.locator("#id_national_id").fill("010190 10046")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(log.child.full_name)
    assert number not in page.content()
    page.locator("summary", has_text=holder.get_full_name()).click()
    page.get_by_role("button", name="Logg ut").click()
    expect(page).to_have_url(re.compile(r"/konto/logg-inn/"))

    _through_id_porten(page, number)
    expect(page.get_by_role("heading", level=1)).to_have_text("Min side – Foresatt")
    check_axe(page)
    page.get_by_role("link", name=log.child.full_name).click()
    expect(page).to_have_url(re.compile(rf"/logger/{log.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(log.child.full_name)
    check_axe(page)
    assert number not in page.url
    assert number not in page.content()
    person = log.guardians.get(first_name="Ivar").user
    assert person is not None and person.national_id == number


def test_holder_with_2fa_required_needs_no_totp_after_id_porten_R_SEC_08(
    page, provider, holder, settings
):
    settings.STAFETT_REQUIRE_2FA = True
    holder.national_id = VALID_NATIONAL_ID
    holder.save()
    _through_id_porten(page, VALID_NATIONAL_ID)
    expect(page.get_by_role("heading", level=1)).to_have_text("Min side – Stafettholder")


def test_unknown_person_gets_a_clear_page_R_SEC_08(page, provider):
    _through_id_porten(page, "01017012345")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vi fant deg ikke i Stafettlogg")
    check_axe(page)
    page.get_by_role("link", name="Tilbake til innloggingen").click()
    expect(page.get_by_label("Passord")).to_be_visible()
    check_axe(page)


@pytest.mark.parametrize(
    ("locale", "button"),
    [("nb-NO", "Logg inn med ID-porten"), ("en-GB", "Log in with ID-porten")],
)
def test_login_page_with_providers_fits_320_px_R_GEN_06(
    browser, live_server, provider, locale, button
):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 320, "height": 640}, locale=locale
    )
    page = context.new_page()
    page.goto("/konto/logg-inn/")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    expect(page.get_by_role("link", name=button)).to_be_visible()
    check_axe(page)
    context.close()


def test_employee_logs_in_through_the_municipalitys_provider_R_SEC_08(
    page, live_server, tmp_path, municipality, leader, settings
):
    """The municipality's own provider (a stand-in for Entra ID) with a second factor:
    straight to Min side as leader, no TOTP asked although 2FA is required."""
    from oidc.models import EmployeeProvider

    running = start_provider(
        tmp_path,
        redirect_uris=[f"{live_server.url}/oidc/tilbake/"],
        logout_uris=[f"{live_server.url}/konto/logg-inn/"],
        acr_values=["pwd", "mfa"],
        amr={"pwd": ["pwd"], "mfa": ["pwd", "mfa"]},
        login_label="E-post",
        title="Kommunens innlogging",
        identities=[{"email": leader.email, "sub": "entra-oid-1", "name": "Lena Leder"}],
    )
    try:
        EmployeeProvider.objects.create(
            municipality=municipality,
            name="Ansatt i Testkommune",
            issuer=running.issuer,
            client_id="stafett-basic",
            client_secret=SECRET,
        )
        settings.STAFETT_REQUIRE_2FA = True
        page.goto("/konto/logg-inn/")
        check_axe(page)
        page.get_by_role("link", name="Ansatt i Testkommune (for ansatte)").click()
        page.get_by_label("E-post").fill(leader.email)
        page.get_by_label("Nivå").select_option("mfa")
        page.get_by_role("button", name="Logg inn").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Min side – Virksomhetsleder")
        check_axe(page)
    finally:
        running.stop()
