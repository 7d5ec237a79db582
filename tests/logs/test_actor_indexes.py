"""The indexes that find an actor's logs through their measures (logs migration 0009,
R-ACT-01, R-ACT-02, issue 9). Whether PostgreSQL uses them depends on the data's size, so
their effect was checked with EXPLAIN on the benchmark's Oslo-scale data (the migration
says how); a test database is too small for the planner to choose them."""

from django.db import connection

from logs.models import Concern, Log, Measure

INDEXES = {
    Measure: ("logs_measure_id_concern", ["id", "concern_id"]),
    Concern: ("logs_concern_id_log", ["id", "log_id"]),
    Log: ("logs_log_open", ["id"]),
}


def test_the_indexes_exist_R_ACT_02(db):
    with connection.cursor() as cursor:
        for model, (name, columns) in INDEXES.items():
            constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
            assert constraints[name]["columns"] == columns


def test_the_open_logs_index_holds_only_open_logs_R_ACT_02(db):
    """A partial index: only the active logs and those waiting for a transfer."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'logs_log_open'")
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'logs_log_open'")
        definition = cursor.fetchone()[0]

    assert "WHERE" in definition.upper()
    assert "'active'" in definition and "'transfer_pending'" in definition
    assert "passive" not in definition
