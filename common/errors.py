from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise


class ConflictError(ValidationError):
    """Someone else saved the same thing first (R-SEC-05)."""

    def __init__(self, message: StrOrPromise | None = None) -> None:
        super().__init__(
            message
            or _(
                "Noen andre har endret dette mens du skrev. Teksten din er ikke lagret, men står "
                "fortsatt i skjemaet: kopier den, last siden på nytt og prøv igjen."
            ),
            code="conflict",
        )


class ReadOnlyError(PermissionDenied):
    """The record may be seen but not changed now (passive log, pending transfer, not holder)."""


def require_editable(reason: str) -> None:
    """A ReadOnlyError (a 403) in the rule's own words, unless `reason` is empty: the one way
    views (logs.access) and services turn a `read_only_reason` into a refusal."""
    if reason:
        raise ReadOnlyError(reason)
