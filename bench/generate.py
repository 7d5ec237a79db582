"""Realistic data at a chosen scale (`manage.py generate_data`), written in bulk.

No service runs per row (that would take hours at Oslo's scale), so this module keeps the
services' invariants itself, and tests/bench/test_generate.py checks them: holders and
actors have memberships in their units; an actor on a measure is one the level allows;
an evaluated measure has exactly one evaluation; a closed concern has only evaluated
measures, a passive log only closed concerns; transfers form the chain of the log's
holders, with at most one pending; every change has its history row and audit event,
and reads of the log are in the audit trail.
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from bench.bulk import Ids, Table, columns, reset_sequences
from bench.content import LogWriter
from bench.scales import (
    BENCH_PASSWORD,
    FIRST_NAMES,
    LAST_NAMES,
    MUNICIPALITY_PREFIX,
    PERSONAS,
    SCALES,
    UNIT_KINDS,
    Scale,
    ascii_name,
)
from logs.services.reads import rebuild_log_openings
from organisations.enums import Role
from organisations.models import ConcernCategory, MeasureCategory, Membership, Municipality, Unit
from organisations.services import create_municipality
from stats.services import rebuild as rebuild_statistics

USER_COLUMNS = [
    "id",
    "password",
    "is_superuser",
    "email",
    "first_name",
    "last_name",
    "phone",
    "language",
    "is_active",
    "is_staff",
    "date_joined",
]


@dataclass
class Org:
    """One municipality as the log writer needs it: ids, names and who works where."""

    municipality_id: int
    units: list[int]
    district_of: dict[int, int]
    unit_name: dict[int, str]
    concern_categories: list[tuple[int, str]]
    measure_categories: list[tuple[int, str]]
    holders_by_unit: dict[int, list[int]] = field(default_factory=dict)
    actors_by_unit: dict[int, list[int]] = field(default_factory=dict)
    actors_by_district: dict[int, list[int]] = field(default_factory=dict)
    active_holders: list[tuple[int, int]] = field(default_factory=list)
    former_holders: list[tuple[int, int]] = field(default_factory=list)
    all_actors: list[int] = field(default_factory=list)
    name: dict[int, str] = field(default_factory=dict)
    personas: dict[str, int] = field(default_factory=dict)
    persona_emails: dict[str, str] = field(default_factory=dict)
    guardian_accounts_left: int = 0
    passive_link_share: float = 0.0
    persona_unit: int | None = None


class Generator:
    def __init__(self, *, seed: int, out: Callable[[str], object] | None = None) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - made-up data, no secrets
        self.ids = Ids()
        self.now = timezone.now()
        self.out = out
        # One hash for every bench login: hashing per user would take hours.
        self.password = make_password(BENCH_PASSWORD)
        self.users = Table(get_user_model(), USER_COLUMNS)
        self.memberships = Table(Membership, ["user", "unit", "role", "created_at"])
        self.devices = Table(
            TOTPDevice,
            columns(
                "user name confirmed throttling_failure_count key step t0 digits "
                "tolerance drift last_t created_at"
            ),
        )

    def say(self, message: str) -> None:
        if self.out is not None:
            self.out(message)

    def run(self, scale_name: str) -> dict[str, int]:
        started = time.monotonic()
        writer = LogWriter(self)
        for number, scale in enumerate(SCALES[scale_name], start=1):
            with transaction.atomic():
                skip_foreign_key_triggers()
                org = self.organisation(number, scale)
                self.people(org, scale, first=number == 1)
                writer.write_logs(org, scale, first=number == 1)
                for table in self.tables(writer):
                    table.flush()
                check_foreign_keys_again()
            self.say(f"  municipality {number}: {time.monotonic() - started:.0f} s")
        reset_sequences(self.ids.models())
        # The reads went into the audit trail in bulk; the access list reads their summary.
        openings = rebuild_log_openings()
        # Written past the services, so past the statistics' receivers too: their rows anew.
        facts = rebuild_statistics()
        written = {t.model._meta.label: t.written for t in self.tables(writer) if t.written}
        return {**written, "logs.LogOpening": openings, "stats.Fact": facts}

    def tables(self, writer: LogWriter) -> list[Table]:
        return [self.users, self.memberships, self.devices, *writer.tables()]

    def user(
        self,
        first: str,
        last: str,
        *,
        email: str = "",
        active: bool = True,
        joined: datetime | None = None,
    ) -> tuple[int, str]:
        pk = self.ids.take(get_user_model())
        email = email or f"{ascii_name(first)}.{ascii_name(last)}.{pk}@bench.stafettlogg.no"
        joined = joined or self.now - timedelta(days=self.rng.randint(30, 3650))
        row = (pk, self.password, False, email, first, last, "", "nb", active, False, joined)
        self.users.add(*row)
        return pk, email

    # --- the municipality, its units and staff ----------------------------------------------

    def organisation(self, number: int, scale: Scale) -> Org:
        municipality, _admin = create_municipality(
            name=f"{MUNICIPALITY_PREFIX} {number}",
            org_number=f"{800_000_000 + number}",
            admin_email=f"admin{number}@bench.stafettlogg.no",
            admin_first_name="Kari",
            admin_last_name="Kommune",
        )
        units = Table(Unit, ["id", "municipality", "parent", "name", "org_number"])
        districts, names, district_of = [], {}, {}
        for d in range(scale.districts):
            pk = self.ids.take(Unit)
            names[pk] = f"Bydel {d + 1}"
            units.add(pk, municipality.pk, None, names[pk], "")
            districts.append(pk)
        unit_ids = []
        for u in range(scale.units):
            pk = self.ids.take(Unit)
            kind = UNIT_KINDS[u % len(UNIT_KINDS)]
            names[pk] = f"{LAST_NAMES[u % len(LAST_NAMES)]} {kind} {u + 1}"
            district_of[pk] = districts[u % len(districts)]
            units.add(pk, municipality.pk, district_of[pk], names[pk], "")
            unit_ids.append(pk)
        units.flush()
        return Org(
            municipality_id=municipality.pk,
            units=unit_ids,
            district_of=district_of,
            unit_name=names,
            concern_categories=list(
                ConcernCategory.objects.filter(municipality=municipality).values_list("pk", "name")
            ),
            measure_categories=list(
                MeasureCategory.objects.filter(municipality=municipality).values_list("pk", "name")
            ),
        )

    def _member(self, org: Org, user: int, unit: int, role: str, joined: datetime) -> None:
        self.memberships.add(user, unit, role, joined)
        if role == Role.HOLDER:
            org.holders_by_unit.setdefault(unit, []).append(user)
        elif role == Role.ACTOR:
            org.actors_by_unit.setdefault(unit, []).append(user)
            org.actors_by_district.setdefault(org.district_of[unit], []).append(user)
            org.all_actors.append(user)

    def people(self, org: Org, scale: Scale, *, first: bool) -> None:
        """Staff: a leader per unit; the others holders, actors or both (R-ROLE-01); some
        have left (inactive), and keep only the passive logs they held."""
        rng = self.rng
        org.persona_unit = org.units[0]
        persona_emails = PERSONAS if first else {}
        org.persona_emails = dict(persona_emails)
        inactive: set[int] = set()
        for index in range(scale.staff):
            first_name, last_name = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            joined = self.now - timedelta(days=rng.randint(30, 3650))
            if index < len(org.units):
                role_set: tuple[Role, ...] = (Role.LEADER,)
                unit = org.units[index]
            else:
                draw = rng.random()
                role_set = (
                    (Role.HOLDER,)
                    if draw < 0.45
                    else (Role.ACTOR,)
                    if draw < 0.9
                    else (Role.HOLDER, Role.ACTOR)
                )
                unit = rng.choice(org.units)
            persona = None
            if index == 0 and persona_emails:
                persona = "leader"
            elif index == len(org.units) and persona_emails:
                persona, role_set, unit = "holder", (Role.HOLDER,), org.persona_unit
            elif index == len(org.units) + 1 and persona_emails:
                # An actor in another unit of the holder's district: a level-2 actor.
                persona, role_set = "actor", (Role.ACTOR,)
                unit = next(
                    u
                    for u in org.units[1:]
                    if org.district_of[u] == org.district_of[org.persona_unit]
                )
            active = persona is not None or index < len(org.units) or rng.random() > 0.08
            email = persona_emails.get(persona, "") if persona else ""
            pk, _email = self.user(first_name, last_name, email=email, active=active, joined=joined)
            org.name[pk] = f"{first_name} {last_name}"
            if persona:
                org.personas[persona] = pk
            for role in role_set:
                self._member(org, pk, unit, role, joined)
                if role == Role.HOLDER:
                    (org.active_holders if active else org.former_holders).append((pk, unit))
            if not active:
                inactive.add(pk)
            else:
                secret = f"{rng.getrandbits(160):040x}"
                self.devices.add(pk, "default", True, 0, secret, 30, 0, 6, 1, 0, -1, joined)
        # Departed actors leave the pools new measures draw from; their old ones stay.
        for pools in (org.actors_by_unit, org.actors_by_district):
            for key, people in pools.items():
                pools[key] = [p for p in people if p not in inactive]
        org.all_actors = [p for p in org.all_actors if p not in inactive]


def skip_foreign_key_triggers() -> None:
    """On PostgreSQL, as a superuser, check no foreign key row by row for this transaction:
    those checks are most of the time the server spends on millions of rows (the tests
    check the generator's foreign keys instead). Otherwise check each at once, which at
    least keeps the millions of deferred checks out of memory until the commit."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def check_foreign_keys_again() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def existing_bench_data() -> str | None:
    """The name of an already generated municipality, if there is one."""
    found = Municipality.objects.filter(name__startswith=MUNICIPALITY_PREFIX).first()
    return found.name if found else None
