"""A provider that is down or answers slowly: a clear page, and the password form still
works (R-SEC-08, R-SEC-02)."""

import logging
import socket
import threading

import pytest

from audit.models import AuditEvent
from tests.factories import PASSWORD, VALID_NATIONAL_ID, UserFactory
from tests.oidc.provider import free_port, log_in_at_provider

pytestmark = pytest.mark.django_db


def test_provider_down_gives_a_clear_page_and_the_password_still_works_R_SEC_08(
    client, settings, holder
):
    settings.STAFETT_IDPORTEN_ISSUER = f"http://127.0.0.1:{free_port()}"
    settings.STAFETT_IDPORTEN_CLIENT_ID = "stafett"
    login_page = client.get("/konto/logg-inn/").content.decode()
    assert "Logg inn med ID-porten" in login_page
    response = client.get("/oidc/idporten/logg-inn/")
    assert response.status_code == 503
    html = response.content.decode()
    assert "Innloggingstjenesten svarer ikke" in html
    assert 'href="/konto/logg-inn/"' in html
    assert AuditEvent.objects.get(action="auth.oidc_refused").data == {
        "method": "idporten",
        "reason": "unavailable",
    }
    password = client.post("/konto/logg-inn/", {"username": holder.email, "password": PASSWORD})
    assert password.status_code == 302
    assert int(client.session["_auth_user_id"]) == holder.pk


@pytest.fixture
def silent_server():
    """Accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    server.close()


def test_slow_provider_gives_the_same_clear_page_R_SEC_08(client, settings, silent_server):
    settings.STAFETT_IDPORTEN_ISSUER = silent_server
    settings.STAFETT_IDPORTEN_CLIENT_ID = "stafett"
    settings.STAFETT_OIDC_TIMEOUT = 1
    response = client.get("/oidc/idporten/logg-inn/")
    assert response.status_code == 503
    assert "Innloggingstjenesten svarer ikke" in response.content.decode()


def test_login_page_without_providers_has_only_the_password_form(client):
    html = client.get("/konto/logg-inn/").content.decode()
    assert "ID-porten" not in html
    assert 'name="password"' in html


def test_no_national_id_in_any_log_line_url_or_page_R_SEC_03(client, idporten, caplog):
    UserFactory(national_id=VALID_NATIONAL_ID)
    caplog.set_level(logging.DEBUG)
    seen: list[str] = []
    first = client.get("/oidc/idporten/logg-inn/")
    seen.append(first["Location"])
    answer = log_in_at_provider(first["Location"], VALID_NATIONAL_ID)
    seen.extend(answer.values())
    back = client.get("/oidc/tilbake/", answer)
    seen.append(back["Location"])
    seen.append(client.get(back["Location"]).content.decode())
    seen.append(client.get("/konto/innstillinger/").content.decode())
    logout = client.post("/konto/logg-ut/")
    seen.append(logout["Location"])
    # An unknown number too: the refusal page does not echo it.
    other = "01017012345"
    start = client.get("/oidc/idporten/logg-inn/")["Location"]
    refused = client.get("/oidc/tilbake/", log_in_at_provider(start, other))
    seen.append(refused.content.decode())
    seen.extend(record.getMessage() for record in caplog.records)
    seen.extend(str(data) for data in AuditEvent.objects.values_list("data", flat=True))
    for text in seen:
        assert VALID_NATIONAL_ID not in text
        assert other not in text
