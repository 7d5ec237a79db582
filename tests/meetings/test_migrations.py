"""The migration that bounds meeting times repairs what an older release stored (R-GEN-04).

A meeting typed for year 1 or 9999 was stored before the ranges existed; on PostgreSQL the
first minutes of year 1 became a year before 1 that no query could read back, so its pages
answered 500. After the migration every such meeting has a time the pages can show, and the
holder can correct or cancel it.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from meetings.models import Meeting
from tests.factories import UserFactory, make_log

BEFORE = [("meetings", "0001_initial")]
HOUR = timedelta(hours=1)


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor


@pytest.mark.django_db(transaction=True)
def test_meetings_stored_at_impossible_times_are_moved_where_pages_can_show_them_R_GEN_04(
    client, holder, unit
):
    log = make_log(holder, unit, level=2)
    guardian = UserFactory()
    log.guardians.update(user=guardian)
    if connection.vendor == "postgresql":
        # Year 0 in UTC: what PostgreSQL kept and then could not give back.
        year_1 = datetime(1, 1, 1, 0, 30, tzinfo=ZoneInfo("Europe/Oslo"))
    else:
        year_1 = datetime(1, 1, 1, 10, 0, tzinfo=UTC)
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(days=7)
    old = _migrate(BEFORE).loader.project_state(BEFORE).apps.get_model("meetings", "Meeting")
    common = {"log_id": log.pk, "created_by_id": holder.pk, "level": 2, "place": "Rom"}
    ancient = old.objects.create(starts_at=year_1, ends_at=year_1 + HOUR, uid="a", **common)
    endless = old.objects.create(
        starts_at=soon, ends_at=datetime(9999, 12, 31, 23, 30, tzinfo=UTC), uid="b", **common
    )

    _migrate(None)

    ancient, endless = Meeting.objects.get(pk=ancient.pk), Meeting.objects.get(pk=endless.pk)
    assert (ancient.starts_at, ancient.ends_at) == (ancient.created_at, ancient.created_at + HOUR)
    assert (endless.starts_at, endless.ends_at) == (soon, soon + HOUR)
    for user in (holder, guardian):
        client.force_login(user)
        for url in [
            reverse("logs:detail", args=[log.pk]),
            reverse("meetings:detail", args=[ancient.pk]),
            reverse("meetings:list"),
            reverse("meetings:list") + "?tidligere=1",
            reverse("home"),
        ]:
            assert client.get(url).status_code == 200, (user, url)
