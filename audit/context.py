"""Who is asking and from where, for the audit rows written deep inside services.

Set once per request by AuditContextMiddleware, so that services need no request argument.
"""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None
    role: str = ""


_EMPTY = RequestContext()
_current: ContextVar[RequestContext | None] = ContextVar("audit_request", default=None)


def current() -> RequestContext:
    return _current.get() or _EMPTY


def set_current(context: RequestContext):
    return _current.set(context)


def reset(token) -> None:
    _current.reset(token)
