"""The access list from its summary (R-SEC-01): LogOpening is counted as each read is
recorded, so the log page shows the same list as the aggregate over the audit trail did,
without reading the audit trail on every view."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Count, Max
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent
from logs.models import LogOpening
from logs.queries import READ_ACTIONS, access_log_of
from logs.services import (
    record_consent_download,
    record_log_view,
    record_log_views,
    upload_consent,
)
from organisations.enums import Role
from tests.factories import MembershipFactory, UserFactory, make_concern, pdf_upload


def login(client, user, role: str | None = None):
    client.force_login(user)
    if role:
        session = client.session
        session["active_role"] = role
        session.save()


def the_old_aggregate(log):
    """The access list as it was computed before the summary, over the audit trail."""
    return [
        (row["actor__first_name"], row["actor__last_name"], row["role"], row["last"], row["times"])
        for row in AuditEvent.objects.filter(
            log_id=log.pk, action__in=READ_ACTIONS, actor__isnull=False
        )
        .values("actor__first_name", "actor__last_name", "role")
        .annotate(last=Max("at"), times=Count("id"))
        .order_by("-last")[:50]
    ]


def the_summary(log):
    return [
        (r["user__first_name"], r["user__last_name"], r["role"], r["last_opened"], r["times"])
        for r in access_log_of(log)
    ]


def several_reads(client, log, holder, actor, guardian_user, unit):
    """Several people, one of them in two roles, each opening the log a few times, and a
    consent download, which is a read too."""
    make_concern(log, actors=[actor])
    both = UserFactory(first_name="Mona", last_name="Mange")
    MembershipFactory(user=both, unit=unit, role=Role.ACTOR)
    make_concern(log, actors=[both])
    consent = upload_consent(
        log, by=holder, file=pdf_upload(), valid_until=timezone.localdate() + timedelta(days=90)
    )
    for user, role, times in [
        (actor, None, 3),
        (holder, None, 2),
        (guardian_user, None, 1),
        (both, Role.ACTOR, 2),
    ]:
        login(client, user, role)
        for _ in range(times):
            assert client.get(f"/logger/{log.pk}/").status_code == 200
    record_consent_download(consent, by=holder)
    login(client, actor)
    client.get(f"/logger/{log.pk}/")


def test_the_access_list_from_the_summary_is_the_old_aggregate_R_SEC_01(
    client, log, holder, actor, guardian_user, unit
):
    several_reads(client, log, holder, actor, guardian_user, unit)

    summary = the_summary(log)

    assert summary == the_old_aggregate(log)
    # The download outside a request has no role: a row of its own, as before.
    assert sorted((first, role, times) for first, _, role, _, times in summary) == [
        ("Anders", Role.ACTOR, 4),
        ("Gunn", Role.GUARDIAN, 1),
        ("Hanne", "", 1),
        ("Hanne", Role.HOLDER, 2),
        ("Mona", Role.ACTOR, 2),
    ]


def test_the_data_migration_fills_the_summary_from_the_audit_trail_R_SEC_01(
    client, log, holder, actor, guardian_user, unit
):
    several_reads(client, log, holder, actor, guardian_user, unit)
    before = the_summary(log)
    LogOpening.objects.all().delete()
    migration = importlib.import_module("logs.migrations.0005_fill_log_openings")

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.fill(apps, editor)

    assert the_summary(log) == before == the_old_aggregate(log)


def test_the_access_list_reads_the_summary_not_the_audit_trail_in_constant_queries_R_SEC_01(
    client, log, holder, actor, unit
):
    make_concern(log, actors=[actor])
    login(client, holder)
    url = f"/logger/{log.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(5):
        reader = UserFactory(first_name=f"Leser{n}")
        MembershipFactory(user=reader, unit=unit, role=Role.ACTOR)
        make_concern(log, actors=[reader])
        login(client, reader)
        client.get(url)
    login(client, holder)
    client.get(url)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()

    assert "Leser4" in page
    assert len(one.captured_queries) == len(many.captured_queries)
    audit_reads = [
        q["sql"]
        for q in many.captured_queries
        if "audit_auditevent" in q["sql"] and not q["sql"].startswith(("INSERT", "WITH reads"))
    ]
    assert audit_reads == []


def test_a_read_is_its_audit_row_and_its_summary_in_one_round_trip_on_postgresql_R_SEC_01(
    log, holder, other_holder
):
    """A log page's read costs one statement on PostgreSQL (the audit rows inserted feed
    the summary's upsert) and one transaction elsewhere; both write the same rows."""
    with CaptureQueriesContext(connection) as reads:
        record_log_view(log, by=holder)
        record_log_view(log, by=holder)
        record_log_views([log, log], by=other_holder, page="home")
    statements = [q["sql"] for q in reads.captured_queries]
    if connection.vendor == "postgresql":
        assert len(statements) == 3, statements
    assert AuditEvent.objects.filter(log_id=log.pk, action="log.viewed").count() == 4
    openings = {o.user_id: o for o in LogOpening.objects.filter(log=log)}
    assert openings[holder.pk].times == 2
    assert openings[other_holder.pk].times == 2
    assert openings[holder.pk].first_opened < openings[holder.pk].last_opened
    assert the_summary(log) == the_old_aggregate(log)


def test_a_view_changes_no_indexed_column_of_its_summary_row_R_SEC_01(db):
    """Issue 9: every view of a log updates the log's LogOpening row for the person. None of
    the columns a view changes is in an index, and PostgreSQL leaves room on each page of
    the table, so the row is updated in place (HOT): no index entry written per view, and
    the old version cleared on the page without waiting for a vacuum."""
    table = LogOpening._meta.db_table
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    indexed = {
        column
        for constraint in constraints.values()
        if constraint["index"] or constraint["unique"]
        for column in constraint["columns"]
    }
    assert {"log_id", "user_id", "role"} <= indexed
    assert not indexed & {"last_opened", "times", "first_opened"}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [table])
            assert "fillfactor=70" in cursor.fetchone()[0]


def test_on_postgresql_a_repeated_view_updates_the_row_in_place_R_SEC_01(log, holder):
    if connection.vendor != "postgresql":
        pytest.skip("HOT updates are PostgreSQL's")
    record_log_view(log, by=holder)

    for _ in range(3):
        record_log_view(log, by=holder)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = %s",
            [LogOpening._meta.db_table],
        )
        updated, in_place = cursor.fetchone()
    assert updated >= 3
    assert in_place == updated
    assert LogOpening.objects.get(log=log, user=holder).times == 4
