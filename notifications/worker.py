"""The background worker that delivers the outbox (R-SEC-04): django-tasks-db's worker, made
to outlive the database and to pick up what a stopped delivery left behind.

django-tasks-db's own `db_worker` exits on the first database error outside a task (a
PostgreSQL restart, a failover, a network blip), and a delivery cut off mid-send leaves its
task "running" for ever. Here the worker closes the broken connections, waits (1, 2, 4 … 30
seconds) and carries on; beside it a sweeper queues again, every minute, each pending e-mail
that no live task will deliver (see notifications.services.requeue_stale).
"""

import logging
import threading
import time
from contextlib import suppress
from datetime import timedelta
from typing import Any

from django.db import Error as DatabaseError
from django.db import connection, connections
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker

from notifications.services import STALE_AFTER, requeue_stale

log = logging.getLogger(__name__)

FIRST_WAIT = 1.0
LONGEST_WAIT = 30.0
# A worker that ran this long since its last failure starts its waits from the beginning.
HEALTHY_AFTER = 60.0


def _close_all_connections() -> None:
    """Drop this thread's connections, broken or not, so the next query opens a new one.

    Closing a broken connection can fail; Django forgets it all the same."""
    for conn in connections.all(initialized_only=True):
        with suppress(Exception):
            conn.close()


class Worker(DatabaseWorker):
    """`manage.py run_worker`: the library's loop, started again after any failure."""

    def __init__(self, *, sweep_every: float, stale_after: float, **options: Any) -> None:
        super().__init__(**options)
        self.sweep_every = sweep_every
        self.stale_after = stale_after

    def run(self) -> None:
        if self.sweep_every and not self.batch:
            threading.Thread(target=self._sweep, name="outbox-sweeper", daemon=True).start()
        failures = 0
        while self.running:
            started = time.monotonic()
            try:
                super().run()
                return  # stopped by a signal, or --batch / --max-tasks are done
            except Exception as error:
                if time.monotonic() - started > HEALTHY_AFTER:
                    failures = 0
                failures += 1
                wait = min(FIRST_WAIT * 2 ** (failures - 1), LONGEST_WAIT)
                if isinstance(error, DatabaseError):  # down, restarting, or not migrated yet
                    first_line = (str(error).strip().splitlines() or [""])[0]
                    log.warning(
                        "Worker %s: database error (%s: %s); trying again in %.0f s.",
                        *(self.worker_id, type(error).__name__, first_line, wait),
                    )
                else:  # a bug: say where, and keep the e-mails going meanwhile
                    log.exception("Worker %s failed; trying again in %.0f s.", self.worker_id, wait)
                _close_all_connections()
                self.startup_delay = False
                time.sleep(wait)

    def _sweep(self) -> None:
        """Every `sweep_every` seconds, queue again the e-mails a stopped delivery left."""
        stale_after = timedelta(seconds=self.stale_after)
        while True:
            time.sleep(self.sweep_every)
            try:
                requeued = requeue_stale(stale_after=stale_after)
                if requeued:
                    log.warning("Worker %s: %d e-mail(s) queued again.", self.worker_id, requeued)
            except DatabaseError as error:  # the worker's own loop reports the outage
                log.info("Outbox sweep skipped: %s", type(error).__name__)
            except Exception:
                log.exception("Outbox sweep failed.")
            finally:
                with suppress(Exception):
                    connection.close()


DEFAULT_SWEEP_EVERY = 60.0
DEFAULT_STALE_AFTER = STALE_AFTER.total_seconds()
