"""Which logs a municipality gets: when, in what state, and who held them when."""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bench.scales import Scale
from logs.enums import Level, LogKind, LogStatus

if TYPE_CHECKING:
    from bench.generate import Org

DAY = timedelta(days=1)


@dataclass
class Holding:
    since: datetime
    holder: int
    unit: int


@dataclass
class LogPlan:
    created: datetime
    end: datetime  # when it went passive, or now
    status: str
    level: int
    kind: str = LogKind.CHILD
    chain: list[Holding] = field(default_factory=list)
    heavy: bool = False
    withdrawn: bool = False
    pending_to: tuple[int, int] | None = None  # (user, unit)
    forwarded: bool = False
    persona_actor: bool = False
    persona_guardian: bool = False

    def holding_at(self, when: datetime) -> Holding:
        current = self.chain[0]
        for holding in self.chain[1:]:
            if holding.since <= when:
                current = holding
        return current


def _level(rng: random.Random) -> int:
    draw = rng.random()
    return Level.ONE if draw < 0.6 else Level.TWO if draw < 0.9 else Level.THREE


def plan_logs(
    rng: random.Random, org: "Org", scale: Scale, *, now: datetime, first: bool
) -> list[LogPlan]:
    """Every log of the municipality, oldest first (so ids grow with time, as in life)."""
    holder = org.personas.get("holder") if first else None
    plans = []
    for index in range(scale.logs):
        active = index < scale.active_logs
        if active:
            created = now - timedelta(days=rng.triangular(1, 3 * 365, 60))
            end, status = now, LogStatus.ACTIVE
        else:
            created = now - timedelta(days=rng.uniform(90, scale.years * 365))
            end = min(created + timedelta(days=rng.uniform(45, 1000)), now - DAY)
            status = LogStatus.PASSIVE
        plan = LogPlan(created=created, end=end, status=status, level=_level(rng))
        if rng.random() < 0.03:
            plan.kind = LogKind.PREGNANCY
        plan.heavy = active and index < scale.heavy_logs
        plans.append(plan)
    _assign_holders(rng, org, plans, holder=holder, scale=scale)
    if first:
        _persona_parts(rng, org, plans, scale)
    _pending_transfers(rng, org, plans, holder=holder)
    plans.sort(key=lambda p: p.created)
    return plans


def _persona_logs(scale: Scale) -> set[int]:
    """The persona holder's logs: the first heavy one and a busy holder's share of the
    rest (15 active, 40 passive at Oslo's scale)."""
    passive = scale.logs - scale.active_logs
    mine = {0}
    mine.update(range(scale.heavy_logs, scale.heavy_logs + min(15, scale.active_logs // 4)))
    mine.update(range(scale.active_logs, scale.active_logs + min(40, passive // 4)))
    return mine


def _assign_holders(
    rng: random.Random, org: "Org", plans: list[LogPlan], *, holder: int | None, scale: Scale
) -> None:
    everyone = org.active_holders + org.former_holders
    persona = _persona_holding(org, holder)
    persona_logs = _persona_logs(scale) if holder is not None else set()
    for index, plan in enumerate(plans):
        pool = org.active_holders if plan.status != LogStatus.PASSIVE else everyone
        final = persona if persona is not None and index in persona_logs else rng.choice(pool)
        draw = rng.random()
        moves = 0 if plan.heavy else 2 if draw < 0.02 else 1 if draw < 0.14 else 0
        span = plan.end - plan.created
        times = sorted(plan.created + span * rng.uniform(0.1, 0.9) for _ in range(moves))
        earlier = [rng.choice(everyone) for _ in range(moves)]
        holders = [*earlier, final]
        chain = [Holding(plan.created, *holders[0])]
        for since, (user, unit) in zip(times, holders[1:], strict=True):
            if user != chain[-1].holder:
                chain.append(Holding(since, user, unit))
        plan.chain = chain
        plan.withdrawn = rng.random() < 0.01


def _persona_parts(rng: random.Random, org: "Org", plans: list[LogPlan], scale: Scale) -> None:
    """The heavy log of the persona holder has the persona actor and guardian; the actor
    also works on dozens of active logs and on a hundred passive ones."""
    plans[0].persona_actor = plans[0].persona_guardian = True
    active = [p for p in plans[scale.heavy_logs : scale.active_logs] if not p.heavy]
    passive = plans[scale.active_logs :]
    for plan in rng.sample(active, min(40, len(active) // 4)) + rng.sample(
        passive, min(100, len(passive) // 4)
    ):
        plan.persona_actor = True
    for plan in plans:
        if plan.persona_actor:
            plan.level = max(plan.level, Level.TWO)


def _persona_holding(org: "Org", holder: int | None) -> tuple[int, int] | None:
    """The persona holder and their unit, in the first municipality only."""
    if holder is None or org.persona_unit is None:
        return None
    return holder, org.persona_unit


def _pending_transfers(
    rng: random.Random, org: "Org", plans: list[LogPlan], *, holder: int | None
) -> None:
    active = [p for p in plans if p.status == LogStatus.ACTIVE and not p.heavy]
    offered_to_persona = 0
    persona = _persona_holding(org, holder)
    for plan in active:
        current = plan.chain[-1].holder
        if persona is not None and offered_to_persona < 2 and current != holder:
            to = persona
            offered_to_persona += 1
        elif rng.random() < 0.015:
            to = rng.choice(org.active_holders)
            if to[0] == current:
                continue
        else:
            continue
        plan.status = LogStatus.TRANSFER_PENDING
        plan.pending_to = to
        plan.forwarded = rng.random() < 0.2
        # Across units a level-1 log with actors may not move: pending ones are level 2.
        plan.level = max(plan.level, Level.TWO)
