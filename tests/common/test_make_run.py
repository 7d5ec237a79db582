"""`make run` as a newcomer meets it (issue 7, item 18; R-SEC-04): the links it sends point
where it listens, the demo logins stay on screen, and the e-mail worker runs beside it.

Set-up (`make setup`) has run before the suite (`make test`), so `-o setup` skips it here.
"""

import http.cookiejar
import os
import re
import signal
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.notifications.test_smtp import _free_port

ROOT = Path(__file__).resolve().parents[2]
DEMO_HOLDER = "holder@demo.stafettlogg.no"


def _environment(tmp_path, **changes) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "STAFETT_SITE_URL"}}
    env.pop("EMAIL_BACKEND", None)
    return env | {"STAFETT_VAR_DIR": str(tmp_path)} | changes


def _dry_run(env: dict, *variables: str) -> str:
    finished = subprocess.run(  # noqa: S603
        ["make", "--no-print-directory", "-n", "-o", "setup", "run", *variables],  # noqa: S607
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return finished.stdout


def test_make_run_links_point_at_the_port_it_was_given_R_SEC_04(tmp_path):
    commands = _dry_run(_environment(tmp_path), "PORT=8123").splitlines()

    for program in ("run_worker", "runserver", "seed_demo"):
        [line] = [c for c in commands if f"manage.py {program}" in c]
        assert "STAFETT_SITE_URL='http://127.0.0.1:8123'" in line


def test_make_run_keeps_a_site_url_that_was_given_R_SEC_04(tmp_path):
    env = _environment(tmp_path, STAFETT_SITE_URL="https://stafett.example.no")

    commands = _dry_run(env, "PORT=8123")

    assert "STAFETT_SITE_URL='https://stafett.example.no'" in commands
    assert "127.0.0.1:8123'" not in commands


class _Output:
    """Collects what a running process prints, line by line."""

    def __init__(self, stream):
        self.lines: list[str] = []
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream):
        for line in stream:
            self.lines.append(line.rstrip("\n"))


def _wait_for(condition, seconds: float, what: str, output: _Output):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.5)
    pytest.fail(f"Still waiting after {seconds} s: {what}\n" + "\n".join(output.lines[-40:]))


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
            return response.status == 200
    except OSError:
        return False


def _ask_for_a_new_password(base: str, email: str) -> int:
    """What a person does on «Glemt passord»: the page, then the form with its CSRF token."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    page = opener.open(f"{base}/konto/glemt-passord/", timeout=10).read().decode()
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found is not None, "no CSRF token on the page"
    token = found.group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "email": email}).encode()
    return opener.open(f"{base}/konto/glemt-passord/", data, timeout=10).status


def test_make_run_serves_prints_the_logins_last_and_its_worker_sends_to_files_R_SEC_04(tmp_path):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(  # noqa: S603
        ["make", "--no-print-directory", "-o", "setup", "run", f"PORT={port}"],  # noqa: S607
        cwd=ROOT,
        env=_environment(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: the server, its reloader, the worker
    )
    output = _Output(process.stdout)
    try:
        _wait_for(lambda: _answers(f"{base}/konto/logg-inn/"), 120, "the server", output)

        # The banner comes after everything set-up printed: the address with its port, the
        # logins, and where the e-mails go.
        start = output.lines.index(f"Stafettlogg: {base}/")
        banner = output.lines[start : output.lines.index("Stop with Ctrl-C.") + 1]
        assert any(DEMO_HOLDER in line for line in banner)
        assert f"E-mails (activation links, invitations) are files in {tmp_path}/mail/" in banner
        assert not [line for line in output.lines[:start] if "@demo." in line]

        # A page that sends an e-mail: the worker writes it to a file, with a link to this port.
        assert _ask_for_a_new_password(base, DEMO_HOLDER) == 200
        mail = tmp_path / "mail"

        def delivered():
            texts = [p.read_text() for p in mail.glob("*.log")] if mail.exists() else []
            return [t for t in texts if DEMO_HOLDER in t and "/konto/nytt-passord/" in t]

        [email] = _wait_for(delivered, 60, "the password e-mail in the mail folder", output)
        assert f"{base}/konto/nytt-passord/" in email
        assert "127.0.0.1:8000" not in email
        # Nothing of the e-mail reached the terminal to push the logins away.
        assert not [line for line in output.lines if line.startswith("Subject:")]
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
