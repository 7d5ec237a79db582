"""Meeting times stay where every page can show them (R-GEN-04).

Before, a meeting typed for year 1 or 9999 was stored, and then broke the log page, the
meeting page, the meetings list and Min side for its holder and guardians: on PostgreSQL a
local time in the first minutes of year 1 is stored as a year before 1, which the driver
cannot read at all; a time at the end of year 9999 overflows when shown in local time. Such
a meeting is moved to the time it was registered (one hour long), or, if only its end was
impossible, ends an hour after its start; the holder sees it and corrects or cancels it.
Then the database refuses such times for good.
"""

import datetime

from django.conf import settings
from django.db import migrations, models

FROM = datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.UTC)
UNTIL = datetime.datetime(2200, 1, 1, 0, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)


def move_impossible_times(apps, schema_editor):
    # Updates only: a row PostgreSQL holds before year 1 cannot even be loaded into Python.
    Meeting = apps.get_model("meetings", "Meeting")
    start_outside = models.Q(starts_at__lt=FROM) | models.Q(starts_at__gte=UNTIL)
    Meeting.objects.filter(start_outside).update(
        starts_at=models.F("created_at"), ends_at=models.F("created_at") + HOUR
    )
    Meeting.objects.filter(ends_at__gte=UNTIL).update(ends_at=models.F("starts_at") + HOUR)


class Migration(migrations.Migration):
    dependencies = [
        ("logs", "0002_log_consent_renewal_needed_transfer"),
        ("meetings", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(move_impossible_times, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="meeting",
            constraint=models.CheckConstraint(
                condition=models.Q(("ends_at__lt", UNTIL), ("starts_at__gte", FROM)),
                name="meeting_times_storable",
            ),
        ),
    ]
