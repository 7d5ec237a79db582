from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from audit.context import RequestContext, reset, set_current
from common.requests import client_ip


class AuditContextMiddleware:
    """Makes the client's address known to `audit.record` (R-SEC-01); the active role is added
    by the role middleware that follows it (organisations.middleware.ActiveRoleMiddleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = set_current(RequestContext(ip_address=client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            reset(token)
