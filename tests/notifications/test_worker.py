"""The e-mail worker outlives its database (issue 7, item 8; R-SEC-04, R-GEN-08).

The outage test runs the real worker (`manage.py run_worker`) in a process of its own against
PostgreSQL through a small TCP proxy that the test cuts: every connection dropped and new
ones refused for a few seconds, as in a database restart, without touching the server that
others share. E-mails go to a real SMTP server (aiosmtpd). It needs PostgreSQL in both suite
runs: the one named by STAFETT_TEST_POSTGRES_URL (a database it may create and drop), else
the server of DATABASE_URL, else 127.0.0.1:5432 as user postgres.
"""

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import suppress
from email import message_from_bytes
from pathlib import Path
from typing import Any

import dj_database_url
import psycopg
import pytest
from django.db import OperationalError
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker
from psycopg.types.json import Jsonb

from notifications.worker import Worker
from tests.notifications.test_smtp import Inbox, SmtpServer, _free_port

ROOT = Path(__file__).resolve().parents[2]
SLOW = "langsom@example.no"  # the SMTP server takes its time with this one
OUTAGE_SECONDS = 4
WORKER = ["run_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"]
WORKER += ["--sweep-every", "1", "--stale-after", "3"]  # minutes in production


# --- the loop, in this process --------------------------------------------------------------


def _worker(**changes: object) -> Worker:
    options: dict[str, Any] = {
        "queue_names": ["default"],
        "interval": 0.1,
        "batch": False,
        "backend_name": "default",
        "startup_delay": False,
        "max_tasks": None,
        "worker_id": "test",
        "excluded_queue_names": [],
        "sweep_every": 0,
        "stale_after": 120,
    }
    return Worker(**(options | changes))


def test_the_worker_waits_longer_after_each_database_error_and_carries_on_R_SEC_04(monkeypatch):
    runs = []

    def run(self):
        runs.append(time.monotonic())
        if len(runs) <= 4:
            raise OperationalError("connection refused")

    monkeypatch.setattr(DatabaseWorker, "run", run)
    waits = []
    monkeypatch.setattr("notifications.worker.time.sleep", waits.append)

    _worker().run()

    assert len(runs) == 5
    assert waits == [1, 2, 4, 8]


def test_a_bug_outside_the_tasks_does_not_stop_the_worker_either_R_SEC_04(monkeypatch):
    runs = []

    def run(self):
        runs.append(1)
        if len(runs) == 1:
            raise KeyError("unexpected")

    monkeypatch.setattr(DatabaseWorker, "run", run)
    monkeypatch.setattr("notifications.worker.time.sleep", lambda seconds: None)

    _worker().run()

    assert len(runs) == 2


# --- a real outage under the real worker ----------------------------------------------------


