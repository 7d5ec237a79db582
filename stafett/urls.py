from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import include, path
from django.utils.translation import gettext as _

from accounts.views import set_language_view
from home import views as home_views
from organisations import views as organisation_views


def _admin_login(
    request: HttpRequest, extra_context: dict[str, Any] | None = None
) -> HttpResponseRedirect:
    # The admin has no login of its own: everyone signs in with the second factor. A signed-in
    # person who is no operator is told so (sending them to log in again would loop).
    if request.user.is_authenticated:
        raise PermissionDenied(
            _("Administrasjonen er bare for driftsansvarlige og kommuneadministratorer.")
        )
    return redirect_to_login(request.GET.get("next", "/admin/"))


# The admin has no login page of its own (see above): its method is replaced outright.
admin.site.login = _admin_login  # type: ignore[method-assign]
admin.site.site_header = admin.site.site_title = "Stafettlogg"

handler403 = "common.views.forbidden"

urlpatterns = [
    path("", home_views.home, name="home"),
    path("rolle/", organisation_views.switch_role_view, name="switch_role"),
    path("sprak/", set_language_view, name="set_language"),
    path("konto/", include("accounts.urls")),
    path("notater/", include("notes.urls")),
    path("aktorer/", include("organisations.urls")),
    path("logger/", include("logs.urls")),
    path("moter/", include("meetings.urls")),
    path("ansatte/", include("staff.urls")),
    path("statistikk/", include("stats.urls")),
    path("eksport/", include("exports.urls")),
    path("oidc/", include("oidc.urls")),
    path("admin/", admin.site.urls),
]
