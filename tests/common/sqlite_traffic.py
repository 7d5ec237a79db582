"""The first parent logins, new actors and new logs, while the e-mail worker writes, all
against one SQLite file: what `make run` does when people use it (R-GUAR-02, R-SEC-04).

Run in a process of its own by tests/common/test_sqlite.py, because the suite's own SQLite
database lives in memory:

    DATABASE_URL=sqlite:////tmp/x.sqlite3 python -m tests.common.sqlite_traffic ROUNDS

It migrates the file, then runs ROUNDS rounds of the four writes through the pages (the
Django test client, one thread and one connection each) while two more threads do what the
worker does: django-tasks' own worker loop (claiming tasks in exclusive transactions) and a
steady stream of e-mails for it, each claimed, sent by a slow "SMTP server" and marked. It
prints one JSON line: the requests that did not answer as they should, and the worker's
failed writes and tasks.
"""

import json
import os
import re
import sys
import threading
import time
from typing import cast

from django.core.mail.backends.locmem import EmailBackend

SEND_SECONDS = 0.03  # a quick SMTP server
PASSWORD = "blå-fjord-maskin-tavle"


class SlowBackend(EmailBackend):
    def send_messages(self, messages):
        time.sleep(SEND_SECONDS)
        return super().send_messages(messages)


def national_id(serial: int) -> str:
    """A valid fødselsnummer per serial (born 15.10.1986), so no two people share one."""
    from stdnum.no import fodselsnummer

    for individual in range(serial * 7 % 500, 500):
        body = f"151086{individual:03d}"
        first = fodselsnummer.calc_check_digit1(body)
        second = fodselsnummer.calc_check_digit2(body + first)
        if len(first + second) == 2:
            return body + first + second
    raise ValueError(serial)


def _world(rounds: int) -> dict:
    """A holder, and per round: an e-mailed invitation link and a printed letter code."""
    from accounts.models import User
    from logs.services import create_log, issue_guardian_letter
    from notifications.models import OutgoingEmail
    from organisations.enums import Role
    from organisations.models import Unit
    from tests.factories import (
        MembershipFactory,
        UnitFactory,
        UserFactory,
        child_data,
        guardian_data,
    )

    unit = cast(Unit, UnitFactory())
    holder = cast(User, UserFactory())
    MembershipFactory(user=holder, unit=unit, role=Role.HOLDER)
    links, codes = [], []
    for n in range(rounds):
        by_email = create_log(
            by=holder,
            unit=unit,
            child=child_data(national_id=national_id(100 + n)),
            guardians=[guardian_data(email=f"lenke{n}@example.no")],
        )
        body = OutgoingEmail.objects.get(to=f"lenke{n}@example.no").body
        link = re.search(r"https?://[^/\s]+(/konto/aktiver/[^/\s]+/)", body)
        assert link is not None, "no activation link in the e-mail"
        links.append(link.group(1))
        by_letter = create_log(
            by=holder,
            unit=unit,
            child=child_data(national_id=national_id(200 + n)),
            guardians=[guardian_data(email="")],
        )
        codes.append(issue_guardian_letter(by_letter.guardians.get(), by=holder).code)
        assert by_email.pk and by_letter.pk
    return {"unit": unit, "holder": holder, "links": links, "codes": codes}


def _new_log_data(unit, n: int) -> dict:
    from tests.factories import child_data, guardian_data

    data = {
        "unit": str(unit.pk),
        "kind": "child",
        "level": "1",
        "guardian-TOTAL_FORMS": "1",
        "guardian-INITIAL_FORMS": "0",
        "guardian-MIN_NUM_FORMS": "0",
        "guardian-MAX_NUM_FORMS": "4",
        "consent-given_by": "guardians",
        "consent-valid_until": "",
    }
    child = {"national_id": national_id(300 + n), "birth_date": ""}
    for key, value in (child_data() | child).items():
        data[f"child-{key}"] = value
    guardian = {"email": f"ny{n}@example.no"}
    for key, value in guardian_data(**guardian).items():
        data[f"guardian-0-{key}"] = value
    return data


