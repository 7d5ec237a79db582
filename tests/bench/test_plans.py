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


def test_under_a_limit_a_nested_loop_stops_its_outer_side_only():
    loop = _node("Nested Loop", _scan("audit", "Index Scan"), _scan("users"))
    assert list(_scanned_tables(_node("Limit", loop))) == ["users"]
    assert list(_scanned_tables(loop)) == ["audit", "users"]


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
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # a test table is too small to need them
        try:
            assert plans.big_scans(['SELECT email FROM "accounts_user" WHERE id = 1']) == []
        finally:
            cursor.execute("RESET enable_seqscan")
