"""The counts behind the statistics (R-LEAD-03, R-LEAD-05), aggregated in the database.

Each query groups one kind of row (logs, concerns, measures, evaluations) of the chosen
units and period by a few dimensions and returns only the counts: never a row of a log, a
child or a text. The number of queries is fixed, whatever the number of units, months or
logs; the tables and their totals are summed from these few groups in Python.
"""

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import combinations
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Aggregate, Count, QuerySet, Sum
from django.utils import timezone

from logs.enums import MeasureStatus
from organisations.models import Unit
from stats.models import Fact, Grain, Kind, Tally
from stats.suppression import Key

# The dimensions a count can be split by.
UNIT = "unit"
MONTH = "month"
STATUS = "status"
LEVEL = "level"
CATEGORY = "category"
STATE = "state"  # a measure: on time, overdue or evaluated
OUTCOME = "outcome"

# What is counted.
LOGS = "logs"
CONCERNS = "concerns"
MEASURES = "measures"
EVALUATIONS = "evaluations"

# A measure's state: its status, with the open ones split by their deadline (R-MEAS-02).
ON_TIME = "on_time"
OVERDUE = "overdue"
EVALUATED = MeasureStatus.EVALUATED.value


@dataclass(frozen=True)
class Period:
    """From the first to the last day, both included, in the municipality's time zone."""

    first: date
    last: date

    def bounds(self) -> tuple[datetime, datetime]:
        zone = ZoneInfo(settings.TIME_ZONE)
        start = datetime.combine(self.first, time.min, tzinfo=zone)
        end = datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=zone)
        return start, end

    def months(self) -> list[date]:
        """The first day of every month the period touches, in order."""
        months = []
        month = self.first.replace(day=1)
        while month <= self.last:
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return months