# Each write is what one person does in the browser; every answer is checked.


def _by_link(client, world, n):
    path = world["links"][n]
    yield "GET link", client.get(path), 200
    password = {"password1": PASSWORD, "password2": PASSWORD}
    yield "POST link password", client.post(path, password), 302


def _by_code(client, world, n):
    yield "POST code", client.post("/konto/aktiver/", {"code": world["codes"][n]}), 200
    step = {"step": "password", "email": f"kode{n}@example.no"}
    step |= {"password1": PASSWORD, "password2": PASSWORD}
    yield "POST code password", client.post("/konto/aktiver/", step), 302


def _register_actor(client, world, n):
    client.force_login(world["holder"])
    data = {
        "first_name": "Petter",
        "last_name": f"Psykolog{n}",
        "email": f"aktor{n}@example.no",
        "phone": "912 34 567",
        "unit": world["unit"].pk,
        "national_id": national_id(400 + n),
    }
    yield "POST new actor", client.post("/aktorer/ny/", data), 302


def _create_log(client, world, n):
    client.force_login(world["holder"])
    yield "POST new log", client.post("/logger/ny/", _new_log_data(world["unit"], n)), 302


FLOWS = [_by_link, _by_code, _register_actor, _create_log]


def _person(flow, world, n, problems):
    from django.db import connection
    from django.test import Client

    client = Client()
    try:
        for step, response, expected in flow(client, world, n):
            if response.status_code != expected:
                problems.append(f"{step}: {response.status_code}")
                return
    except Exception as error:  # the test client re-raises what became a 500
        problems.append(f"{flow.__name__}: {type(error).__name__}: {error}")
    finally:
        connection.close()


def _worker_loop(worker, problems):
    from django.db import connection

    try:
        worker.run()
    except Exception as error:
        problems.append(f"worker: {type(error).__name__}: {error}")
    finally:
        connection.close()


def _email_stream(stop, problems):
    """E-mails for the worker, as the pages queue them."""
    from django.db import connection

    from notifications.enums import Kind
    from notifications.services import queue_email

    n = 0
    while not stop.is_set():
        n += 1
        try:
            queue_email(
                kind=Kind.ACTIVATION,
                to=f"strom{n}@example.no",
                template="notifications/email/test",
                context={},
            )
        except Exception as error:
            problems.append(f"queue e-mail: {type(error).__name__}: {error}")
        time.sleep(0.005)
    connection.close()


def main(rounds: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stafett.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    # Speed only: how a password is hashed is not what this is about.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = f"{SlowBackend.__module__}.SlowBackend"
    settings.SECURE_SSL_REDIRECT = False
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.STAFETT_REQUIRE_2FA = False
    call_command("migrate", verbosity=0)
    world = _world(rounds)
    connection.close()

    problems: list[str] = []
    worker_problems: list[str] = []
    stop = threading.Event()
    worker = Worker(
        queue_names=["default"],
        interval=0.01,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="sqlite-traffic",
        excluded_queue_names=[],
    )
    background = [
        threading.Thread(target=_worker_loop, args=(worker, worker_problems)),
        threading.Thread(target=_email_stream, args=(stop, worker_problems)),
    ]
    for thread in background:
        thread.start()
    time.sleep(0.3)  # the worker is busy before the first person arrives
    for n in range(rounds):
        people = [
            threading.Thread(target=_person, args=(flow, world, n, problems)) for flow in FLOWS
        ]
        for person in people:
            person.start()
        for person in people:
            person.join()
    stop.set()
    worker.running = False
    for thread in background:
        thread.join()
    failed = DBTaskResult.objects.failed().values_list("traceback", flat=True)
    worker_problems += [traceback.strip().splitlines()[-1] for traceback in failed]
    sent = DBTaskResult.objects.successful().count()
    with connection.cursor() as cursor:
        journal_mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
    connection.close()
    return {
        "problems": problems,
        "worker_problems": worker_problems,
        "tasks_done": sent,
        "journal_mode": journal_mode,
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
