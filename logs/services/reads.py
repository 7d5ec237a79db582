"""The reads of a log: every page that shows a log's data says so in the audit trail, and
the log's access list (R-SEC-01) is the running summary of these reads, LogOpening, updated
in the same transaction as each read's audit row."""

from collections.abc import Iterable, Sequence
from typing import cast

from django.db import connections, models, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Count, Max, Min

from accounts.models import User
from audit.models import AuditEvent
from audit.services import events_about, events_for, insert_statement
from logs.models import Log, LogOpening
from logs.queries import READ_ACTIONS

__all__ = [
    "READ_ACTIONS",
    "rebuild_log_openings",
    "record_log_view",
    "record_log_views",
    "record_read",
]


def record_log_view(
    log: Log, *, by: User, page: str = "logs:detail", about: models.Model | None = None
) -> None:
    """Every page that shows a log's data records a read of the log (R-SEC-01). The log is
    the object, so the log's access list shows it; `page` (a URL name) and `about` (the
    concern, measure, meeting… the page is about) say what was read."""
    record_read(by=by, action="log.viewed", obj=log, log_id=log.pk, data=_read_data(page, about))


def record_log_views(logs: Iterable[Log | int], *, by: User, page: str) -> None:
    """One read per log shown on a page that shows several, written at once whatever their
    number (R-SEC-01). A kept list gives the logs by id."""
    ids = [(pk, pk) for pk in (log if isinstance(log, int) else log.pk for log in logs)]
    if ids:
        events = events_about(
            actor=by,
            action="log.viewed",
            object_type=Log._meta.label_lower,
            ids=ids,
            data=_read_data(page, None),
        )
        _write_reads(events)


def record_read(
    *, by: User, action: str, obj: models.Model, log_id: int, data: dict | None = None
) -> None:
    """One read of a log's data (`action` one of READ_ACTIONS): its audit row and the
    access list's summary row, together (R-SEC-01)."""
    _write_reads(events_for(actor=by, action=action, objs=[(obj, log_id)], data=data))


def _write_reads(events: list[AuditEvent]) -> None:
    """The audit rows and the access summary, both or neither. On PostgreSQL one statement
    does both (the rows inserted feed the summary's upsert), so a page's read costs one
    round trip instead of four (BEGIN, two INSERTs, COMMIT): every log page pays it."""
    using = router.db_for_write(AuditEvent)
    connection = connections[using]
    if connection.vendor == "postgresql" and router.db_for_write(LogOpening) == using:
        _write_reads_at_once(events, connection)
        return
    with transaction.atomic(using=using):
        AuditEvent.objects.using(using).bulk_create(events)
        _note_openings(events)


def _write_reads_at_once(events: list[AuditEvent], connection: BaseDatabaseWrapper) -> None:
    insert_sql, insert_params = insert_statement(events, using=connection.alias)
    q = connection.ops.quote_name
    audit = {name: q(_column(AuditEvent, name)) for name in ("log_id", "actor", "role", "at")}
    opening = LogOpening._meta
    table = q(opening.db_table)
    columns = ", ".join(
        q(_column(LogOpening, name))
        for name in ("log", "user", "role", "first_opened", "last_opened", "times")
    )
    # Only quoted names and Django's own INSERT go into the text; the values are parameters.
    # Grouped, so no row is touched twice by one upsert (PostgreSQL refuses that).
    sql = (
        f"WITH reads AS ({insert_sql} RETURNING {audit['log_id']}, {audit['actor']}, "  # noqa: S608
        f"{audit['role']}, {audit['at']}) "
        f"INSERT INTO {table} ({columns}) "
        f"SELECT {audit['log_id']}, {audit['actor']}, {audit['role']}, MIN({audit['at']}), "
        f"MAX({audit['at']}), COUNT(*) FROM reads "
        f"WHERE {audit['log_id']} IS NOT NULL AND {audit['actor']} IS NOT NULL "
        f"GROUP BY {audit['log_id']}, {audit['actor']}, {audit['role']} "
        f"ON CONFLICT ({q('log_id')}, {q('user_id')}, {q('role')}) DO UPDATE SET "
        f"{q('last_opened')} = EXCLUDED.{q('last_opened')}, "
        f"{q('times')} = {table}.{q('times')} + EXCLUDED.{q('times')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, insert_params)


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.column:  # pragma: no cover
        raise TypeError(f"{model.__name__}.{name} is no column.")
    return field.column


def _note_openings(events: Sequence[AuditEvent]) -> None:
    """Count the reads into LogOpening with one upsert: a new row for a first read, else
    one more time and the new last time. Both PostgreSQL and SQLite (≥ 3.24) know
    INSERT … ON CONFLICT DO UPDATE, which Django's bulk_create cannot express as `+ n`."""
    summary: dict[tuple[int, int, str], list] = {}
    for event in events:
        if event.actor_id is None or event.log_id is None:
            continue
        key = (event.log_id, event.actor_id, event.role)
        row = summary.setdefault(key, [event.at, event.at, 0])
        row[0], row[1], row[2] = min(row[0], event.at), max(row[1], event.at), row[2] + 1
    if not summary:
        return
    using = router.db_for_write(LogOpening)
    connection = connections[using]
    opts = LogOpening._meta
    at = opts.get_field("last_opened")
    q = connection.ops.quote_name
    table = q(opts.db_table)
    columns = ["log_id", "user_id", "role", "first_opened", "last_opened", "times"]
    params: list = []
    for (log_id, user_id, role), (first, last, times) in summary.items():
        params += [
            log_id,
            user_id,
            role,
            at.get_db_prep_save(first, connection),
            at.get_db_prep_save(last, connection),
            times,
        ]
    values = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(summary))
    # Only quoted names and placeholders go into the text; the values are parameters.
    sql = (
        f"INSERT INTO {table} ({', '.join(q(c) for c in columns)}) VALUES {values} "  # noqa: S608
        f"ON CONFLICT ({q('log_id')}, {q('user_id')}, {q('role')}) DO UPDATE SET "
        f"{q('last_opened')} = EXCLUDED.{q('last_opened')}, "
        f"{q('times')} = {table}.{q('times')} + EXCLUDED.{q('times')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def rebuild_log_openings() -> int:
    """The summary made again from the audit trail, for reads written in bulk past
    record_read (the benchmark's data generator). Same as migration 0005."""
    rows = (
        AuditEvent.objects.filter(
            action__in=READ_ACTIONS, actor__isnull=False, log_id__in=Log.objects.values("pk")
        )
        .values("log_id", "actor_id", "role")
        .annotate(first=Min("at"), last=Max("at"), times=Count("id"))
        .order_by()
    )
    with transaction.atomic():
        LogOpening.objects.all().delete()
        batch: list[LogOpening] = []
        written = 0
        for row in rows.iterator(chunk_size=5000):
            batch.append(
                LogOpening(
                    log_id=cast(int, row["log_id"]),  # filtered on Log: never null
                    user_id=row["actor_id"],
                    role=row["role"],
                    first_opened=row["first"],
                    last_opened=row["last"],
                    times=row["times"],
                )
            )
            if len(batch) >= 5000:
                written += len(LogOpening.objects.bulk_create(batch))
                batch = []
        written += len(LogOpening.objects.bulk_create(batch))
    return written


def _read_data(page: str, about: models.Model | None) -> dict:
    data: dict = {"page": page}
    if about is not None:
        data[about._meta.model_name] = about.pk
    return data
