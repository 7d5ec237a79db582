from axes.helpers import get_client_ip_address
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as the lockout sees it (honours STAFETT_PROXY_COUNT)."""
    return get_client_ip_address(request) or None
