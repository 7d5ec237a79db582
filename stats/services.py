"""Keeping the statistics' rows (stats.models.Fact, Tally) in step with the logs.

A fact is written by one INSERT … SELECT from the row it counts, so it is derived exactly as
a rebuild derives it, in the same transaction as the save that changed it (the receivers in
stats/receivers.py), and never from an object's stale cached relations. The tallies then
move by the difference between the fact before and after, in one statement. These rows are
derived data, not anyone's change: no audit row.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.apps.registry import Apps
from django.conf import settings
from django.db import connection, transaction
from django.db.models import DateField, F, IntegerField, QuerySet, Value
from django.db.models.functions import TruncDate, TruncMonth

from logs.models import Concern, Evaluation, Log, Measure
from stats.models import Fact, Grain, Kind, Tally

# The fact's columns, in the order every SELECT below gives them.
COLUMNS = (
    "kind",
    "object_id",
    "log_id",
    "municipality_id",
    "unit_id",
    "day",
    "month",
    "category_id",
    "status",
    "level",
    "outcome",
    "deadline",
)
# What a tally is counted by, in the unique constraint's order.
TALLY_COLUMNS = (
    "grain",
    "kind",
    "municipality_id",
    "unit_id",
    "month",
    "category_id",
    "status",
    "level",
    "outcome",
)
# Kinds with a per-unit tally: the statistics split only these by unit.
PER_UNIT = (Kind.LOG.value, Kind.MEASURE.value)

TallyKey = tuple[Any, ...]


def _day(field: str) -> TruncDate:
    return TruncDate(field, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _month(field: str) -> TruncMonth:
    return TruncMonth(_day(field), output_field=DateField())


def _none() -> Value:
    return Value(None, output_field=IntegerField())


def _no_date() -> Value:
    return Value(None, output_field=DateField())


def sources(registry: Apps | None = None) -> dict[str, QuerySet[Any, Any]]:
    """For each kind, the SELECT of its facts, in COLUMNS' order (from `pk` on); from a
    migration's historical models when `registry` is its app registry."""
    log, concern, measure, evaluation = (
        (registry.get_model("logs", name) for name in ("Log", "Concern", "Measure", "Evaluation"))
        if registry
        else (Log, Concern, Measure, Evaluation)
    )

    def select(model: Any, kind: str, to_log: str, created: str, **values: Any) -> Any:
        to_unit = f"{to_log}unit__" if to_log else "unit__"
        rows = model._default_manager.annotate(
            f_kind=Value(kind),
            f_log=F(f"{to_log}id" if to_log else "pk"),
            f_municipality=F(f"{to_unit}municipality_id"),
            f_unit=F(f"{to_log}unit_id" if to_log else "unit_id"),
            f_day=_day(created),
            f_month=_month(created),
            **values,
        )
        return rows.values_list(
            "f_kind",
            "pk",
            "f_log",
            "f_municipality",
            "f_unit",
            "f_day",
            "f_month",
            "f_category",
            "f_status",
            "f_level",
            "f_outcome",
            "f_deadline",
        ).order_by()

    return {
        Kind.LOG: select(
            log,
            Kind.LOG,
            "",
            "created_at",
            f_category=_none(),
            f_status=F("status"),
            f_level=F("level"),
            f_outcome=Value(""),
            f_deadline=_no_date(),
        ),
        Kind.CONCERN: select(
            concern,
            Kind.CONCERN,
            "log__",
            "created_at",
            f_category=F("category_id"),
            f_status=F("status"),
            f_level=_none(),
            f_outcome=Value(""),
            f_deadline=_no_date(),
        ),
        Kind.MEASURE: select(
            measure,
            Kind.MEASURE,
            "concern__log__",
            "created_at",
            f_category=F("category_id"),
            f_status=F("status"),
            f_level=_none(),
            f_outcome=Value(""),
            f_deadline=F("deadline"),
        ),
        Kind.EVALUATION: select(
            evaluation,
            Kind.EVALUATION,
            "measure__concern__log__",
            "evaluated_at",
            f_category=F("measure__category_id"),
            f_status=Value(""),
            f_level=_none(),
            f_outcome=F("outcome"),
            f_deadline=_no_date(),
        ),
    }


def _insert(rows: QuerySet[Any, Any], *, upsert: bool) -> list[tuple[Any, ...]]:
    """Write the facts `rows` selects; with `upsert`, over any already there, and return
    them as written."""
    sql, params = rows.query.sql_with_params()
    return _execute_insert(sql, list(params), upsert=upsert)


def _execute_insert(sql: str, params: list[Any], *, upsert: bool) -> list[tuple[Any, ...]]:
    table = Fact._meta.db_table
    statement = f"INSERT INTO {table} ({', '.join(COLUMNS)}) {sql}"
    if upsert:
        # Every SELECT here has a WHERE, which SQLite needs before ON CONFLICT.
        updates = ", ".join(f"{c} = excluded.{c}" for c in COLUMNS[2:])
        statement += f" ON CONFLICT (kind, object_id) DO UPDATE SET {updates}"
        statement += f" RETURNING {', '.join(COLUMNS)}"
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return list(cursor.fetchall()) if upsert else []


# The SELECT of one row of each kind, compiled once per database: building the annotated
# query costs more than running it, and every save of a log, concern or measure runs one.
_ONE_ROW: dict[tuple[str, str], tuple[str, list[Any]]] = {}
_SENTINEL = 918_273_645_546_372_819


