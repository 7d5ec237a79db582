from django.core.management.base import BaseCommand

from notifications.reminders import send_reminders
from notifications.services import requeue_stale


class Command(BaseCommand):
    help = (
        "Queue the time-driven reminders (measure deadlines, expiring consents) and requeue "
        "e-mails a dead worker left behind. Safe to run every hour (R-NOTIFY-01, R-SEC-04)."
    )

    def handle(self, *args, **options):
        counts = send_reminders()
        requeued = requeue_stale()
        self.stdout.write(
            f"Reminders queued: {counts['deadlines']} deadline, {counts['consents']} consent; "
            f"e-mails requeued: {requeued}."
        )
