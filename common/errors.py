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
