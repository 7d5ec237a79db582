"""`manage.py rebuild_statistics`: the statistics' rows afresh from the logs."""

import time
from typing import Any

from django.core.management.base import BaseCommand

from stats.services import rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the rows the statistics count from (stats.Fact) from the logs. Saves keep "
        "them up to date; run this after writing logs in bulk, past the services."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        written = rebuild()
        self.stdout.write(f"{written:,} rows in {time.monotonic() - started:.1f} s.")
