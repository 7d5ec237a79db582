"""Which of a page's queries PostgreSQL would answer by reading a big table from end to end:
issue 9 asks for no sequential scan over a big table on any page, checked with EXPLAIN on
the generated data.

The queries are those a page sent while it was measured, with their values written in
(Django's `last_executed_query`). EXPLAIN without ANALYZE plans a statement and runs
nothing, so a write is planned as safely as a read. A prepared statement may later be run
with a generic plan rather than the one for these values: on such data the two agree on
whether a table is read whole.
"""

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connection, transaction

# A table with more rows than this (PostgreSQL's estimate, pg_class.reltuples) is big: read
# whole on every view, it makes the page slower as the municipality's data grows.
BIG_TABLE = 10_000

_PLANNED = ("SELECT", "WITH", "INSERT", "UPDATE", "DELETE")
NOT_PLANNED = "(not planned)"
# Under a LIMIT, a filtered scan stops early if the planner expects this many times the
# LIMIT's rows to pass its filter.
STOPS_EARLY = 10
_INDEX_SCANS = ("Index Scan", "Index Only Scan")
# Nodes that hand on each row as it comes, so that a LIMIT above them stops what is below.
_STREAMING = (
    "Subquery Scan", "Result", "Gather", "Gather Merge", "Append", "Merge Append",
    # Sorts rows already in order on the first keys, one group of equal keys at a time.
    "Incremental Sort",
)  # fmt: skip


@dataclass(frozen=True)
class Scan:
    """A read of the whole of `table` (about `rows` rows) in the plan of `sql`."""

    table: str
    rows: int
    sql: str


def table_rows() -> dict[str, int]:
    """The estimated number of rows of each table of the database's schema."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples::bigint FROM pg_class "
            "WHERE relkind IN ('r', 'p') AND relnamespace = current_schema()::regnamespace"
        )
        return dict(cursor.fetchall())


def big_scans(statements: Iterable[str | None]) -> list[Scan] | None:
    """The reads of a whole big table in the plans of these statements, each statement
    once; None where there are no such plans to read (not PostgreSQL). A statement that
    cannot be planned here is listed with the table "(not planned)": the measure goes on."""
    if connection.vendor != "postgresql":
        return None
    sizes = table_rows()
    found = []
    for sql in dict.fromkeys(statements):
        if sql is None or not sql.lstrip().upper().startswith(_PLANNED):
            continue  # a savepoint, a transaction's start or end, or no text to plan
        try:
            plan = _plan(sql)
        except DatabaseError:
            found.append(Scan(NOT_PLANNED, 0, sql))
            continue
        for table in _scanned_tables(plan):
            if sizes.get(table, 0) > BIG_TABLE:
                found.append(Scan(table, sizes[table], sql))
    return found


def _plan(sql: str) -> dict[str, Any]:
    # In a savepoint: a statement that cannot be planned here (one that depended on a
    # temporary table, say) leaves the connection usable.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        (result,) = cursor.fetchone()
    plans = json.loads(result) if isinstance(result, str) else result
    return plans[0]["Plan"]


def _scanned_tables(node: dict[str, Any], *, limit: float | None = None) -> Iterator[str]:
    """The tables this plan may read whole: by a sequential scan, or in an index's order
    with no condition on the index, unless a LIMIT above it stops the scan early.

    `limit`: the rows a LIMIT above asks for, with only nodes between that hand on each row
    as it comes. A filter there might let the scan run to the end: it is taken to stop
    early only where the planner expects many times the LIMIT's rows to pass the filter
    (PostgreSQL chose the plan on that estimate; a filter few rows pass makes it choose
    another index). An InitPlan or SubPlan runs to its own end whatever is above it; a
    nested loop reads its outer side as it goes, its inner side again for each outer row."""
    filtered = "Filter" in node or "Join Filter" in node
    if limit is not None and filtered and node.get("Plan Rows", 0) < STOPS_EARLY * limit:
        limit = None
    reads_whole = node["Node Type"] == "Seq Scan" or (
        node["Node Type"] in _INDEX_SCANS and "Index Cond" not in node
    )
    if reads_whole and limit is None:
        yield node["Relation Name"]
    for child in node.get("Plans", ()):
        relationship = child.get("Parent Relationship")
        passed_on: float | None = None  # an InitPlan or SubPlan, or below a blocking node
        if relationship not in ("InitPlan", "SubPlan"):
            if node["Node Type"] == "Limit":
                passed_on = node.get("Plan Rows", 1)
            elif node["Node Type"] in _STREAMING or (
                node["Node Type"] == "Nested Loop" and relationship == "Outer"
            ):
                passed_on = limit
        yield from _scanned_tables(child, limit=passed_on)