def default_period(today: date | None = None) -> Period:
    """The last twelve months: this month and the eleven before it."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    for _ in range(11):
        first = (first - timedelta(days=1)).replace(day=1)
    return Period(first, today)


@dataclass
class Counts:
    """Every count the grouped rows give, by key: a row with dimensions (a, b, c) counts
    towards each of its keys with a subset of them (a, b), (a), () … A key is taken from the
    first source that has all its dimensions, so a total is counted once."""

    values: dict[Key, int] = field(default_factory=dict)

    def add(self, population: str, dims: Sequence[str], rows: Iterable[dict[str, Any]]) -> None:
        rows = list(rows)
        subsets = [
            names for size in range(len(dims) + 1) for names in combinations(sorted(dims), size)
        ]
        owned = [s for s in subsets if (population, s) not in self._owners]
        self._owners.update((population, s) for s in owned)
        for names in owned:
            # Summed by the values alone first; a key is made once per group, not per row.
            get = itemgetter(*names) if names else (lambda row: ())
            sums: dict[Any, int] = {}
            for row in rows:
                group = get(row)
                sums[group] = sums.get(group, 0) + row["n"]
            for group, n in sums.items():
                values = (group,) if len(names) == 1 else group
                self.values[(population, tuple(zip(names, values, strict=True)))] = n
        for name in dims:
            self.observed.setdefault((population, name), set()).update(row[name] for row in rows)

    def __post_init__(self) -> None:
        self._owners: set[tuple[str, tuple[str, ...]]] = set()
        self.observed: dict[tuple[str, str], set[Hashable]] = {}

    def __call__(self, k: Key) -> int:
        return self.values.get(k, 0)

    def values_of(self, population: str, dim: str) -> set[Hashable]:
        return self.observed.get((population, dim), set())


def _grouped(rows: QuerySet[Any, Any], n: Aggregate, **dims: str) -> list[dict[str, Any]]:
    """The rows of one GROUP BY: each dimension named as `dims` says (name=field), months
    as the first day of the month."""
    grouped = list(rows.values(*dims.values()).annotate(n=n).order_by())
    renamed = []
    for row in grouped:
        out = {name: row[path] for name, path in dims.items()}
        out["n"] = row["n"]
        month = out.get(MONTH)
        if isinstance(month, datetime):
            out[MONTH] = timezone.localtime(month).date().replace(day=1)
        renamed.append(out)
    return renamed


def _states(
    rows: list[dict[str, Any]], overdue: list[dict[str, Any]], dims: Sequence[str]
) -> list[dict[str, Any]]:
    """Measures by status made into their state: the open ones split into on time and
    overdue by the `overdue` counts of the same dimensions."""
    late: dict[tuple[Any, ...], int] = {}
    for row in overdue:
        group = tuple(row[d] for d in dims)
        late[group] = late.get(group, 0) + row["n"]
    states = []
    for row in rows:
        group = tuple(row[d] for d in dims)
        values = dict(zip(dims, group, strict=True))
        if row[STATUS] == MeasureStatus.OPEN:
            n_late = min(late.get(group, 0), row["n"])
            states.append({**values, STATE: OVERDUE, "n": n_late})
            states.append({**values, STATE: ON_TIME, "n": row["n"] - n_late})
        else:
            states.append({**values, STATE: EVALUATED, "n": row["n"]})
    return states


def whole_municipalities(units: Sequence[Unit]) -> set[int] | None:
    """The municipalities `units` cover entirely, when every unit is in one of them; None
    when the units are only a part of some municipality (one query)."""
    chosen: dict[int, int] = {}
    for unit in units:
        chosen[unit.municipality_id] = chosen.get(unit.municipality_id, 0) + 1
    sizes = dict(
        Unit.objects.filter(municipality_id__in=chosen)
        .values("municipality_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("municipality_id", "n")
    )
    return set(chosen) if all(sizes.get(m) == n for m, n in chosen.items()) else None


def _is_whole_months(period: Period, today: date) -> bool:
    """Whether the period is whole months (the last one may end today): what the monthly
    tallies can answer."""
    after = period.last + timedelta(days=1)
    return period.first.day == 1 and (after.day == 1 or period.last >= today)


def count_everything(units: Sequence[Unit], period: Period, *, today: date) -> Counts:
    """The counts of the chosen units in the period, in nine grouped queries.

    Logs, concerns and measures count when they were created in the period, and are split by
    their status today; evaluations when they were made. Whole municipalities over whole
    months are added up from the monthly tallies; any other choice from the facts of the
    chosen units (stats.models). Whether an open measure is overdue changes with the date, so
    it cannot be tallied: two queries count the open measures past their deadline among the
    facts, few next to all (R-MEAS-02).
    """
    unit_ids = [unit.pk for unit in units]
    municipalities = whole_municipalities(units) or set()
    tallied = bool(municipalities) and _is_whole_months(period, today)
    if tallied:
        tallies = Tally.objects.filter(
            municipality_id__in=municipalities,
            month__gte=period.first,
            month__lte=period.last,
        )
        n: Aggregate = Sum("n")
        whole: QuerySet[Any, Any] = tallies.filter(grain=Grain.MUNICIPALITY)
        per_unit: QuerySet[Any, Any] = tallies.filter(grain=Grain.UNIT)
    else:
        facts = Fact.objects.filter(
            unit_id__in=unit_ids, day__gte=period.first, day__lte=period.last
        )
        n = Count("*")
        whole = per_unit = facts
    counts = Counts()
    counts.add(
        LOGS,
        (UNIT, STATUS),
        _grouped(per_unit.filter(kind=Kind.LOG), n, unit="unit_id", status="status"),
    )
    logs = whole.filter(kind=Kind.LOG)
    counts.add(
        LOGS,
        (MONTH, STATUS, LEVEL),
        _grouped(logs, n, month="month", status="status", level="level"),
    )
    concerns = whole.filter(kind=Kind.CONCERN)
    counts.add(
        CONCERNS,
        (MONTH, CATEGORY, STATUS),
        _grouped(concerns, n, month="month", category="category_id", status="status"),
    )
    # Open measures past their deadline, from the facts' small index of open measures.
    late = Fact.objects.filter(
        kind=Kind.MEASURE,
        status=MeasureStatus.OPEN,
        deadline__lt=today,
        day__gte=period.first,
        day__lte=period.last,
    )
    late = (
        late.filter(municipality_id__in=municipalities)
        if tallied
        else late.filter(unit_id__in=unit_ids)
    )
    late_by_unit = _grouped(late, Count("*"), unit="unit_id")
    late_by_month = _grouped(late, Count("*"), month="month", category="category_id")
    by_month = _grouped(
        whole.filter(kind=Kind.MEASURE), n, month="month", category="category_id", status="status"
    )
    counts.add(
        MEASURES, (MONTH, CATEGORY, STATE), _states(by_month, late_by_month, (MONTH, CATEGORY))
    )
    by_unit = _grouped(per_unit.filter(kind=Kind.MEASURE), n, unit="unit_id", status="status")
    counts.add(MEASURES, (UNIT, STATE), _states(by_unit, late_by_unit, (UNIT,)))
    evaluations = whole.filter(kind=Kind.EVALUATION)
    counts.add(
        EVALUATIONS,
        (MONTH, CATEGORY, OUTCOME),
        _grouped(evaluations, n, month="month", category="category_id", outcome="outcome"),
    )
    return counts
