"""What the statistics count, kept next to the logs (R-LEAD-03, performance).

`Fact`: one narrow row per log, concern, measure and evaluation: its municipality, unit,
the day and month it counts from, its category, status, level or outcome, and nothing about
the child. `Tally`: the same rows counted by month, for a whole municipality and, coarser,
per unit, so that a city's statistics add up a few thousand tallies instead of a year's
hundreds of thousands of rows. stats.services keeps both in step with every save (see
stats/receivers.py) and can rebuild them.
"""

from django.db import models

from logs.models import Log
from organisations.models import Unit


class Kind(models.TextChoices):
    LOG = "log"
    CONCERN = "concern"
    MEASURE = "measure"
    EVALUATION = "evaluation"


class Fact(models.Model):
    """One counted thing; `day` is when it was created (an evaluation: when it was made),
    in the municipality's time zone, and `month` the first day of that month. A measure's
    status is "open" or "evaluated" as in logs; its `deadline` says whether it is overdue."""

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    # Gone with its log: retention and the archive delete the log, and its counts with it.
    log = models.ForeignKey(Log, on_delete=models.CASCADE, related_name="+")
    municipality_id = models.PositiveBigIntegerField()
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    month = models.DateField()
    category_id = models.PositiveBigIntegerField(null=True)  # a concern's or a measure's
    status = models.CharField(max_length=20, blank=True)
    level = models.PositiveSmallIntegerField(null=True)
    outcome = models.CharField(max_length=30, blank=True)
    deadline = models.DateField(null=True)  # a measure's: overdue when open and past it

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="stats_fact_unique")
        ]
        indexes = [
            # A leader's filter: one kind, their units, the period. The counted columns are
            # in the index too, so PostgreSQL answers from the index alone.
            models.Index(
                fields=[
                    "kind",
                    "unit",
                    "day",
                    "month",
                    "category_id",
                    "status",
                    "level",
                    "outcome",
                ],
                name="stats_fact_filter_idx",
            ),
            models.Index(fields=["log"], name="stats_fact_log_idx"),
            # Overdue measures: whether one is changes with the date, so it cannot be tallied;
            # the open measures are few next to all, and this index holds only them.
            models.Index(
                fields=["deadline", "day", "municipality_id", "unit_id", "month", "category_id"],
                condition=models.Q(kind="measure", status="open"),
                name="stats_fact_open_measure_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class Grain(models.TextChoices):
    MUNICIPALITY = "m"  # every dimension but the unit
    UNIT = "u"  # per unit: logs and measures by status


class Tally(models.Model):
    """How many facts share these values in a month. Absent values are 0 or "", never
    NULL, so that the unique constraint holds and a tally is found by its values."""

    grain = models.CharField(max_length=1, choices=Grain.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    municipality_id = models.PositiveBigIntegerField()
    unit_id = models.PositiveBigIntegerField()  # 0 for a whole municipality
    month = models.DateField()
    category_id = models.PositiveBigIntegerField()
    status = models.CharField(max_length=20, blank=True)
    level = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=30, blank=True)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "grain",
                    "kind",
                    "municipality_id",
                    "unit_id",
                    "month",
                    "category_id",
                    "status",
                    "level",
                    "outcome",
                ],
                name="stats_tally_unique",
            )
        ]
        indexes = [
            # The page's filter: a grain, a kind, the municipalities, the months; the rest is
            # in the index too, so PostgreSQL answers from the index alone.
            models.Index(
                fields=[
                    "grain",
                    "kind",
                    "municipality_id",
                    "month",
                    "unit_id",
                    "category_id",
                    "status",
                    "level",
                    "outcome",
                    "n",
                ],
                name="stats_tally_month_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.kind} {self.month}: {self.n}"
