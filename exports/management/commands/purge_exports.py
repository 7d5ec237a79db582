from typing import Any

from django.core.management.base import BaseCommand

from exports.tasks import delete_expired_exports


class Command(BaseCommand):
    help = (
        "Delete the PDF exports of logs kept 24 hours, and give up exports never made in that "
        "time (R-EXP-01). The worker deletes each export when its time is up; this hourly run "
        "catches any it missed (a worker that was down). Safe to run at any time."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = delete_expired_exports()
        self.stdout.write(f"Exports deleted: {deleted}.")
