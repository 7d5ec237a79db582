"""Login with password and a TOTP second factor, enrolment, and lockout (R-SEC-02)."""

import base64
import re
import time
from datetime import timedelta

import pytest
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from audit.models import AuditEvent
from tests.browser.conftest import check_axe, log_in
from tests.factories import PASSWORD, current_totp, totp_device

pytestmark = pytest.mark.browser

CODE_PATH = "/konto/logg-inn/kode/"
ENROL_PATH = "/konto/tofaktor/"


def _path_is(path: str):
    return re.compile(r"^https?://[^/]+" + re.escape(path) + r"(\?.*)?$")


def _enter_code(page: Page, code: str) -> None:
    page.get_by_label("Engangskode").fill(code)
    page.get_by_role("button", name="Bekreft").click()


def _expect_min_side(page: Page, role_label: str = "Stafettholder") -> None:
    expect(page).to_have_url(_path_is("/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Min side – {role_label}")


def test_login_with_totp_refuses_wrong_and_reused_codes_R_SEC_02(page, new_page, holder, settings):
    """R-SEC-02: password, then the code page; a wrong code is refused next to the field, the
    right one opens Min side, and the same code cannot be used for a second login."""
    settings.STAFETT_REQUIRE_2FA = True
    device = totp_device(holder)

    log_in(page, holder.email, PASSWORD)
    expect(page).to_have_url(_path_is(CODE_PATH))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bekreft innlogging")
    check_axe(page)

    # A wrong code (one hour away) is refused, and the error is tied to the field.
    wrong = current_totp(device, offset=120)
    _enter_code(page, wrong)
    expect(page).to_have_url(_path_is(CODE_PATH))
    field = page.get_by_label("Engangskode")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile(r"Feil kode"))
    expect(page.locator("#id_token_error")).to_contain_text(
        "Feil kode, eller koden er allerede brukt."
    )
    check_axe(page)
    assert AuditEvent.objects.filter(action="auth.2fa_failed", actor=holder).count() == 1

    # django-otp throttles a device for 1 s after the first failure (doubling after each).
    time.sleep(1.2)
    code = current_totp(device)
    _enter_code(page, code)
    _expect_min_side(page)
    check_axe(page)

    # The same code in another browser: password accepted, the used code is not.
    second = new_page()
    log_in(second, holder.email, PASSWORD)
    expect(second).to_have_url(_path_is(CODE_PATH))
    _enter_code(second, code)
    expect(second).to_have_url(_path_is(CODE_PATH))
    expect(second.locator("#id_token_error")).to_contain_text("Feil kode")
    second.goto("/")
    expect(second).to_have_url(re.compile(r"/konto/logg-inn/\?next=/$"))


def test_holder_without_device_is_sent_to_enrolment_R_SEC_02(page, holder, settings):
    """R-SEC-02: a holder without an authenticator is enrolled at the first login, with the
    key shown as text, and the enrolment is audited."""
    settings.STAFETT_REQUIRE_2FA = True

    log_in(page, holder.email, PASSWORD)
    expect(page).to_have_url(_path_is(ENROL_PATH))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tofaktorinnlogging")
    check_axe(page)

    # Nothing else is open before the second factor is set up.
    page.goto("/konto/innstillinger/")
    expect(page).to_have_url(_path_is(ENROL_PATH))

    secret = page.locator("#totp-secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{1,4})*", secret), secret
    key = base64.b32decode(secret.replace(" ", ""))
    code = f"{totp(key, step=30, t0=0, digits=6):06d}"

    page.get_by_label("Engangskode").fill(code)
    page.get_by_role("button", name="Slå på tofaktorinnlogging").click()
    _expect_min_side(page)
    expect(page.locator("#messages")).to_contain_text("Tofaktorinnlogging er slått på.")
    check_axe(page)

    assert AuditEvent.objects.filter(action="auth.2fa_enrolled", actor=holder).exists()
    assert holder.totpdevice_set.filter(confirmed=True).count() == 1


def _try_password(page: Page, email: str, password: str) -> None:
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()


def test_repeated_failed_logins_lock_the_account_for_a_while_R_SEC_02(page, holder, settings):
    """R-SEC-02: five wrong passwords lock the login; even the right password is refused until
    the cool-off has passed, and then it works."""
    settings.AXES_FAILURE_LIMIT = 5
    cooloff = 3
    settings.AXES_COOLOFF_TIME = timedelta(seconds=cooloff)

    log_in(page, holder.email, "feil-passord-1")
    expect(page.get_by_role("alert")).to_contain_text("Feil e-post eller passord. Prøv igjen.")
    expect(page.locator("#locked-out")).to_have_count(0)
    check_axe(page)
    for attempt in range(2, 5):
        _try_password(page, holder.email, f"feil-passord-{attempt}")
        expect(page.get_by_role("alert")).to_contain_text("Feil e-post eller passord. Prøv igjen.")
        expect(page.locator("#locked-out")).to_have_count(0)

    _try_password(page, holder.email, "feil-passord-5")
    locked_at = time.monotonic()
    expect(page.locator("#locked-out")).to_be_visible()
    expect(page.locator("#locked-out")).to_contain_text("For mange mislykkede forsøk.")
    check_axe(page)

    _try_password(page, holder.email, PASSWORD)
    expect(page.locator("#locked-out")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logg inn")
    assert time.monotonic() - locked_at < cooloff, "too slow to prove the lockout"
    # A try during the lockout starts the cool-off again (AXES_RESET_COOL_OFF_ON_FAILURE_...).
    refused_at = time.monotonic()

    time.sleep(max(0.0, cooloff + 0.5 - (time.monotonic() - refused_at)))
    page.goto("/konto/logg-inn/")
    _try_password(page, holder.email, PASSWORD)
    _expect_min_side(page)
    check_axe(page)
