"""Logging out of a session that came through an identity provider continues at the
provider's end-session endpoint. The logout button is a form, and browsers hold a form's
redirects to its page's CSP `form-action`: the provider's origin is allowed on the pages of
such a session only."""

from collections.abc import Callable
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse

from accounts.enums import END_SESSION_URL_SESSION_KEY


class EndSessionFormActionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        url = request.session.get(END_SESSION_URL_SESSION_KEY, "")
        if url:
            parts = urlsplit(url)
            # Read by django-csp's middleware, which sits outside this one; added to what
            # the view itself asked for (the statistics page's inline styles).
            update = dict(getattr(response, "_csp_update", None) or {})
            update["form-action"] = [
                *update.get("form-action", ()),
                f"{parts.scheme}://{parts.netloc}",
            ]
            response._csp_update = update  # type: ignore[attr-defined]
        return response
