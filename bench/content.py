"""The rows of each log: child, guardians, consent, concerns, measures, glimpses, meetings,
transfers, and the history and audit trail they leave (see bench.generate for the rules)."""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from audit.models import AuditEvent
from bench.bulk import Table, columns
from bench.handovers import (
    IPS,
    ConcernRow,
    GuardianRow,
    MeetingsAndTransfers,
    Obj,
    pick_count,
)
from bench.plan import Holding, LogPlan, plan_logs
from bench.scales import FIRST_NAMES, LAST_NAMES, STREETS, Scale, ascii_name, national_id
from logs.enums import (
    ConcernStatus,
    ConsentGiver,
    LogKind,
    LogStatus,
    MeasureStatus,
    Outcome,
)
from logs.models import (
    Child,
    Concern,
    Consent,
    Evaluation,
    Glimpse,
    Guardian,
    Log,
    Measure,
    Revision,
    Transfer,
)
from meetings.models import Invitation, Meeting
from notes.models import Note

if TYPE_CHECKING:
    from bench.generate import Generator, Org

CONCERNS = (
    ("Sier lite i klassen og trekker seg unna i friminuttene.", "Deltar i samtaler."),
    ("Uro i timene og konflikter med andre barn.", "Roligere skoledager."),
    ("Sliter med lesing og skriving.", "Leser alderstilpasset tekst."),
    ("Mye fravær den siste måneden.", "Møter på skolen hver dag."),
    ("Sover dårlig og er ofte trett.", "Bedre søvn og mer overskudd."),
)
MEASURES = (
    "Samtalegruppe med helsesykepleier hver uke.",
    "Fadderordning med elev fra 6. trinn.",
    "Motorikkgruppe to ganger i uka.",
    "Lesekurs med spesialpedagog.",
    "Faste foreldresamtaler hver måned.",
)
GLIMPSES = (
    "Fortalte en historie for hele gruppa i dag!",
    "Lekte med de andre hele friminuttet.",
    "Leste høyt for klassen.",
)
OUTCOMES = (
    (Outcome.DESIRED_EFFECT, 0.4),
    (Outcome.SOME_EFFECT, 0.3),
    (Outcome.NO_EFFECT, 0.15),
    (Outcome.REGISTERED_IN_ERROR, 0.05),
    (Outcome.DEADLINE_PASSED, 0.1),
)
CONSENT_FILE = "consents/bench-samtykke.pdf"


