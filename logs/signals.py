"""What apps above logs hook into (they connect in their AppConfig.ready, so that logs
imports nothing of theirs; see docs/architecture.md).

Both are sent inside the request or transaction of the change, so an error in a receiver
undoes the whole change.
"""

from django.dispatch import Signal

# Sent by logs.services.set_log_passive once the log is passive, inside its transaction:
# log, by. The archive app queues the archival hand-over here (R-ARCH-01), so that the
# task is written in the same transaction and never lost.
log_set_passive = Signal()

# Sent by the log page (logs.views) for extra context of apps above: log, user, role,
# sensitive. Each receiver returns a dict merged into the page's context; it fetches what
# it shows itself, since templates never query.
log_page_context = Signal()
