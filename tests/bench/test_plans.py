"""The benchmark's check of each page's plans (issue 9: no page reads a whole big table,
checked with EXPLAIN on the generated data)."""

import pytest
from django.db import connection

from bench import plans
from bench.plans import _scanned_tables
from tests.factories import UserFactory


def _scan(table: str, kind: str = "Seq Scan", **more) -> dict:
    return {"Node Type": kind, "Relation Name": table, **more}


def _node(kind: str, *children: dict) -> dict:
    return {"Node Type": kind, "Plans": list(children)}


def test_a_sequential_scan_or_an_index_read_without_a_condition_reads_the_whole_table():
    assert list(_scanned_tables(_scan("audit"))) == ["audit"]
    assert list(_scanned_tables(_scan("audit", "Index Only Scan"))) == ["audit"]
    assert list(_scanned_tables(_scan("audit", "Index Scan", **{"Index Cond": "(x = 1)"}))) == []
    aggregate = _node("Aggregate", _node("Gather", _scan("audit", "Index Only Scan")))
    assert list(_scanned_tables(aggregate)) == ["audit"]


def test_a_limit_stops_what_hands_rows_on_as_they_come_but_not_a_sort():
    """The admin's trail: the newest rows in the time index's order, a LIMIT above."""
    newest = _node("Limit", _node("Incremental Sort", _scan("audit", "Index Scan")))
    assert list(_scanned_tables(newest)) == []
    counted = _node("Aggregate", _node("Limit", _node("Subquery Scan", _scan("audit"))))
    assert list(_scanned_tables(counted)) == []
    sorted_first = _node("Limit", _node("Sort", _scan("audit")))
    assert list(_scanned_tables(sorted_first)) == ["audit"]


def _as(relationship: str, node: dict) -> dict:
    return {**node, "Parent Relationship": relationship}


def test_under_a_limit_a_nested_loop_stops_its_outer_side_only():
    loop = _node(
        "Nested Loop", _as("Outer", _scan("audit", "Index Scan")), _as("Inner", _scan("users"))
    )
    assert list(_scanned_tables(_node("Limit", loop))) == ["users"]
    assert list(_scanned_tables(loop)) == ["audit", "users"]


def test_a_limit_does_not_stop_a_scan_whose_rows_a_filter_drops():
    """`.first()` on a column with no index: few rows pass, and the scan goes to the end.
    Unless the planner expects many rows to pass: the newest reads of the trail, say."""
    first = _node("Limit", _scan("audit", Filter="(role = 'x')", **{"Plan Rows": 3}))
    assert list(_scanned_tables(first)) == ["audit"]
    reads = {"Filter": "(action ~~ 'log.%')", "Plan Rows": 2_000_000}
    newest_reads = {
        **_node("Limit", _node("Incremental Sort", _scan("audit", "Index Scan", **reads))),
        "Plan Rows": 100,
    }
    assert list(_scanned_tables(newest_reads)) == []
    few = {**reads, "Plan Rows": 999}  # fewer than ten times the LIMIT's rows
    newest_few = {**_node("Limit", _scan("audit", "Index Scan", **few)), "Plan Rows": 100}
    assert list(_scanned_tables(newest_few)) == ["audit"]
    newest = _node(
        "Limit", _node("Incremental Sort", _scan("audit", "Index Scan", Filter="(a ~~ 'x%')"))
    )
    assert list(_scanned_tables(newest)) == ["audit"]
    joined = {
        **_node(
            "Nested Loop", _as("Outer", _scan("audit")), _as("Inner", _scan("u", "Index Scan"))
        ),
        "Join Filter": "(x)",
    }
    assert list(_scanned_tables(_node("Limit", joined))) == ["audit", "u"]


def test_an_initplan_or_subplan_runs_to_its_end_whatever_the_limit():
    init = _node(
        "Limit",
        _as("InitPlan", _node("Aggregate", _as("Outer", _scan("audit")))),
        _as("Outer", _scan("users")),
    )
    assert list(_scanned_tables(init)) == ["audit"]
    loop = _node(
        "Nested Loop",
        _as("InitPlan", _scan("units")),
        _as("Outer", _scan("audit")),
        _as("Inner", _scan("users", "Index Scan", **{"Index Cond": "(id = x)"})),
    )
    assert list(_scanned_tables(_node("Limit", loop))) == ["units"]


@pytest.mark.django_db
def test_the_plans_of_a_pages_queries_name_the_big_tables_read_whole(monkeypatch):
    if connection.vendor != "postgresql":
        assert plans.big_scans(["SELECT 1"]) is None
        return
    UserFactory.create_batch(3)
    monkeypatch.setattr(plans, "BIG_TABLE", 0)  # the test's tables are small
    table = "accounts_user"
    with connection.cursor() as cursor:
        cursor.execute(f'ANALYZE "{table}"')  # its estimate of the rows, as autovacuum keeps
    statements = [
        "SAVEPOINT s1",  # not a statement to plan
        'SELECT COUNT(*) FROM "accounts_user"',
        'SELECT COUNT(*) FROM "accounts_user"',  # planned once
        'SELECT COUNT(*) FROM (SELECT 1 FROM "accounts_user" LIMIT 10) counted',
        "SELECT * FROM accounts_user WHERE email LIKE '%example%'",  # a '%' as it came
        "RELEASE SAVEPOINT s1",
    ]
    found = plans.big_scans(statements)

    assert found is not None
    assert [(scan.table, scan.sql) for scan in found] == [
        (table, statements[1]),
        (table, statements[4]),
    ]
    assert all(scan.rows >= 3 for scan in found)
    # A statement that cannot be planned here is named, and the others still planned.
    broken = plans.big_scans(["SELECT * FROM no_such_table", None, statements[1]])
    assert broken is not None
    assert [(scan.table, scan.sql) for scan in broken] == [
        (plans.NOT_PLANNED, "SELECT * FROM no_such_table"),
        (table, statements[1]),
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # a test table is too small to need them
        try:
            assert plans.big_scans(['SELECT email FROM "accounts_user" WHERE id = 1']) == []
        finally:
            cursor.execute("RESET enable_seqscan")