def _one_row(kind: str, pk: int) -> tuple[str, list[Any]]:
    cached = _ONE_ROW.get((connection.alias, kind))
    if cached is None:
        sql, compiled = sources()[kind].filter(pk=_SENTINEL).query.sql_with_params()
        if not compiled or compiled[-1] != _SENTINEL:  # the primary key is the last parameter
            raise RuntimeError(f"Unexpected SQL for the statistics of a {kind}: {sql}")
        cached = _ONE_ROW[(connection.alias, kind)] = (sql, list(compiled[:-1]))
    sql, params = cached
    return sql, [*params, pk]


def _tally_keys(fact: Sequence[Any]) -> list[TallyKey]:
    """The tallies a fact (a row in COLUMNS' order) counts towards."""
    row = dict(zip(COLUMNS, fact, strict=True))
    category, level = row["category_id"] or 0, row["level"] or 0
    month = row["month"]
    kind, municipality, status = row["kind"], row["municipality_id"], row["status"]
    outcome = row["outcome"]
    keys = [
        (Grain.MUNICIPALITY.value, kind, municipality, 0, month, category, status, level, outcome)
    ]
    if kind in PER_UNIT:
        unit = row["unit_id"]
        keys.append((Grain.UNIT.value, kind, municipality, unit, month, 0, status, 0, ""))
    return keys


def _move_tallies(before: Iterable[Sequence[Any]], after: Iterable[Sequence[Any]]) -> None:
    """Count the facts `after` instead of those `before`: one statement, or none."""
    delta: Counter[TallyKey] = Counter()
    for fact in before:
        for k in _tally_keys(fact):
            delta[k] -= 1
    for fact in after:
        for k in _tally_keys(fact):
            delta[k] += 1
    changes = [(k, n) for k, n in delta.items() if n]
    if not changes:
        return
    columns = (*TALLY_COLUMNS, "n")
    placeholders = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(changes))
    params = [value for k, n in changes for value in (*k, n)]
    table = Tally._meta.db_table
    # Only our own table and column names go into the text; the values are parameters.
    statement = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES {placeholders} "  # noqa: S608
        f"ON CONFLICT ({', '.join(TALLY_COLUMNS)}) DO UPDATE SET n = {table}.n + excluded.n"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _facts_where(**conditions: Any) -> list[tuple[Any, ...]]:
    return list(Fact.objects.filter(**conditions).values_list(*COLUMNS))


def _normalised(facts: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """Facts as the database returned them from a RETURNING: dates may come back as text
    on SQLite."""
    field = DateField()
    out = []
    for fact in facts:
        row = list(fact)
        for index in (COLUMNS.index("day"), COLUMNS.index("month"), COLUMNS.index("deadline")):
            row[index] = field.to_python(row[index])
        out.append(tuple(row))
    return out


def record(kind: str, pk: int) -> None:
    """The fact of one log, concern, measure or evaluation, written or brought up to date,
    and the tallies moved with it."""
    before = _facts_where(kind=kind, object_id=pk)
    sql, params = _one_row(kind, pk)
    after = _normalised(_execute_insert(sql, params, upsert=True))
    _move_tallies(before, after)


def record_moved_log(log_id: int) -> None:
    """After a log was saved whole or changed unit (a transfer): its concerns, measures and
    evaluations follow it."""
    before = [f for f in _facts_where(log_id=log_id) if f[0] != Kind.LOG]
    found = sources()
    after = []
    after += _insert(found[Kind.CONCERN].filter(log_id=log_id), upsert=True)
    after += _insert(found[Kind.MEASURE].filter(concern__log_id=log_id), upsert=True)
    after += _insert(found[Kind.EVALUATION].filter(measure__concern__log_id=log_id), upsert=True)
    _move_tallies(before, _normalised(after))


@transaction.atomic
def rebuild(registry: Apps | None = None) -> int:
    """Every fact and tally afresh from the logs: after data was written in bulk (the
    benchmark's generator, the demo data) or when they are first made (migration 0002).
    Returns the number of facts."""
    facts = registry.get_model("stats", "Fact") if registry else Fact
    tallies = registry.get_model("stats", "Tally") if registry else Tally
    facts._default_manager.all().delete()
    tallies._default_manager.all().delete()
    for rows in sources(registry).values():
        _insert(rows.filter(pk__isnull=False), upsert=False)
    fact_table, table = facts._meta.db_table, tallies._meta.db_table
    columns = ", ".join((*TALLY_COLUMNS, "n"))
    per_unit = ", ".join(f"'{kind}'" for kind in PER_UNIT)
    # Only our own table, column and kind names go into these statements: no input.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) "  # noqa: S608
            f"SELECT '{Grain.MUNICIPALITY.value}', kind, municipality_id, 0, month, "
            "COALESCE(category_id, 0), status, COALESCE(level, 0), outcome, COUNT(*) "
            f"FROM {fact_table} "
            "GROUP BY kind, municipality_id, month, category_id, status, level, outcome"
        )
        cursor.execute(
            f"INSERT INTO {table} ({columns}) "  # noqa: S608
            f"SELECT '{Grain.UNIT.value}', kind, municipality_id, unit_id, month, 0, status, "
            f"0, '', COUNT(*) FROM {fact_table} WHERE kind IN ({per_unit}) "
            "GROUP BY kind, municipality_id, unit_id, month, status"
        )
    return facts._default_manager.count()
