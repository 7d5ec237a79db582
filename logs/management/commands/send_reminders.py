from typing import Any

from django.core.management.base import BaseCommand

from common.submissions import prune_submissions
from logs.held_uploads import remove_stale
from logs.reminders import send_reminders
from notifications.services import requeue_stale


class Command(BaseCommand):
    help = (
        "Queue the time-driven reminders (measure deadlines, expiring consents) and requeue "
        "e-mails a dead worker left behind. Safe to run every hour (R-NOTIFY-01, R-SEC-04). "
        "Also the hourly tidying: forgets the one-time keys of forms sent more than two days "
        "ago (R-GEN-08) and deletes consent files kept for new-log forms never sent again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = send_reminders()
        requeued = requeue_stale()
        keys = prune_submissions()
        files = remove_stale()
        self.stdout.write(
            f"Reminders queued: {counts['deadlines']} deadline, {counts['consents']} consent; "
            f"e-mails requeued: {requeued}; form keys forgotten: {keys}; "
            f"kept files deleted: {files}."
        )
