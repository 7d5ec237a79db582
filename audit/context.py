"""Who is asking and from where, for the audit rows written deep inside services.

Set once per request by AuditContextMiddleware (the address) and by the role middleware
(organisations.middleware, the active role), so that services need no request argument and
audit need not know what a role is.
"""

from contextvars import ContextVar, Token
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None
    role: str = ""


_EMPTY = RequestContext()
_current: ContextVar[RequestContext | None] = ContextVar("audit_request", default=None)


def current() -> RequestContext:
    return _current.get() or _EMPTY


def set_current(context: RequestContext) -> Token[RequestContext | None]:
    return _current.set(context)


def set_role(role: str) -> Token[RequestContext | None]:
    """The active role for the rest of the request, kept with the address already set."""
    return _current.set(replace(current(), role=role))


def reset(token: Token[RequestContext | None]) -> None:
    _current.reset(token)
