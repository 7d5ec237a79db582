from django.conf import settings


def site(request):
    return {
        "STAFETT_DEMO": settings.STAFETT_DEMO,
        "REQUIRE_2FA": settings.STAFETT_REQUIRE_2FA,
        "IDLE_TIMEOUT": settings.STAFETT_IDLE_TIMEOUT,
        "IDLE_WARNING": min(settings.STAFETT_IDLE_WARNING, settings.STAFETT_IDLE_TIMEOUT // 2),
    }
