from axes.helpers import get_client_ip_address


def client_ip(request) -> str | None:
    """The client's address as the lockout sees it (honours STAFETT_PROXY_COUNT)."""
    return get_client_ip_address(request) or None