class LogWriter(MeetingsAndTransfers):
    def __init__(self, gen: "Generator") -> None:
        self.gen, self.rng, self.ids, self.now = gen, gen.rng, gen.ids, gen.now
        self.today = timezone.localdate(self.now)
        self.children = Table(
            Child,
            columns(
                "id municipality first_name last_name national_id birth_date address "
                "postcode place email"
            ),
        )
        self.logs = Table(
            Log,
            columns(
                "id child kind unit holder level status version content_version created_at "
                "passive_at consent_renewal_needed"
            ),
        )
        self.guardians = Table(
            Guardian,
            columns(
                "id log user first_name last_name phone email address postcode place national_id"
            ),
        )
        self.consents = Table(
            Consent,
            columns("id log file original_name size valid_until given_by uploaded_by uploaded_at"),
        )
        self.concerns = Table(
            Concern,
            columns(
                "id log category description goal child_voice status version created_by "
                "created_at closed_at"
            ),
        )
        self.measures = Table(
            Measure,
            columns(
                "id concern category description deadline based_on status version "
                "created_by created_at"
            ),
        )
        self.measure_actors = Table(Measure.actors.through, ["measure", "user"])
        self.evaluations = Table(
            Evaluation,
            ["measure", "outcome", "text", "child_voice", "evaluated_by", "evaluated_at"],
        )
        self.glimpses = Table(
            Glimpse,
            columns("id log text happened_on author author_role published_at created_at"),
        )
        self.meetings = Table(
            Meeting,
            columns(
                "id log level place starts_at ends_at agenda minutes child_invited "
                "status uid sequence version created_by created_at"
            ),
        )
        self.meeting_concerns = Table(Meeting.concerns.through, ["meeting", "concern"])
        self.invitations = Table(
            Invitation, ["meeting", "user", "guardian", "email", "name", "role", "created_at"]
        )
        self.transfers = Table(
            Transfer,
            columns(
                "id log from_holder from_unit to_user to_unit reason status "
                "consent_confirmed previous created_at decided_at decided_by"
            ),
        )
        self.revisions = Table(
            Revision, ["log", "action", "object_type", "object_id", "before", "after", "by", "at"]
        )
        self.audit = Table(
            AuditEvent,
            columns("at actor role action object_type object_id log_id ip_address data"),
        )
        self.notes = Table(Note, ["id", "owner", "text", "version", "created_at", "updated_at"])

    def tables(self) -> list[Table]:
        # Parents before children: the foreign keys are checked at each COPY.
        return [
            self.children, self.logs, self.guardians, self.consents, self.concerns,
            self.measures, self.measure_actors, self.evaluations, self.glimpses, self.meetings,
            self.meeting_concerns, self.invitations, self.transfers, self.revisions,
            self.audit, self.notes,
        ]  # fmt: skip

    def flush(self) -> None:
        self.gen.users.flush()
        for table in self.tables():
            table.flush()

    # --- history ------------------------------------------------------------------------

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
    ) -> None:
        """One change: its row in the log's history and its audit event (R-LOG-08, R-SEC-01)."""
        model, pk = obj
        name = model._meta.model_name
        self.revisions.add(log, action, name, pk, before or {}, after or {}, by, at)
        self.read(log, at, by, role, action, obj, data)

    def read(
        self,
        log: int,
        at: datetime,
        by: int,
        role: str,
        action: str,
        obj: Obj,
        data: dict[str, Any] | None,
    ) -> None:
        model, pk = obj
        label = model._meta.label_lower
        self.audit.add(at, by, role, action, label, str(pk), log, self.rng.choice(IPS), data or {})

    # --- a log ----------------------------------------------------------------------------

    def write_logs(self, org: "Org", scale: Scale, *, first: bool) -> None:
        plans = plan_logs(self.rng, org, scale, now=self.now, first=first)
        # About 1.6 guardians a log: 80 % of the active logs' ones have a login, and the
        # passive logs' share makes up the municipality's number of guardian accounts.
        passive_guardians = 1.6 * (scale.logs - scale.active_logs) or 1
        active_linked = 0.8 * 1.6 * scale.active_logs
        org.guardian_accounts_left = scale.guardian_accounts
        wanted = max(0.0, scale.guardian_accounts - active_linked)
        org.passive_link_share = wanted / passive_guardians
        for number, plan in enumerate(plans, start=1):
            self.write_log(org, plan)
            if number % 20_000 == 0:
                self.flush()
                self.gen.say(f"    {number} logs")
        self.write_notes(org)
        self.flush()

    def write_log(self, org: "Org", plan: LogPlan) -> int:
        rng = self.rng
        log = self.ids.take(Log)
        child = self.ids.take(Child)
        first = plan.chain[0]
        final = plan.chain[-1]
        last_name = rng.choice(LAST_NAMES)
        child_first = rng.choice(FIRST_NAMES)
        if plan.kind == LogKind.PREGNANCY:
            born = (plan.created - timedelta(days=rng.uniform(18 * 365, 40 * 365))).date()
        else:
            born = (plan.created - timedelta(days=rng.uniform(30, 16 * 365))).date()
        number = national_id(born, rng.randrange(1000)) if rng.random() < 0.7 else None
        street = f"{rng.choice(STREETS)} {rng.randint(1, 120)}"
        self.children.add(
            child, org.municipality_id, child_first, last_name, number or "", born, street,
            "0150", "Oslo", "",
        )  # fmt: skip
        renewal = len(plan.chain) > 1 and first.unit != final.unit and rng.random() < 0.3
        version = len(plan.chain) + (plan.status == LogStatus.PASSIVE) + 1
        passive_at = plan.end if plan.status == LogStatus.PASSIVE else None
        self.logs.add(
            log, child, plan.kind, final.unit, final.holder, plan.level, plan.status, version, 1,
            plan.created, passive_at, renewal,
        )  # fmt: skip
        holder_name = org.name[first.holder]
        after = {"holder": holder_name, "level": plan.level}
        self.event(log, plan.created, first.holder, "holder", "log.created", (Log, log), None,
                   after)  # fmt: skip
        guardians = self.write_guardians(org, plan, log, last_name, street)
        self.write_consent(plan, log)
        concerns, actors = self.write_concerns(org, plan, log)
        self.write_glimpses(plan, log, actors, guardians)
        self.write_meetings(org, plan, log, concerns, actors, guardians)
        self.write_transfers(org, plan, log)
        if plan.status == LogStatus.PASSIVE:
            self.event(log, plan.end, final.holder, "holder", "log.passive", (Log, log))
        self.write_reads(plan, log, actors, guardians)
        return log

    def write_guardians(
        self, org: "Org", plan: LogPlan, log: int, last_name: str, street: str
    ) -> list[GuardianRow]:
        """1–2 guardians (0–1 for a pregnancy); those of active logs mostly have a login."""
        rng = self.rng
        count = rng.choice((0, 1)) if plan.kind == LogKind.PREGNANCY else rng.choice((1, 2, 2))
        if plan.persona_guardian:
            count = max(count, 1)
        linked_share = 0.8 if plan.status != LogStatus.PASSIVE else org.passive_link_share
        out: list[GuardianRow] = []
        for index in range(count):
            pk = self.ids.take(Guardian)
            first_name = rng.choice(FIRST_NAMES)
            user: int | None = None
            email = ""
            persona = plan.persona_guardian and index == 0
            if persona or (org.guardian_accounts_left > 0 and rng.random() < linked_share):
                linked_at = plan.created + (plan.end - plan.created) * rng.uniform(0.01, 0.2)
                wanted = org.persona_emails["guardian"] if persona else ""
                user, email = self.gen.user(first_name, last_name, email=wanted, joined=linked_at)
                if persona:
                    org.personas["guardian"] = user
                org.guardian_accounts_left -= 1
            elif rng.random() < 0.6:
                email = f"{ascii_name(first_name)}.{pk}@example.no"
            self.guardians.add(
                pk,
                log,
                user,
                first_name,
                last_name,
                "912 34 567",
                email,
                street,
                "0150",
                "Oslo",
                "",
            )
            if user is not None:
                self.event(log, linked_at, user, "guardian", "guardian.linked", (Guardian, pk))
            out.append((pk, user, f"{first_name} {last_name}", email))
        return out

    def write_consent(self, plan: LogPlan, log: int) -> None:
        rng = self.rng
        if rng.random() > (0.85 if plan.status != LogStatus.PASSIVE else 0.7):
            return
        at = plan.created + timedelta(days=rng.uniform(0, 14))
        at = min(at, plan.end)
        by = plan.holding_at(at).holder
        until = at.date() + timedelta(days=rng.randint(365, 3 * 365))
        if plan.status != LogStatus.PASSIVE and rng.random() < 0.9:
            until = max(until, self.today + timedelta(days=rng.randint(30, 700)))
        pk = self.ids.take(Consent)
        self.consents.add(
            pk, log, CONSENT_FILE, "samtykke.pdf", 1200, until, ConsentGiver.GUARDIANS, by, at
        )
        after = {"valid_until": until.isoformat()}
        self.event(log, at, by, "holder", "consent.uploaded", (Consent, pk), None, after)

    def pick_actors(
        self, org: "Org", plan: LogPlan, unit: int, level: int, *, count: int
    ) -> list[int]:
        """Actors the level allows (R-LOG-03): level 1 only the log's unit's own."""
        rng = self.rng
        if level == 1:
            pool = org.actors_by_unit.get(unit, [])
        elif rng.random() < 0.7:
            pool = org.actors_by_district.get(org.district_of[unit], [])
        else:
            pool = org.all_actors
        holders = {h.holder for h in plan.chain}
        chosen: list[int] = []
        for _ in range(count):
            if pool:
                actor = rng.choice(pool)
                if actor not in holders and actor not in chosen:
                    chosen.append(actor)
        return chosen

    def write_concerns(
        self, org: "Org", plan: LogPlan, log: int
    ) -> tuple[list[ConcernRow], list[int]]:
        rng = self.rng
        passive = plan.status == LogStatus.PASSIVE
        if plan.heavy:
            count = 10
        elif passive:
            count = 1 + pick_count(rng, (0.6, 0.3, 0.1))
        else:
            count = pick_count(rng, (0.1, 0.4, 0.35, 0.15))
        if plan.persona_actor:
            count = max(count, 1)
        span = plan.end - plan.created
        concerns: list[ConcernRow] = []
        log_actors: list[int] = []
        for index in range(count):
            at = plan.created + span * rng.uniform(0.0, 0.6)
            closed = passive or (index >= 7 if plan.heavy else rng.random() < 0.3)
            persona = org.personas.get("actor") if plan.persona_actor and index < 4 else None
            pk = self.ids.take(Concern)
            category, category_name = rng.choice(org.concern_categories)
            holding = plan.holding_at(at)
            measures = 3 if plan.heavy else 1 + pick_count(rng, (0.55, 0.35, 0.1))
            closed_at = self.write_measures(
                org, plan, log, pk, at, closed, measures, persona, log_actors, holding
            )
            description, goal = rng.choice(CONCERNS)
            status = ConcernStatus.CLOSED if closed else ConcernStatus.OPEN
            self.concerns.add(
                pk, log, category, description, goal, "Jeg vil ha det bra.", status,
                1 + closed, holding.holder, at, closed_at,
            )  # fmt: skip
            self.event(
                log, at, holding.holder, "holder", "concern.created", (Concern, pk), None,
                {"category": category_name},
            )  # fmt: skip
            if closed_at is not None:  # the concern is closed
                by = plan.holding_at(closed_at).holder
                self.event(log, closed_at, by, "holder", "concern.closed", (Concern, pk))
            concerns.append((pk, at))
        return concerns, log_actors

    def write_measures(
        self,
        org: "Org",
        plan: LogPlan,
        log: int,
        concern: int,
        at: datetime,
        closed: bool,
        count: int,
        persona: int | None,
        log_actors: list[int],
        holding: Holding,
    ) -> datetime | None:
        """The concern's measures, one after the other; each but an open concern's last is
        evaluated, exactly once (R-MEAS-03). Returns when the concern was closed."""
        rng = self.rng
        when, previous, evaluated_at = at, None, at
        for index in range(count):
            pk = self.ids.take(Measure)
            category, category_name = rng.choice(org.measure_categories)
            holding = plan.holding_at(when)
            last_open = index == count - 1 and not closed
            level = plan.level
            actors = self.pick_actors(
                org, plan, holding.unit, level, count=pick_count(rng, (0.35, 0.45, 0.2))
            )
            if persona is not None and index == 0 and persona not in actors:
                actors.append(persona)
            if last_open:
                deadline = self.today + timedelta(days=rng.randint(-30, 90))
                deadline = max(deadline, when.date())
                status = MeasureStatus.OPEN
            else:
                deadline = when.date() + timedelta(days=rng.randint(30, 90))
                status = MeasureStatus.EVALUATED
            self.measures.add(
                pk, concern, category, rng.choice(MEASURES), deadline, previous, status,
                1 if last_open else 2, holding.holder, when,
            )  # fmt: skip
            for actor in actors:
                self.measure_actors.add(pk, actor)
                if actor not in log_actors:
                    log_actors.append(actor)
            self.event(
                log, when, holding.holder, "holder", "measure.created", (Measure, pk), None,
                {"category": category_name, "based_on": previous},
            )  # fmt: skip
            if last_open:
                continue
            evaluated_at = min(when + timedelta(days=rng.uniform(14, 90)), plan.end)
            outcome = self.outcome()
            text = "Fristen er passert." if outcome == Outcome.DEADLINE_PASSED else "Bedre nå."
            by = plan.holding_at(evaluated_at).holder
            self.evaluations.add(pk, outcome, text, "", by, evaluated_at)
            self.event(
                log, evaluated_at, by, "holder", "measure.evaluated", (Measure, pk), None,
                {"outcome": outcome}, {"outcome": outcome},
            )  # fmt: skip
            based = outcome in (Outcome.SOME_EFFECT, Outcome.REGISTERED_IN_ERROR)
            previous = pk if based and rng.random() < 0.5 else None
            when = evaluated_at + timedelta(hours=1)
        if not closed:
            return None
        return min(evaluated_at + timedelta(days=rng.uniform(0, 10)), plan.end)

    def outcome(self) -> str:
        draw, total = self.rng.random(), 0.0
        for outcome, weight in OUTCOMES:
            total += weight
            if draw < total:
                return outcome
        return Outcome.DESIRED_EFFECT

    def write_glimpses(
        self, plan: LogPlan, log: int, actors: list[int], guardians: list[GuardianRow]
    ) -> None:
        rng = self.rng
        passive = plan.status == LogStatus.PASSIVE
        if plan.heavy:
            count = 10
        else:
            count = pick_count(rng, (0.5, 0.4, 0.1) if passive else (0.4, 0.35, 0.25))
        users = [g[1] for g in guardians if g[1]]
        for _ in range(count):
            at = plan.created + (plan.end - plan.created) * rng.uniform(0.05, 1.0)
            draw = rng.random()
            if draw < 0.15 and actors:
                author, role = rng.choice(actors), "actor"
            elif draw < 0.3 and users:
                author, role = rng.choice(users), "guardian"
            else:
                author, role = plan.holding_at(at).holder, "holder"
            published = rng.random() < 0.8
            pk = self.ids.take(Glimpse)
            happened = (at - timedelta(days=rng.randint(0, 5))).date()
            self.glimpses.add(
                pk, log, rng.choice(GLIMPSES), happened, author, role, at if published else None,
                at,
            )  # fmt: skip
            self.event(log, at, author, role, "glimpse.created", (Glimpse, pk), None,
                       {"published": published})  # fmt: skip

    def write_reads(
        self, plan: LogPlan, log: int, actors: list[int], guardians: list[GuardianRow]
    ) -> None:
        """Who opened the log (R-SEC-01): the holder mostly, then actors and guardians."""
        rng = self.rng
        if plan.heavy:
            count = 500
        elif plan.status == LogStatus.PASSIVE:
            count = rng.randint(1, 6)
        else:
            count = rng.randint(5, 40)
        users = [g[1] for g in guardians if g[1]]
        span = plan.end - plan.created
        for _ in range(count):
            at = plan.created + span * rng.random()
            draw = rng.random()
            if draw < 0.2 and actors:
                by, role = rng.choice(actors), "actor"
            elif draw < 0.3 and users:
                by, role = rng.choice(users), "guardian"
            else:
                by, role = plan.holding_at(at).holder, "holder"
            self.read(log, at, by, role, "log.viewed", (Log, log), {"page": "logs:detail"})

    def write_notes(self, org: "Org") -> None:
        """Personal notes (R-NOTE-01): the persona holder's five, and some other people's."""
        rng = self.rng
        persona = org.personas.get("holder")
        for holder, _unit in org.active_holders:
            count = 5 if holder == persona else pick_count(rng, (0.8, 0.15, 0.05))
            for index in range(count):
                pk = self.ids.take(Note)
                at = self.now - timedelta(days=rng.uniform(1, 200))
                self.notes.add(pk, holder, f"Notat {index + 1}\nHusk å ringe.", 1, at, at)
                self.audit.add(at, holder, "holder", "note.created", "notes.note", str(pk),
                               None, rng.choice(IPS), {})  # fmt: skip
