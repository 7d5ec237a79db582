"""What apps above logs hook into (they connect in their AppConfig.ready, so that logs
imports nothing of theirs; see docs/architecture.md).

Each is sent inside the request or transaction of the change, so an error in a receiver
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

# Sent by logs.page_cache when it renders a log page's content anew: log, user, role, today.
# Each receiver returns a dict of section name → rendered HTML for the page. The content is
# kept until the log's content version changes, so a receiver whose section shows other
# data must also call logs.page_cache.content_changed when that data changes (the meetings:
# meetings.log_page).
log_page_sections = Signal()
