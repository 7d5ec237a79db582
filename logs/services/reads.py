"""The reads of a log: every page that shows a log's data says so in the audit trail, and
the log's access list is made of these rows (R-SEC-01)."""

from collections.abc import Iterable

from django.db import models

from accounts.models import User
from audit.services import record, record_each
from logs.models import Log
from logs.queries import READ_ACTIONS

__all__ = ["READ_ACTIONS", "record_log_view", "record_log_views"]


def record_log_view(
    log: Log, *, by: User, page: str = "logs:detail", about: models.Model | None = None
) -> None:
    """Every page that shows a log's data records a read of the log (R-SEC-01). The log is
    the object, so the log's access list shows it; `page` (a URL name) and `about` (the
    concern, measure, meeting… the page is about) say what was read."""
    record(actor=by, action="log.viewed", obj=log, log_id=log.pk, data=_read_data(page, about))


def record_log_views(logs: Iterable[Log], *, by: User, page: str) -> None:
    """One read per log shown on a page that shows several, in one query (R-SEC-01)."""
    objs = [(log, log.pk) for log in logs]
    if objs:
        record_each(actor=by, action="log.viewed", objs=objs, data=_read_data(page, None))


def _read_data(page: str, about: models.Model | None) -> dict:
    data: dict = {"page": page}
    if about is not None:
        data[about._meta.model_name] = about.pk
    return data