class CuttableProxy:
    """A TCP proxy to PostgreSQL that a test can cut: every connection through it dropped,
    new ones refused, until it is opened again."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.port = _free_port()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._server = None
        self._stop = threading.Event()
        self._accepting = None

    def open(self):
        self._server = socket.create_server(("127.0.0.1", self.port))
        self._server.settimeout(0.1)
        self._stop = threading.Event()
        self._accepting = threading.Thread(target=self._accept, daemon=True)
        self._accepting.start()

    def _accept(self):
        while not self._stop.is_set():
            try:
                client, _address = self._server.accept()
            except TimeoutError:
                continue
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        with suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for end in (source, sink):
            with suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def cut(self):
        self._stop.set()
        self._accepting.join()
        self._server.close()
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for end in sockets:
            with suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()


class SlowInbox(Inbox):
    """Takes seconds over one address, so that the database can go away mid-send."""

    def __init__(self):
        super().__init__()
        self.slow_send_started = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        if SLOW in envelope.rcpt_tos:
            self.slow_send_started.set()
            await asyncio.sleep(OUTAGE_SECONDS / 2)
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


def _postgres_target() -> dict[str, Any]:
    """Where the throwaway database lives (see the module docstring)."""
    explicit = os.environ.get("STAFETT_TEST_POSTGRES_URL")
    suite = os.environ.get("DATABASE_URL", "")
    if explicit:
        url = explicit
    elif suite.startswith(("postgres://", "postgresql://")):
        url = suite
    else:
        url = "postgres://postgres@127.0.0.1:5432/stafett"
    target = dj_database_url.parse(url)
    if not explicit:
        target["NAME"] = f"{target['NAME']}_worker_outage"
    return dict(target)


def _url(target: dict, *, port=None, name=None) -> str:
    password = f":{target['PASSWORD']}" if target.get("PASSWORD") else ""
    host = target.get("HOST") or "127.0.0.1"
    return (
        f"postgres://{target.get('USER') or 'postgres'}{password}@{host}:"
        f"{port or target.get('PORT') or 5432}/{name or target['NAME']}"
    )


@pytest.fixture
def outage_database():
    target = _postgres_target()
    admin = _url(target, name="postgres")
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{target["NAME"]}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{target["NAME"]}"')
    except psycopg.OperationalError as error:
        pytest.fail(
            f"The worker outage test needs PostgreSQL ({admin.split('@')[1]}); set "
            f"STAFETT_TEST_POSTGRES_URL to a database it may create and drop. {error}"
        )
    yield target
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target["NAME"]}" WITH (FORCE)')


def _environment(database_url: str, smtp_port: int) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "STAFETT_DEBUG": "1",
        "STAFETT_DB_CONN_MAX_AGE": "600",  # a kept connection is the one an outage breaks
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_TIMEOUT": "10",
    }


def _manage(env: dict, *args: str) -> str:
    finished = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    return finished.stdout


def _queue(env: dict, to: str) -> int:
    code = (
        "from notifications.enums import Kind\n"
        "from notifications.services import queue_email\n"
        f"email = queue_email(kind=Kind.MEETING, to={to!r}, "
        "template='notifications/email/test', context={})\n"
        "print(email.pk)\n"
    )
    return int(_manage(env, "shell", "-c", code).split()[-1])


def _outbox(url: str) -> dict[int, tuple[str, int]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT id, status, attempts FROM notifications_outgoingemail")
        return {pk: (status, attempts) for pk, status, attempts in rows}


def _deliver_tasks(url: str, email_id: int) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult"
            " WHERE args_kwargs -> 'args' = %s",
            [Jsonb([email_id])],
        ).fetchone()
    assert row is not None
    return row[0]


def _wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    pytest.fail(f"Still waiting after {seconds} s: {what}")


def test_the_worker_survives_a_database_outage_and_retries_the_email_it_was_sending_R_SEC_04(
    outage_database, tmp_path
):
    target = outage_database
    direct = _url(target)
    proxy = CuttableProxy(target.get("HOST") or "127.0.0.1", int(target.get("PORT") or 5432))
    smtp = SmtpServer(_free_port())
    smtp.inbox = SlowInbox()
    direct_env = _environment(direct, smtp.port)
    _manage(direct_env, "migrate", "--noinput", "-v", "0")
    smtp.start()
    proxy.open()
    log_file = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", *WORKER],
        cwd=ROOT,
        env=_environment(_url(target, port=proxy.port), smtp.port),
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    try:
        # The database goes away while the worker is sending an e-mail.
        interrupted = _queue(direct_env, SLOW)
        assert smtp.inbox.slow_send_started.wait(60), "the worker never started sending"
        proxy.cut()
        time.sleep(OUTAGE_SECONDS)
        assert worker.poll() is None, "the worker died with the database"
        assert _outbox(direct)[interrupted][0] == "pending"  # its marking never happened
        proxy.open()

        after = _queue(direct_env, "etterpa@example.no")

        def both_sent():
            outbox = _outbox(direct)
            return outbox[interrupted][0] == outbox[after][0] == "sent"

        _wait_for(both_sent, 90, "both e-mails sent after the outage")
        assert worker.poll() is None
        received = [m for m in smtp.messages if m["To"] == "etterpa@example.no"]
        assert len(received) == 1
        # The interrupted one was queued again by the worker itself, not by the hourly
        # reminders: at least once, and every copy is the same mail (one Message-ID).
        assert _deliver_tasks(direct, interrupted) >= 2
        copies = {m["Message-ID"] for m in smtp.messages if m["To"] == SLOW}
        assert copies == {f"<outbox-{interrupted}@stafettlogg>"}
    finally:
        worker.terminate()
        try:
            worker.wait(15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log_file.close()
        with suppress(Exception):
            proxy.cut()
        smtp.stop()
    log = (tmp_path / "worker.log").read_text()
    assert "database error" in log  # it noticed, and said so
