from typing import Any

from django.http import HttpRequest


def lockout_username(request: HttpRequest | None, credentials: dict[str, Any] | None = None) -> str:
    """The username as django-axes counts it: case-insensitive, like the login itself."""
    if credentials:
        value = credentials.get("username")
    else:
        value = getattr(request, "POST", {}).get("username")
    return (value or "").strip().lower()
