"""Idle time-out after 20 minutes and the absolute session lifetime (R-GEN-03)."""

import time

from accounts.middleware import LAST_ACTIVITY, SIGNED_IN_AT
from audit.models import AuditEvent


def _age_session(client, *, idle: float = 0, signed_in: float = 0):
    session = client.session
    now = time.time()
    session[LAST_ACTIVITY] = now - idle
    session[SIGNED_IN_AT] = now - signed_in
    session.save()


def test_default_idle_timeout_is_20_minutes_R_GEN_03(settings):
    assert settings.STAFETT_IDLE_TIMEOUT == 20 * 60
    assert settings.STAFETT_IDLE_WARNING == 2 * 60


def test_the_page_warns_as_early_as_configured_R_GEN_03(client, holder, settings):
    """WCAG 2.2.1: a 20-second warning before a 30-second time-out stays 20 seconds on the
    page; it is not cut to half the time-out, under the 20 seconds the user must get."""
    settings.STAFETT_IDLE_TIMEOUT = 30
    settings.STAFETT_IDLE_WARNING = 20
    client.force_login(holder)

    html = client.get("/konto/innstillinger/").content.decode()

    assert 'data-idle-timeout="30"' in html
    assert 'data-idle-warning="20"' in html


def test_activity_within_the_timeout_keeps_the_session_R_GEN_03(client, holder):
    client.force_login(holder)
    _age_session(client, idle=19 * 60)
    assert client.get("/konto/innstillinger/").status_code == 200


def test_idle_session_is_ended_and_returns_to_the_page_after_login_R_GEN_03(client, holder):
    client.force_login(holder)
    _age_session(client, idle=21 * 60)

    response = client.get("/konto/innstillinger/?fane=1")

    assert response.status_code == 302
    assert response["Location"] == "/konto/logg-inn/?next=%2Fkonto%2Finnstillinger%2F%3Ffane%3D1"
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.session_expired", actor=holder).exists()
    login_page = client.get(response["Location"]).content.decode()
    assert "ikke har vært aktiv" in login_page

    back = client.post(
        response["Location"],
        {
            "username": holder.email,
            "password": "riktig-hest-batteri-stift",
            "next": "/konto/innstillinger/?fane=1",
        },
    )
    assert back["Location"] == "/konto/innstillinger/?fane=1"


def test_absolute_lifetime_ends_even_an_active_session(client, holder, settings):
    client.force_login(holder)
    _age_session(client, idle=0, signed_in=settings.STAFETT_SESSION_MAX_AGE + 1)
    assert client.get("/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_session_status_reports_time_left_without_counting_as_activity_R_GEN_03(client, holder):
    client.force_login(holder)
    _age_session(client, idle=60)
    before = client.session[LAST_ACTIVITY]
    data = client.get("/konto/okt/").json()
    assert 20 * 60 - 62 <= data["remaining"] <= 20 * 60 - 59
    assert client.session[LAST_ACTIVITY] == before


def test_keepalive_resets_the_idle_clock_R_GEN_03(client, holder):
    client.force_login(holder)
    _age_session(client, idle=19 * 60)
    assert client.post("/konto/okt/forleng/").status_code == 204
    assert client.get("/konto/okt/").json()["remaining"] >= 20 * 60 - 2


def test_htmx_request_on_an_expired_session_redirects_the_whole_page(client, holder):
    client.force_login(holder)
    _age_session(client, idle=21 * 60)
    response = client.get(
        "/konto/innstillinger/", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="/konto/innstillinger/"
    )
    assert response["HX-Redirect"].startswith("/konto/logg-inn/?next=")


def test_the_page_tells_the_script_the_timeout_and_warning_R_GEN_03(client, holder):
    client.force_login(holder)
    html = client.get("/").content.decode()
    assert 'data-idle-timeout="1200"' in html
    assert 'data-idle-warning="120"' in html
