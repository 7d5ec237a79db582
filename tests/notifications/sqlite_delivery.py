"""One e-mail delivered through a slow SMTP server while a page writes, both against one
SQLite file configured as `make run` has it (WAL, immediate transactions, a busy timeout):
the page's write must not wait for the mail server (R-SEC-04, issue 7 item 5).

Run in a process of its own by tests/notifications/test_delivery.py, because the suite's own
SQLite database lives in memory:

    DATABASE_URL=sqlite:////tmp/x.sqlite3 STAFETT_SQLITE_TIMEOUT=1 \
        python -m tests.notifications.sqlite_delivery

The "SMTP server" holds the send until the page's write has finished (or SEND_SECONDS have
passed). It prints one JSON line: how the write went and how long it took, what deliver()
answered, and the e-mail's status afterwards.
"""

import json
import os
import threading
import time

from django.core.mail.backends.locmem import EmailBackend

SEND_SECONDS = 5.0
sending = threading.Event()
page_done = threading.Event()


class SlowBackend(EmailBackend):
    def send_messages(self, messages):
        sending.set()
        page_done.wait(SEND_SECONDS)
        return super().send_messages(messages)


def _page_write() -> None:
    """What a log page does on every view: a read-audit row, here with an e-mail queued too."""
    from django.db import transaction

    from audit.services import record
    from notifications.enums import Kind
    from notifications.services import queue_email

    with transaction.atomic():
        record(action="log.viewed", data={})
        queue_email(
            kind=Kind.MEETING, to="side@example.no", template="notifications/email/test", context={}
        )


def main() -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stafett.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from notifications.enums import Kind
    from notifications.models import OutgoingEmail
    from notifications.services import queue_email
    from notifications.tasks import deliver

    settings.EMAIL_BACKEND = f"{SlowBackend.__module__}.SlowBackend"
    call_command("migrate", verbosity=0)
    email = queue_email(
        kind=Kind.MEETING, to="treg@example.no", template="notifications/email/test", context={}
    )
    assert email is not None
    connection.close()

    outcome: dict = {}

    def worker():
        try:
            outcome["delivered"] = deliver(email.pk)
        except Exception as error:
            outcome["delivered"] = f"{type(error).__name__}: {error}"
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    assert sending.wait(30), "the worker never reached the SMTP server"
    started = time.monotonic()
    try:
        _page_write()
        outcome["write"] = "ok"
    except Exception as error:
        outcome["write"] = f"{type(error).__name__}: {error}"
    outcome["write_seconds"] = time.monotonic() - started
    page_done.set()
    thread.join()
    outcome["status"] = OutgoingEmail.objects.get(pk=email.pk).status
    outcome["journal_mode"] = connection.cursor().execute("PRAGMA journal_mode").fetchone()[0]
    connection.close()
    return outcome


if __name__ == "__main__":
    print(json.dumps(main()))
