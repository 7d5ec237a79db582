"""The export's benchmark (`manage.py bench_export`): a log with 100 measures as PDF, timed
as the worker makes it (R-EXP-01; the goal is at most 1.5 s of worker time), and the log
page measured alone and while exports run in another process.

The log is made through the services, like a holder would, in a municipality of its own
made once in the benchmark's own database and found again on the next run.
"""

import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from bench.pages import create_session
from exports.enums import ALL_PARTS, ExportStatus
from exports.models import Export
from exports.services import request_export
from exports.tasks import make_export
from logs.enums import Level, Outcome
from logs.models import Log
from logs.services import add_measure, create_concern, create_log, evaluate_measure, set_level
from organisations.enums import Role
from organisations.models import ConcernCategory, MeasureCategory, Membership, Municipality, Unit

TEXT = (
    "Eleven trenger støtte i lesing og skriving. Vi følger opp med lesegruppe, tett "
    "kontakt med foresatte og jevnlige samtaler med eleven om hvordan det går. "
)


BENCH_ORG_NUMBER = "999000001"

GOAL = "Eleven leser alderstilpassede tekster med god forståelse innen sommeren."
VOICE = "Jeg vil gjerne lese mer, men det er vanskelig når det er mye tekst."


@dataclass
class Timing:
    cpu_s: float
    wall_s: float
    pages: int
    size: int


@transaction.atomic
def build_log(*, measures: int = 100, per_concern: int = 5) -> Log:
    """A level-2 log with `measures` measures, `per_concern` to a concern, every other one
    evaluated, each with an actor and about as much text as a real one (a paragraph a
    measure, two a concern), in a municipality of its own (BENCH_ORG_NUMBER)."""
    municipality = Municipality.objects.create(name="Eksportbenk", org_number=BENCH_ORG_NUMBER)
    unit = Unit.objects.create(municipality=municipality, name="Eksportbenk skole")
    holder = User.objects.create_user(
        email="holder@eksport.bench", first_name="Hilde", last_name="Holder"
    )
    actor = User.objects.create_user(
        email="aktor@eksport.bench", first_name="Arne", last_name="Aktør"
    )
    Membership.objects.create(user=holder, unit=unit, role=Role.HOLDER)
    Membership.objects.create(user=actor, unit=unit, role=Role.ACTOR)
    concern_category = ConcernCategory.objects.create(municipality=municipality, name="Språk")
    measure_category = MeasureCategory.objects.create(municipality=municipality, name="Lesing")
    log = create_log(
        by=holder,
        unit=unit,
        child={
            "first_name": "Benk",
            "last_name": "Eksportsen",
            "national_id": "15108695088",
            "birth_date": None,
            "address": "Skoleveien 1",
            "postcode": "0150",
            "place": "Oslo",
            "email": "",
        },
        guardians=[
            {
                "first_name": "Gunn",
                "last_name": "Foresatt",
                "phone": "912 34 567",
                "email": "gunn@eksport.bench",
                "address": "Skoleveien 1",
                "postcode": "0150",
                "place": "Oslo",
            }
        ],
        level=Level.ONE,
    )
    set_level(log, by=holder, level=Level.TWO)
    deadline = timezone.localdate() + timedelta(days=30)
    measure: dict[str, Any] = {
        "category": measure_category,
        "deadline": deadline,
        "actors": [actor],
    }
    made = 0
    while made < measures:
        concern = create_concern(
            log,
            by=holder,
            category=concern_category,
            description=TEXT * 2,
            goal=GOAL,
            child_voice=VOICE,
            measure={**measure, "description": TEXT},
        )
        made += 1
        for _ in range(min(per_concern, measures - made + 1) - 1):
            add_measure(concern, by=holder, description=TEXT, **measure)
            made += 1
        for index, each in enumerate(concern.measures.all()):
            if index % 2 == 0:
                evaluate_measure(each, by=holder, outcome=Outcome.SOME_EFFECT, text=TEXT)
    return log


def time_export(log: Log, *, runs: int = 3) -> list[Timing]:
    """Ask for the whole log as its holder and time the worker's task, `runs` times."""
    timings = []
    for _ in range(runs):
        export = request_export(log, by=log.holder, role=Role.HOLDER, parts=ALL_PARTS)
        cpu, wall = time.process_time(), time.perf_counter()
        result = make_export(export.pk)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        if result != "ready":
            raise RuntimeError(f"The export was not made: {result}")
        export.refresh_from_db()
        timings.append(Timing(cpu_s=cpu, wall_s=wall, pages=export.pages, size=export.size))
    return timings


def holder_session(log: Log) -> str:
    """A session key of the log's holder, signed in with the second factor as production
    requires (a confirmed TOTP device of their own)."""
    TOTPDevice.objects.get_or_create(
        user=log.holder, name="bench-export", defaults={"confirmed": True}
    )
    return create_session(log.holder, Role.HOLDER)


def remove_files(log: Log) -> None:
    """Delete the PDFs the benchmark made; the rows stay, as the audit trail they are in
    is append-only (the benchmark's database is its own, bench/settings.py)."""
    for export in Export.objects.filter(log=log).exclude(file=""):
        export.file.delete(save=False)
        Export.objects.filter(pk=export.pk).update(file="", status=ExportStatus.EXPIRED)


def bench_log(*, measures: int = 100) -> Log:
    """The benchmark's log: made once, found again on the next run."""
    log = Log.objects.filter(unit__municipality__org_number=BENCH_ORG_NUMBER).first()
    return log if log is not None else build_log(measures=measures)
