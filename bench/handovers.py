"""A log's meetings and transfers, for bench.content.LogWriter."""

import random
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Model
from django.utils import timezone

from bench.bulk import Ids, Table
from bench.plan import DAY, LogPlan

if TYPE_CHECKING:
    from bench.generate import Org
from logs.enums import LogStatus, TransferStatus
from logs.models import Transfer
from meetings.enums import InviteeRole, MeetingStatus
from meetings.models import Meeting

# A row the history or the audit trail names: its model and id.
Obj = tuple[type[Model], int]
# A guardian as written: id, login (if any), name, e-mail.
GuardianRow = tuple[int, int | None, str, str]
# A concern as written: id, and when.
ConcernRow = tuple[int, datetime]

# The addresses reads and changes come from, as the audit trail records them.
IPS = [f"10.20.{i // 250}.{i % 250 + 1}" for i in range(500)]


def pick_count(rng: random.Random, weights: Sequence[float]) -> int:
    draw, total = rng.random(), 0.0
    for count, weight in enumerate(weights):
        total += weight
        if draw < total:
            return count
    return len(weights) - 1


class MeetingsAndTransfers:
    """Half of bench.content.LogWriter, which sets these and writes the history rows."""

    rng: random.Random
    now: datetime
    ids: Ids
    meetings: Table
    meeting_concerns: Table
    invitations: Table
    transfers: Table

    if TYPE_CHECKING:
        # LogWriter's own: a change's history row and audit event, and a read's.
        def event(
            self,
            log: int,
            at: datetime,
            by: int,
            role: str,
            action: str,
            obj: Obj,
            before: dict[str, Any] | None = None,
            after: dict[str, Any] | None = None,
            data: dict[str, Any] | None = None,
        ) -> None: ...

        def read(
            self,
            log: int,
            at: datetime,
            by: int,
            role: str,
            action: str,
            obj: Obj,
            data: dict[str, Any] | None,
        ) -> None: ...

    def write_meetings(
        self,
        org: "Org",
        plan: LogPlan,
        log: int,
        concerns: list[ConcernRow],
        actors: list[int],
        guardians: list[GuardianRow],
    ) -> None:
        """About one meeting per log; the active ones may have one coming up."""
        rng = self.rng
        passive = plan.status == LogStatus.PASSIVE
        if plan.heavy:
            past, coming = 3, 2
        elif passive:
            past, coming = pick_count(rng, (0.3, 0.5, 0.2)), 0
        else:
            past, coming = int(rng.random() < 0.7), int(rng.random() < 0.35)
        for index in range(past + coming):
            if index < past:
                day = plan.created + (plan.end - plan.created) * rng.uniform(0.1, 0.95)
                created = day - timedelta(days=rng.uniform(3, 20))
                created = max(created, plan.created)
            else:
                created = self.now - timedelta(days=rng.uniform(1, 20))
                created = max(created, plan.created)
                day = self.now + timedelta(days=rng.uniform(1, 45))
            local = timezone.localtime(day)
            starts = local.replace(hour=rng.randint(8, 14), minute=0, second=0, microsecond=0)
            if index < past and starts >= self.now:
                starts -= DAY
            ends = starts + timedelta(hours=1)
            self.write_meeting(org, plan, log, concerns, actors, guardians, starts, ends, created)

    def write_meeting(
        self,
        org: "Org",
        plan: LogPlan,
        log: int,
        concerns: list[ConcernRow],
        actors: list[int],
        guardians: list[GuardianRow],
        starts: datetime,
        ends: datetime,
        created: datetime,
    ) -> None:
        rng = self.rng
        pk = self.ids.take(Meeting)
        holding = plan.holding_at(created)
        cancelled = rng.random() < 0.05
        status = MeetingStatus.CANCELLED if cancelled else MeetingStatus.PLANNED
        minutes = "Vi ble enige om neste steg." if ends < self.now else ""
        uid = f"{uuid.UUID(int=rng.getrandbits(128), version=4)}@stafettlogg"
        place = "Møterom 2"
        self.meetings.add(
            pk, log, plan.level, place, starts, ends, "Status og veien videre", minutes, False,
            status, uid, int(cancelled), 1 + cancelled, holding.holder, created,
        )  # fmt: skip
        earlier = [c for c, at in concerns if at <= created]
        if earlier:
            self.meeting_concerns.add(pk, rng.choice(earlier))
        # (user, guardian, e-mail, name, role)
        invited: list[tuple[int | None, int | None, str, str, InviteeRole]] = [
            (holding.holder, None, "", org.name[holding.holder], InviteeRole.HOLDER)
        ]
        for actor in actors[:2]:
            invited.append((actor, None, "", org.name.get(actor, "Aktør"), InviteeRole.ACTOR))
        for guardian, user, name, email in guardians:
            invited.append((user, guardian, email, name, InviteeRole.GUARDIAN))
        for person, guardian_id, address, label, role in invited:
            self.invitations.add(pk, person, guardian_id, address, label, role, created)
        when = f"{timezone.localtime(starts):%d.%m.%Y %H:%M}"
        until = f"{timezone.localtime(ends):%d.%m.%Y %H:%M}"
        after = {"level": plan.level, "meeting_place": place, "starts_at": when, "ends_at": until,
                 "agenda": "Status og veien videre"}  # fmt: skip
        self.event(log, created, holding.holder, "holder", "meeting.created", (Meeting, pk), None,
                   after, {"level": plan.level, "invitees": len(invited)})  # fmt: skip
        if cancelled:
            self.read(log, created, holding.holder, "holder", "meeting.cancelled", (Meeting, pk),
                      None)  # fmt: skip

    def write_transfers(self, org: "Org", plan: LogPlan, log: int) -> None:
        """The chain of holders (R-TRAN-01…05): each change of holder an accepted transfer;
        some withdrawn; a pending one, perhaps forwarded on the way, for a waiting log."""
        rng = self.rng
        for before, after in zip(plan.chain, plan.chain[1:], strict=False):
            created = max(after.since - timedelta(days=rng.uniform(1, 10)), before.since)
            pk = self.transfer(
                org,
                log,
                before.holder,
                before.unit,
                after.holder,
                after.unit,
                TransferStatus.ACCEPTED,
                created,
                after.since,
                after.holder,
            )
            self.event(
                log, after.since, after.holder, "holder", "transfer.accepted", (Transfer, pk),
                {"holder": org.name[before.holder], "unit": org.unit_name[before.unit]},
                {"holder": org.name[after.holder], "unit": org.unit_name[after.unit]},
                {"from_holder": before.holder, "to_unit": after.unit},
            )  # fmt: skip
        final = plan.chain[-1]
        span = plan.end - final.since
        if plan.withdrawn and len(org.active_holders) > 1:
            to_user, to_unit = rng.choice(org.active_holders)
            if to_user != final.holder:
                created = final.since + span * rng.uniform(0.3, 0.6)
                decided = created + span * 0.1
                pk = self.transfer(
                    org,
                    log,
                    final.holder,
                    final.unit,
                    to_user,
                    to_unit,
                    TransferStatus.WITHDRAWN,
                    created,
                    decided,
                    final.holder,
                )
                self.event(log, decided, final.holder, "holder", "transfer.withdrawn",
                           (Transfer, pk))  # fmt: skip
        if plan.pending_to is None:
            return
        created = max(self.now - timedelta(days=rng.uniform(1, 10)), final.since + span * 0.9)
        sender, previous = final.holder, None
        if plan.forwarded:
            middle, _unit = rng.choice(org.active_holders)
            if middle not in (final.holder, plan.pending_to[0]):
                decided = created + (self.now - created) * 0.5
                previous = self.transfer(
                    org, log, final.holder, final.unit, middle, _unit, TransferStatus.FORWARDED,
                    created, decided, middle,
                )  # fmt: skip
                sender, created = middle, decided
        self.transfer(org, log, sender, final.unit, *plan.pending_to, TransferStatus.PENDING,
                      created, None, None, previous=previous)  # fmt: skip

    def transfer(
        self,
        org: "Org",
        log: int,
        from_holder: int,
        from_unit: int,
        to_user: int,
        to_unit: int,
        status: str,
        created: datetime,
        decided: datetime | None,
        decided_by: int | None,
        previous: int | None = None,
    ) -> int:
        pk = self.ids.take(Transfer)
        crosses = from_unit != to_unit
        self.transfers.add(
            pk, log, from_holder, from_unit, to_user, to_unit, "Barnet begynner i ny tjeneste.",
            status, crosses, previous, created, decided, decided_by,
        )  # fmt: skip
        action = "transfer.forwarded" if previous is not None else "transfer.created"
        self.event(
            log, created, from_holder, "holder", action, (Transfer, pk), None,
            {"holder": org.name[to_user], "unit": org.unit_name[to_unit]},
            {"to_user": to_user, "to_unit": to_unit, "crosses_units": crosses},
        )  # fmt: skip
        return pk
