"""A file written inside a transaction goes if the transaction does (R-LOG-02, issue 11).

Django runs on_commit callbacks only on commit, and drops them when the transaction, or the
savepoint they were registered in, rolls back. `delete_on_rollback` registers a callback
that marks the file as kept when it runs; dropped without running, it deletes the file as
it is let go. CPython lets go of it at once (reference counting), so the file is gone as
soon as the rollback is done. Outside a transaction the callback runs at once: the file
stays. A process killed in between leaves the file: `manage.py check_files` lists it.
"""

import contextlib
import logging

from django.core.files.storage import Storage
from django.db import transaction

logger = logging.getLogger(__name__)


class _KeepOnCommit:
    def __init__(self, storage: Storage, name: str) -> None:
        self.storage = storage
        self.name = name
        self.committed = False

    def __call__(self) -> None:
        self.committed = True

    def __del__(self) -> None:
        if not self.committed:
            with contextlib.suppress(Exception):
                self.storage.delete(self.name)


def delete_on_rollback(storage: Storage, name: str, *, using: str | None = None) -> None:
    """Delete the stored file `name` if the current transaction rolls back."""
    transaction.on_commit(_KeepOnCommit(storage, name), using=using)
