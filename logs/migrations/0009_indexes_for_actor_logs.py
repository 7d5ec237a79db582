"""Indexes for finding an actor's logs through their measures (R-ACT-01, R-ACT-02,
issue 9), checked with EXPLAIN on the benchmark's Oslo-scale data.

An actor's lists (Min side, *Mine aktørbarn*) start from the person's rows in the
measures' actors table, go to each measure's concern and each concern's log, and keep the
open logs: 272 measures and 186 logs for the benchmark's actor, 41 of them open.

- `logs_measure_id_concern` and `logs_concern_id_log`: each step read from an index
  alone, instead of a heap block per row.
- `logs_log_open`: the open logs only (15,000 of a city's 200,000), so that a passive log
  is left out by a look in a small index instead of a row of the big table.

Together the key query of the actor's Min side went from 5.3 to 2.5 ms of PostgreSQL's
time.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("logs", "0008_measure_indexes")]

    operations = [
        migrations.AddIndex(
            model_name="concern",
            index=models.Index(fields=["id", "log"], name="logs_concern_id_log"),
        ),
        migrations.AddIndex(
            model_name="log",
            index=models.Index(
                condition=models.Q(("status__in", ("active", "transfer_pending"))),
                fields=["id"],
                name="logs_log_open",
            ),
        ),
        migrations.AddIndex(
            model_name="measure",
            index=models.Index(fields=["id", "concern"], name="logs_measure_id_concern"),
        ),
    ]
