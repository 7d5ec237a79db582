"""Several app servers on one database (docs/deployment.md, "Several app servers"; issue 9),
tried: two gunicorn servers with production's settings, one PostgreSQL database and one
Redis for the sessions, the cache and the task queue. A person types their password on one
server and their code on the other, works on either, and a log-out on one signs them out on
both. Needs PostgreSQL and Redis; skipped with the reason otherwise."""

import http.client
from collections.abc import Iterator
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.hashers import StafettArgon2PasswordHasher
from bench import load
from tests.factories import PASSWORD, current_totp
from tests.rq_queue import REDIS_URL

pytestmark = pytest.mark.django_db(transaction=True)

Answer = tuple[int, dict[str, str], str]


class Browser:
    """Plain HTTP with one cookie jar, sent to whichever server is asked."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, form: dict | None = None) -> Answer:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            token = self.cookies[settings.CSRF_COOKIE_NAME]
            body = urlencode({**form, "csrfmiddlewaretoken": token})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{port}{path}"
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
            return response.status, {k.lower(): v for k, v in response.getheaders()}, text
        finally:
            conn.close()


@pytest.fixture
def servers(monkeypatch, rq) -> Iterator[tuple[int, int]]:
    """Two servers, as two machines would run them: the same settings and secret key, the
    test's database and the test's Redis database (the `rq` fixture empties it)."""
    if connection.vendor != "postgresql":
        pytest.skip("several app servers share PostgreSQL (SQLite is one machine's file)")
    database = connection.settings_dict
    if not database["HOST"]:
        pytest.skip("the servers reach PostgreSQL by host and port: no socket path here")
    user = quote(database["USER"] or "", safe="")
    password = quote(database["PASSWORD"] or "", safe="")
    login = f"{user}:{password}" if password else user
    where = f"{database['HOST']}:{database['PORT'] or 5432}"
    monkeypatch.setenv("DATABASE_URL", f"postgres://{login}@{where}/{quote(database['NAME'])}")
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    monkeypatch.setenv("STAFETT_TASK_QUEUE", "redis")
    monkeypatch.setenv("SECRET_KEY", "several-servers-" + "s" * 50)
    ports: list[int] = []
    started = []
    try:
        for _ in range(2):
            # One at a time: a port is free until its server binds it.
            ports.append(load.free_port())
            started.append(load.start_gunicorn(ports[-1], workers=1))
        yield ports[0], ports[1]
    finally:
        for server in started:
            load.stop(server)


def test_a_person_signs_in_on_one_server_and_works_on_the_other_R_SEC_02(servers, holder, rq):
    first, second = servers
    holder.password = make_password(PASSWORD, hasher=StafettArgon2PasswordHasher())
    holder.save(update_fields=["password"])
    device = TOTPDevice.objects.create(user=holder, name="default", confirmed=True)
    browser = Browser()

    status, _, _ = browser.request(first, "GET", "/konto/logg-inn/")
    assert status == 200 and settings.CSRF_COOKIE_NAME in browser.cookies
    status, headers, _ = browser.request(
        first, "POST", "/konto/logg-inn/", {"username": holder.email, "password": PASSWORD}
    )
    assert (status, headers["location"]) == (302, "/konto/logg-inn/kode/")

    # The second server knows whose password was typed, and takes the code.
    status, headers, _ = browser.request(
        second, "POST", "/konto/logg-inn/kode/", {"token": current_totp(device)}
    )
    assert (status, headers["location"]) == (302, "/")
    assert next(rq.connection.scan_iter(match="stafett*"), None) is not None  # in Redis

    for port in (first, second):
        status, _, page = browser.request(port, "GET", "/")
        assert status == 200
        assert holder.get_full_name() in page
        assert 'name="password"' not in page

    status, headers, _ = browser.request(second, "POST", "/konto/logg-ut/", {})
    assert status == 302
    for port in (first, second):
        status, headers, _ = browser.request(port, "GET", "/")
        assert status == 302 and headers["location"].startswith("/konto/logg-inn/")
