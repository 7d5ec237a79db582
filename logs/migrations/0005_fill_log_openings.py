from django.db import migrations
from django.db.models import Count, Max, Min

# As in logs.queries.READ_ACTIONS when this was written: a migration keeps its own copy.
READ_ACTIONS = ("log.viewed", "consent.downloaded")
BATCH = 5000


def fill(apps, schema_editor):
    """The summary of every read recorded so far, one row per log, person and role, so the
    access list shows the same after the migration as before it (R-SEC-01)."""
    AuditEvent = apps.get_model("audit", "AuditEvent")
    Log = apps.get_model("logs", "Log")
    LogOpening = apps.get_model("logs", "LogOpening")
    using = schema_editor.connection.alias
    rows = (
        AuditEvent.objects.using(using)
        .filter(
            action__in=READ_ACTIONS,
            actor__isnull=False,
            log_id__in=Log.objects.using(using).values("pk"),
        )
        .values("log_id", "actor_id", "role")
        .annotate(first=Min("at"), last=Max("at"), times=Count("id"))
        .order_by()
    )
    batch = []
    for row in rows.iterator(chunk_size=BATCH):
        batch.append(
            LogOpening(
                log_id=row["log_id"],
                user_id=row["actor_id"],
                role=row["role"],
                first_opened=row["first"],
                last_opened=row["last"],
                times=row["times"],
            )
        )
        if len(batch) >= BATCH:
            LogOpening.objects.using(using).bulk_create(batch)
            batch = []
    LogOpening.objects.using(using).bulk_create(batch)


def empty(apps, schema_editor):
    apps.get_model("logs", "LogOpening").objects.using(schema_editor.connection.alias).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("logs", "0004_log_openings"),
        ("audit", "0002_append_only_trigger"),
    ]

    operations = [migrations.RunPython(fill, empty)]
