"""The leader's counts of each person's open measures read indexes, not the measures'
table (logs migration 0008, R-LEAD-02, issue 9)."""

import pytest
from django.db import connection

from logs.models import Measure
from organisations.enums import Role
from organisations.models import Unit
from staff.overview import staff_of_units
from tests.factories import make_concern


def test_the_indexes_exist_R_LEAD_02(db):
    through = Measure._meta.get_field("actors").remote_field.through
    with connection.cursor() as cursor:
        actors = connection.introspection.get_constraints(cursor, through._meta.db_table)
        measures = connection.introspection.get_constraints(cursor, Measure._meta.db_table)

    assert actors["logs_measure_actors_user_measure"]["columns"] == ["user_id", "measure_id"]
    assert measures["logs_measure_open_deadline"]["columns"] == ["id", "deadline"]


def test_the_staff_table_counts_overdue_measures_from_the_indexes_R_LEAD_02(
    holder, actor, unit, log
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the plan of SQLite says less")
    make_concern(log, actors=[actor])
    sql, params = staff_of_units(Unit.objects.filter(pk=unit.pk)).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # a test table is too small to need them
        cursor.execute("SET enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
        cursor.execute("RESET enable_bitmapscan")

    assert "logs_measure_actors_user_measure" in plan
    assert "logs_measure_open_deadline" in plan
    assert {row.role for row in staff_of_units(Unit.objects.filter(pk=unit.pk))} == {
        Role.HOLDER,
        Role.ACTOR,
    }
