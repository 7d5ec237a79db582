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


def big_scans(statements: Iterable[str]) -> list[Scan] | None:
    """The reads of a whole big table in the plans of these statements, each statement
    once; None where there are no such plans to read (not PostgreSQL)."""
    if connection.vendor != "postgresql":
        return None
    sizes = table_rows()
    found = []
    for sql in dict.fromkeys(statements):
        if not sql.lstrip().upper().startswith(_PLANNED):
            continue  # a savepoint, a transaction's start or end
        for table in _scanned_tables(_plan(sql)):
            if sizes.get(table, 0) > BIG_TABLE:
                found.append(Scan(table, sizes[table], sql))
    return found


def _plan(sql: str) -> dict[str, Any]:
    # In a savepoint: a statement that cannot be planned here (one that depended on a
    # temporary table, say) leaves the connection usable.
    with transaction.atomic(), connection.cursor() as cursor:
        try:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        except DatabaseError as error:
            raise DatabaseError(f"{error}\nin EXPLAIN of: {sql}") from error
        (result,) = cursor.fetchone()
    plans = json.loads(result) if isinstance(result, str) else result
    return plans[0]["Plan"]


def _scanned_tables(node: dict[str, Any], *, bounded: bool = False) -> Iterator[str]:
    """The tables this plan reads whole: by a sequential scan, or in an index's order with
    no condition on the index, unless a LIMIT above it stops the scan early (`bounded`:
    only nodes that pass rows on as they come stand between them)."""
    reads_whole = node["Node Type"] == "Seq Scan" or (
        node["Node Type"] in _INDEX_SCANS and "Index Cond" not in node
    )
    if reads_whole and not bounded:
        yield node["Relation Name"]
    children = node.get("Plans", ())
    for position, child in enumerate(children):
        if node["Node Type"] == "Limit":
            stops = True
        elif node["Node Type"] in _STREAMING:
            stops = bounded
        else:
            # A nested loop reads its outer side as it goes; the inner side again for
            # each of the outer rows.
            stops = bounded and node["Node Type"] == "Nested Loop" and position == 0
        yield from _scanned_tables(child, bounded=stops)
