import os
from argparse import ArgumentParser
from typing import Any

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from notifications.worker import DEFAULT_STALE_AFTER, DEFAULT_SWEEP_EVERY, Worker


def _seconds(value: str) -> float:
    return db_worker.valid_interval(value)


class Command(db_worker.Command):
    help = (
        "Run the background worker that sends the e-mails (R-SEC-04). Unlike django-tasks' "
        "db_worker it survives database outages, and it queues again every minute the e-mails "
        "a stopped delivery left behind. Takes db_worker's options."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--sweep-every",
            type=_seconds,
            default=DEFAULT_SWEEP_EVERY,
            help="Seconds between looks for e-mails a stopped delivery left (0: never).",
        )
        parser.add_argument(
            "--stale-after",
            type=_seconds,
            default=DEFAULT_STALE_AFTER,
            help="Seconds a pending e-mail with no live task waits before it is queued again.",
        )

    def handle(
        self,
        *,
        verbosity: int,
        reload: bool,
        batch: bool,
        queue_name: str,
        exclude_queues: str,
        **options: Any,
    ) -> None:
        self.configure_logging(verbosity)
        if reload and batch:
            reload = False
        excluded = exclude_queues.split(",") if exclude_queues else []
        worker = Worker(
            queue_names=queue_name.split(","),
            excluded_queue_names=excluded,
            batch=batch,
            interval=options["interval"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            sweep_every=options["sweep_every"],
            stale_after=options["stale_after"],
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
