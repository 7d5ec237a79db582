"""The saves the statistics follow (connected in stats/apps.py)."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import Model

from logs.models import Concern, Evaluation, Log, Measure
from stats import services
from stats.models import Kind

# For each model counted: its kind, and the fields whose change changes a count.
WATCHED: dict[type[Model], tuple[str, frozenset[str]]] = {
    Log: (Kind.LOG, frozenset({"status", "level", "unit", "created_at"})),
    Concern: (Kind.CONCERN, frozenset({"status", "category", "created_at", "log"})),
    Measure: (
        Kind.MEASURE,
        frozenset({"status", "category", "created_at", "concern", "deadline"}),
    ),
    Evaluation: (Kind.EVALUATION, frozenset({"outcome", "evaluated_at", "measure"})),
}


_paused = threading.local()


@contextmanager
def paused() -> Iterator[None]:
    """No statistics rows while many rows are written that will be rebuilt at the end
    (the demo's two years of history): `stats.services.rebuild` afterwards."""
    _paused.on = True
    try:
        yield
    finally:
        _paused.on = False


def on_save(
    sender: type[Model],
    instance: Model,
    created: bool,
    update_fields: frozenset[str] | None,
    raw: bool = False,
    **kwargs: Any,
) -> None:
    """A save that may change a count writes the row's statistics row; one that touches
    only other fields (a version, a consent flag) costs nothing."""
    if raw or getattr(_paused, "on", False):  # `manage.py rebuild_statistics` afterwards
        return
    kind, counted = WATCHED[sender]
    if update_fields is not None and not (set(update_fields) & counted):
        return
    services.record(kind, instance.pk)
    moved = update_fields is None or "unit" in update_fields
    if sender is Log and not created and moved:
        services.record_moved_log(instance.pk)
