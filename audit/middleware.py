from audit.context import RequestContext, reset, set_current
from common.requests import client_ip


class AuditContextMiddleware:
    """Makes the client's address and active role known to `audit.record` (R-SEC-01)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from organisations.queries import active_role

        role = active_role(request) if request.user.is_authenticated else None
        token = set_current(
            RequestContext(ip_address=client_ip(request), role=role.value if role else "")
        )
        try:
            return self.get_response(request)
        finally:
            reset(token)
