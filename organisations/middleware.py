from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from audit.context import reset, set_role
from organisations.queries import active_role


class ActiveRoleMiddleware:
    """Puts the role the person works in into the audit context, so that every audit row
    written during the request names it (R-SEC-01). Runs right after AuditContextMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        role = active_role(request) if request.user.is_authenticated else None
        if role is None:
            return self.get_response(request)
        token = set_role(role.value)
        try:
            return self.get_response(request)
        finally:
            reset(token)
