from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "STAFETT_DEMO": settings.STAFETT_DEMO,
        "REQUIRE_2FA": settings.STAFETT_REQUIRE_2FA,
        "IDLE_TIMEOUT": settings.STAFETT_IDLE_TIMEOUT,
        # As configured: settings.py keeps it at 20 s or more (WCAG 2.2.1) and below the
        # time-out; shortening it here would undercut those 20 s.
        "IDLE_WARNING": settings.STAFETT_IDLE_WARNING,
    }
