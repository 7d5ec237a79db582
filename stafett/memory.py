"""The garbage collector of a long-lived process that serves requests (issue 9).

What is loaded at start (modules, settings, URL patterns) lives as long as the process.
Frozen, no collection scans it again; and with a higher first threshold the collector runs
less often, since a request leaves few reference cycles. On the benchmark's mixed load the
collector had been 5-7 % of the CPU (docs/architecture.md).
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager

GC_THRESHOLDS = (50_000, 20, 10)


def settle() -> None:
    """As each WSGI worker does once it has loaded the application."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


@contextmanager
def settled() -> Iterator[None]:
    """Settled as a worker for a while (the benchmark's in-process measure), then as before."""
    before = gc.get_threshold()
    settle()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
