"""Indexes for the leader's pages (R-LEAD-02, R-LEAD-04, issue 9), checked with EXPLAIN on
the benchmark's Oslo-scale data.

Each person's overdue and on-time measures are counted by going from the person's rows in
the measures' actors table to each measure and testing its status and deadline: 1,152
measures for a page of 50 people, 97 % of them long evaluated.

- `logs_measure_open_deadline`: the open measures only, with their deadline, so that the
  test is a look in a small index instead of a row of the big table.
- `logs_measure_actors_user_measure`: a person's measures read from the index alone,
  instead of a heap block per row. The actors table is Django's own for the many-to-many
  field, so its index is not in the model state (as in accounts migration 0003); SQLite,
  which rebuilds a table from that state when a column changes, could then lose it, and
  needs it less.

Together the page's query went from 3.8 to 1.6 ms of PostgreSQL's time.
"""

from django.db import migrations, models

ACTORS_INDEX = "logs_measure_actors_user_measure"


def _actors_index(apps):
    through = apps.get_model("logs", "Measure")._meta.get_field("actors").remote_field.through
    return through, models.Index(fields=["user", "measure"], name=ACTORS_INDEX)


def add_actors_index(apps, schema_editor):
    through, index = _actors_index(apps)
    schema_editor.add_index(through, index)


def remove_actors_index(apps, schema_editor):
    through, index = _actors_index(apps)
    schema_editor.remove_index(through, index)


class Migration(migrations.Migration):
    dependencies = [("logs", "0007_log_content_version")]

    operations = [
        migrations.AddIndex(
            model_name="measure",
            index=models.Index(
                condition=models.Q(("status", "open")),
                fields=["id", "deadline"],
                name="logs_measure_open_deadline",
            ),
        ),
        migrations.RunPython(add_actors_index, remove_actors_index, elidable=False),
    ]
