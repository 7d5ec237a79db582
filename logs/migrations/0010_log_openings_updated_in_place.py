"""A log's view updates its row of LogOpening in place (issue 9): no index holds the columns
a view changes, and on PostgreSQL each page of the table keeps room for the new versions
(fillfactor), so that the update is HOT: no index entry written, and the old version cleared
on the page without a vacuum. The index on the log alone is the unique constraint's first
column already."""

import django.db.models.deletion
from django.db import migrations, models

FILLFACTOR = 70


def _fillfactor(setting: str):
    def change(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = schema_editor.quote_name(apps.get_model("logs", "LogOpening")._meta.db_table)
        schema_editor.execute(f"ALTER TABLE {table} {setting}")

    return change


class Migration(migrations.Migration):
    dependencies = [
        ("logs", "0009_indexes_for_actor_logs"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="logopening",
            name="logopening_latest_idx",
        ),
        migrations.AlterField(
            model_name="logopening",
            name="log",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="openings",
                to="logs.log",
                verbose_name="logg",
            ),
        ),
        migrations.RunPython(
            _fillfactor(f"SET (fillfactor = {FILLFACTOR})"),
            _fillfactor("RESET (fillfactor)"),
            elidable=False,
        ),
    ]
