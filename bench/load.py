"""Measuring pages over HTTP: gunicorn with sync workers, and a small load generator.

The generator is threads with http.client, each a client keeping its connection while the
server allows (gunicorn's sync workers close it after each response). It runs on the same
machine as the server and takes some of its CPU, for the bare page as for every other.
"""

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings

from bench.pages import Page


@dataclass
class OverHttp:
    requests: int
    per_second: float
    p50_ms: float
    p95_ms: float
    errors: int
    # What went wrong, "GET /path → 500" or the exception's name, and how often.
    failures: Counter[str] = field(default_factory=Counter)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(port: int, *, workers: int) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "gunicorn", "stafett.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "sync",
        "--log-level", "warning",
    ]  # fmt: skip
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    server = subprocess.Popen(command, env=env)  # noqa: S603 - our own fixed command
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped at start")
        try:
            if _get(port, "/bench/fortunes/")[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not answer within a minute")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _get(
    port: int, path: str, headers: dict[str, str] | None = None
) -> tuple[int, http.client.HTTPResponse, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response, response.read()
    finally:
        conn.close()


def csrf_pair(port: int) -> tuple[str, str]:
    """A CSRF cookie and a form token that goes with it, from the login page: every POST
    the benchmark sends uses them (the cookie is no part of the session)."""
    _status, response, body = _get(port, "/konto/logg-inn/")
    cookie = response.getheader("Set-Cookie", "")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    value = re.search(rf"{settings.CSRF_COOKIE_NAME}=([^;]+)", cookie)
    if token is None or value is None:
        raise RuntimeError("The login page came without its CSRF token or cookie.")
    return value.group(1), token.group(1).decode()


Visit = tuple[Page, dict, bytes | None]


def visits(page: Page, keys: dict[str, str], csrf: tuple[str, str]) -> list[Visit]:
    """The requests of a page (of each page of a mix): its persona's session cookie, and a
    POST's fields with the CSRF token."""
    out = []
    for item in page.mix or [page]:
        cookies, headers, body = [], {}, None
        if item.persona:
            cookies.append(f"{settings.SESSION_COOKIE_NAME}={keys[item.persona]}")
        if item.method == "POST":
            cookies.append(f"{settings.CSRF_COOKIE_NAME}={csrf[0]}")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urlencode({**(item.form or {}), "csrfmiddlewaretoken": csrf[1]}).encode()
        if cookies:
            headers["Cookie"] = "; ".join(cookies)
        out.append((item, headers, body))
    return out


def run_load(
    port: int, requests: list[Visit], *, duration: float, clients: int, warmup: float = 1.0
) -> OverHttp:
    """`clients` clients asking for `requests` in turn (each from its own place in the
    list) for `warmup` seconds, then `duration` seconds measured."""
    start = time.perf_counter() + warmup
    end = start + duration
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    failures: Counter[str] = Counter()

    def client(number: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = latencies[number]
        turn = number * len(requests) // clients
        while True:
            began = time.perf_counter()
            if began >= end:
                break
            page, headers, body = requests[turn % len(requests)]
            turn += 1
            try:
                conn.request(page.method, page.path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == page.expected
                outcome = str(response.status)
                if response.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException) as error:
                ok = False
                outcome = type(error).__name__
                conn.close()
            if began >= start:
                mine.append(time.perf_counter() - began)
                errors[number] += not ok
                if not ok:
                    failures[f"{page.method} {page.path} → {outcome}"] += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = sorted(t for mine in latencies for t in mine)
    if not every:
        return OverHttp(0, 0.0, float("nan"), float("nan"), sum(errors), failures)

    def quantile(q: float) -> float:
        return 1000 * every[min(len(every) - 1, int(q * len(every)))]

    return OverHttp(
        len(every), len(every) / duration, quantile(0.5), quantile(0.95), sum(errors), failures
    )
