"""Log in with password and TOTP, lockout, log out (R-SEC-02, R-SEC-01)."""

import pytest
from axes.models import AccessAttempt

from audit.models import AuditEvent
from tests.factories import PASSWORD, current_totp, totp_device

LOGIN = "/konto/logg-inn/"
VERIFY = "/konto/logg-inn/kode/"


def _post_login(client, email, password, **extra):
    return client.post(LOGIN, {"username": email, "password": password, **extra})


def test_wrong_password_shows_a_message_and_keeps_the_email_R_SEC_02(client, holder):
    response = _post_login(client, holder.email, "feil-passord")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Feil e-post eller passord" in html
    assert f'value="{holder.email}"' in html
    assert "_auth_user_id" not in client.session


def test_password_login_without_device_when_2fa_is_off(client, holder):
    response = _post_login(client, holder.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert int(client.session["_auth_user_id"]) == holder.pk


def test_email_is_matched_case_insensitively(client, holder):
    response = _post_login(client, holder.email.upper(), PASSWORD)
    assert response.status_code == 302


def test_login_with_device_asks_for_the_code_before_signing_in_R_SEC_02(client, holder):
    device = totp_device(holder)
    response = _post_login(client, holder.email, PASSWORD, next="/konto/innstillinger/")
    assert response["Location"] == VERIFY
    assert "_auth_user_id" not in client.session

    response = client.post(VERIFY, {"token": current_totp(device)})
    assert response.status_code == 302
    assert response["Location"] == "/konto/innstillinger/"
    assert int(client.session["_auth_user_id"]) == holder.pk


def _wrong_code(device) -> str:
    return f"{(int(current_totp(device)) + 1) % 1_000_000:06d}"


def test_a_wrong_code_is_refused_and_a_quick_retry_throttled_R_SEC_02(client, holder):
    device = totp_device(holder)
    _post_login(client, holder.email, PASSWORD)
    response = client.post(VERIFY, {"token": _wrong_code(device)})
    assert "Feil kode" in response.content.decode()
    assert "_auth_user_id" not in client.session

    response = client.post(VERIFY, {"token": current_totp(device)})
    assert "For mange forsøk" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.2fa_throttled").exists()


def test_a_reused_code_is_refused_R_SEC_02(client, holder):
    device = totp_device(holder)
    code = current_totp(device)
    _post_login(client, holder.email, PASSWORD)
    assert client.post(VERIFY, {"token": code}).status_code == 302
    client.post("/konto/logg-ut/")

    _post_login(client, holder.email, PASSWORD)
    response = client.post(VERIFY, {"token": code})
    assert response.status_code == 200
    assert "allerede brukt" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_malformed_code_gets_a_message_next_to_the_field(client, holder):
    totp_device(holder)
    _post_login(client, holder.email, PASSWORD)
    response = client.post(VERIFY, {"token": "12ab"})
    assert "Koden består av 6 siffer" in response.content.decode()


def test_verify_page_without_a_password_step_sends_to_login(client):
    response = client.get(VERIFY)
    assert response.status_code == 302
    assert response["Location"] == LOGIN


def test_staff_user_without_device_must_enrol_when_2fa_is_required_R_SEC_02(
    client, holder, settings
):
    settings.STAFETT_REQUIRE_2FA = True
    _post_login(client, holder.email, PASSWORD)
    assert client.get("/").url == "/konto/tofaktor/"
    assert client.get("/konto/innstillinger/").url == "/konto/tofaktor/"
    assert client.get("/konto/tofaktor/").status_code == 200


def test_enrolment_confirms_the_device_and_is_audited_R_SEC_01(client, holder, settings):
    settings.STAFETT_REQUIRE_2FA = True
    _post_login(client, holder.email, PASSWORD)
    client.get("/konto/tofaktor/")
    device = holder.totpdevice_set.get(confirmed=False)

    response = client.post("/konto/tofaktor/", {"token": current_totp(device)})

    assert response["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(actor=holder, action="auth.2fa_enrolled").exists()


def test_enrolment_with_a_wrong_code_keeps_the_device_unconfirmed(client, holder, settings):
    settings.STAFETT_REQUIRE_2FA = True
    _post_login(client, holder.email, PASSWORD)
    client.get("/konto/tofaktor/")
    device = holder.totpdevice_set.get()
    response = client.post("/konto/tofaktor/", {"token": _wrong_code(device)})
    assert response.status_code == 200
    assert "Feil kode" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed


def test_five_failures_lock_the_account_for_that_address_R_SEC_02(client, holder):
    for _ in range(5):
        _post_login(client, holder.email, "feil-passord")
    response = _post_login(client, holder.email, PASSWORD)
    assert response.status_code == 429
    assert "sperret i 15 minutter" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.locked_out").exists()


def test_lockout_is_per_username_and_address(client, holder, other_holder):
    for _ in range(5):
        _post_login(client, holder.email, "feil-passord")
    assert _post_login(client, other_holder.email, PASSWORD).status_code == 302
    assert (
        client.post(
            LOGIN, {"username": holder.email, "password": PASSWORD}, REMOTE_ADDR="10.0.0.9"
        ).status_code
        == 302
    )


def test_lockout_is_released_after_the_cool_off(client, holder):
    for _ in range(5):
        _post_login(client, holder.email, "feil-passord")
    AccessAttempt.objects.all().delete()  # what the cool-off expiry does
    assert _post_login(client, holder.email, PASSWORD).status_code == 302


def test_login_logout_and_failure_are_audited_R_SEC_01(client, holder):
    _post_login(client, holder.email, "feil-passord")
    _post_login(client, holder.email, PASSWORD)
    client.post("/konto/logg-ut/")
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["auth.login_failed", "auth.login", "auth.logout"]
    failed = AuditEvent.objects.get(action="auth.login_failed")
    assert failed.ip_address == "127.0.0.1"
    assert "password" not in failed.data
    assert PASSWORD not in str(failed.data)


def test_logout_needs_post(client, holder):
    client.force_login(holder)
    assert client.get("/konto/logg-ut/").status_code == 405


def test_unsafe_next_is_ignored(client, holder):
    response = _post_login(client, holder.email, PASSWORD, next="https://evil.example/")
    assert response["Location"] == "/"


def test_deactivated_user_cannot_log_in(client, holder):
    holder.is_active = False
    holder.save()
    response = _post_login(client, holder.email, PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_demo_login_page_says_2fa_is_off(client, settings):
    settings.STAFETT_DEMO = True
    settings.STAFETT_REQUIRE_2FA = False
    assert "Tofaktorinnlogging er slått av" in client.get(LOGIN).content.decode()
    settings.STAFETT_REQUIRE_2FA = True
    assert "Tofaktorinnlogging er slått av" not in client.get(LOGIN).content.decode()


def test_admin_login_goes_through_our_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_lockout_counts_the_email_case_insensitively_R_SEC_02(client, holder):
    for attempt in range(5):
        email = holder.email.upper() if attempt % 2 else holder.email
        _post_login(client, email, "feil-passord")
    assert _post_login(client, holder.email, PASSWORD).status_code == 429
