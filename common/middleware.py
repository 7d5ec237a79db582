"""Headers on every response: what a signed-in page says about caching, and the content
security policy. Both are the same text on nearly every response, so each is worked out
once per process by Django's or django-csp's own code and copied onto the responses that
would get that same text (issue 9: together about 70 µs of a signed-in request's 1 ms)."""

from collections.abc import Callable

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import http_date

# What django-csp reads from a response or request to change the policy of that one.
_POLICY_CHANGES = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt",
    "_csp_exempt_ro",
)


def _no_store(response: HttpResponseBase) -> None:
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True, private=True)


def _no_store_cache_control() -> str:
    response = HttpResponse()
    _no_store(response)
    return response.headers["Cache-Control"]


class NoStoreMiddleware:
    """Pages of signed-in users must not be kept by browsers or proxies."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        # Django's text for a response that has no caching headers of its own.
        self.cache_control = _no_store_cache_control()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            headers = response.headers
            if "Cache-Control" in headers or "Expires" in headers:
                _no_store(response)  # merged with the view's own, as Django merges them
            else:
                headers["Expires"] = http_date()
                headers["Cache-Control"] = self.cache_control
        return response


class CSPMiddleware(LibraryCSPMiddleware):
    """django-csp's middleware. A response whose view changed nothing of the policy (no
    decorator, no nonce, no header of its own) gets the very headers the library gave the
    first such response of the process; any other goes through the library as before. The
    library builds the policy from the settings anew for each response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        super().__init__(get_response)
        self.plain_headers: dict[str, str] | None = None
        self.policies: tuple[object, object] | None = None
        self.may_copy = False

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not self._is_plain(request, response):
            return super().process_response(request, response)
        if self.plain_headers is None:
            response = super().process_response(request, response)
            self.plain_headers = {
                name: response.headers[name]
                for name in (HEADER, HEADER_REPORT_ONLY)
                if name in response.headers
            }
            return response
        for name, value in self.plain_headers.items():
            response.headers[name] = value
        # As the library: a nonce asked for after this point is an error, not a silent gap.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response

    def _follow_settings(self) -> None:
        """What was copied is forgotten when the policies are other objects (a test's
        override_settings, under a server that outlives one test)."""
        policies = (
            getattr(settings, "CONTENT_SECURITY_POLICY", None),
            getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None),
        )
        if self.policies is not None and all(
            now is then for now, then in zip(policies, self.policies, strict=True)
        ):
            return
        self.policies = policies
        self.plain_headers = None
        # Excluded prefixes would make the headers depend on the path: the library decides.
        self.may_copy = not any((policy or {}).get("EXCLUDE_URL_PREFIXES") for policy in policies)

    def _is_plain(self, request: HttpRequest, response: HttpResponseBase) -> bool:
        self._follow_settings()
        if not self.may_copy or getattr(request, "_csp_nonce", None) is not None:
            return False
        if settings.DEBUG and response.status_code in (404, 500):
            return False  # the library leaves Django's debug pages alone
        headers = response.headers
        if HEADER in headers or HEADER_REPORT_ONLY in headers:
            return False
        # Set at all, even to None (the library reads an exemption of None as one).
        return not any(hasattr(response, name) for name in _POLICY_CHANGES)
