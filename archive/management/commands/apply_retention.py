from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from archive.retention import NotDue, delete_log, plan
from archive.services import requeue_stale


class Command(BaseCommand):
    help = (
        "Delete the passive logs whose municipality's retention period has passed and whose "
        "archive hand-over succeeded (R-SEC-06); a municipality with no period set keeps "
        "everything. Also queues again the archive hand-overs a lost worker left (R-ARCH-01). "
        "Safe to run every hour; --dry-run lists what would go and deletes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be deleted; delete nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        dry_run = options["dry_run"]
        if not dry_run:
            requeued = requeue_stale(now)
            if requeued:
                self.stdout.write(f"Archive hand-overs queued again: {requeued}.")
        deleted = 0
        for entry in plan(now):
            if not entry.years:
                self.stdout.write(
                    f"{entry.municipality}: no retention period set; nothing is deleted."
                )
                continue
            numbers = ", ".join(map(str, entry.due)) or "none"
            verb = "would be deleted" if dry_run else "deleted"
            if entry.not_archived:
                kept = ", ".join(map(str, entry.not_archived))
                self.stdout.write(
                    f"{entry.municipality}: kept, past {entry.years} years but not handed "
                    f"over to the archive: logs {kept}."
                )
            if dry_run:
                self.stdout.write(f"{entry.municipality}: {verb}: logs {numbers}.")
                continue
            done = []
            for number in entry.due:
                try:
                    delete_log(number, now=now)
                except NotDue as reason:  # changed since the plan; the next run sees it
                    self.stdout.write(f"{entry.municipality}: log {number} kept: {reason}")
                    continue
                done.append(number)
            deleted += len(done)
            self.stdout.write(
                f"{entry.municipality}: {verb}: logs {', '.join(map(str, done)) or 'none'}."
            )
        if dry_run:
            self.stdout.write("Dry run: nothing was deleted.")
        else:
            self.stdout.write(f"Logs deleted: {deleted}.")
