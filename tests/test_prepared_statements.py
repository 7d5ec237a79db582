"""On PostgreSQL, a query a connection sends again and again is prepared, so that PostgreSQL
plans it once (issue 9: planning was a third of its CPU on the benchmark's mixed load)."""

import pytest
from django.conf import settings
from django.db import connection

from accounts.models import User
from tests.factories import UserFactory
from tests.settings_in_process import setting_for


def _options(**environ: str) -> dict:
    """The database OPTIONS stafett/settings.py gives for these environment variables."""
    return setting_for(
        "s.DATABASES['default'].get('OPTIONS', {})",
        unset=("STAFETT_DB_", "DATABASE_URL"),
        **environ,
    )


def test_postgresql_binds_parameters_on_the_server_and_prepares_repeated_queries():
    options = _options(DATABASE_URL="postgres://u@db.example:5432/stafett")

    assert options == {"server_side_binding": True, "prepare_threshold": 5}


def test_prepared_statements_can_be_turned_off_for_a_pooler_that_cannot_keep_them():
    postgres = "postgres://u@db.example:5432/stafett"

    assert _options(DATABASE_URL=postgres, STAFETT_DB_PREPARED_STATEMENTS="false") == {}
    assert _options(DATABASE_URL=postgres, STAFETT_DB_PREPARE_THRESHOLD="2") == {
        "server_side_binding": True,
        "prepare_threshold": 2,
    }


def test_sqlite_keeps_its_own_options():
    options = _options(DATABASE_URL="sqlite:////tmp/x.sqlite3")

    assert "server_side_binding" not in options
    assert options["transaction_mode"] == "IMMEDIATE"


@pytest.mark.django_db
def test_a_query_sent_again_on_the_same_connection_is_prepared_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's (run the suite on PostgreSQL)")
    assert settings.DATABASES["default"]["OPTIONS"]["server_side_binding"] is True
    person = UserFactory()

    def prepared() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ["%accounts_user%"],
            )
            return cursor.fetchone()[0]

    before = prepared()
    for _ in range(6):  # psycopg prepares at the fifth time
        assert User.objects.filter(pk=person.pk).values_list("email", flat=True).get()
    assert prepared() > before
