"""Security headers on every page; no caching of signed-in pages."""

import time

import pytest


@pytest.mark.django_db
def test_login_page_has_a_strict_csp_without_inline_script_or_style(client):
    response = client.get("/konto/logg-inn/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_authenticated_pages_are_not_stored(client, holder):
    client.force_login(holder)
    response = client.get("/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_pages_contain_no_inline_script_or_style(client, holder):
    client.force_login(holder)
    html = client.get("/konto/innstillinger/").content.decode()
    assert "<script>" not in html
    assert "<style" not in html
    assert " style=" not in html
    assert " onclick=" not in html


def test_a_form_without_a_valid_csrf_token_gets_a_translated_page_R_GEN_02(holder):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(holder)
    response = client.post("/konto/innstillinger/", {"first_name": "X"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "siden var for gammel" in html
    assert "<style" not in html


# The headers worked out once per process (common.middleware, issue 9) are those Django and
# django-csp give each response.


def _csp_cases():
    from csp.constants import NONCE, UNSAFE_INLINE
    from django.http import HttpResponse

    def plain(request):
        return HttpResponse("x")

    def updated(request):
        response = HttpResponse("x")
        response._csp_update = {"form-action": ["https://idp.example"]}
        return response

    def replaced(request):
        response = HttpResponse("x")
        response._csp_replace = {"style-src": [UNSAFE_INLINE]}
        return response

    def configured(request):
        response = HttpResponse("x")
        response._csp_config = {"default-src": [NONCE]}
        return response

    def exempt(request):
        response = HttpResponse("x")
        response._csp_exempt = True
        return response

    def own_header(request):
        response = HttpResponse("x")
        response["Content-Security-Policy"] = "default-src 'none'"
        return response

    def with_nonce(request):
        response = HttpResponse(str(request.csp_nonce))
        response._csp_update = {"script-src": [NONCE]}
        return response

    def nonce_unused_by_policy(request):
        return HttpResponse(str(request.csp_nonce))

    return [
        plain,
        updated,
        replaced,
        configured,
        exempt,
        own_header,
        with_nonce,
        nonce_unused_by_policy,
        plain,
    ]


@pytest.mark.parametrize("report_only", [False, True])
def test_each_response_gets_the_csp_headers_the_library_gives_it(settings, report_only):
    from csp.middleware import CSPMiddleware as LibraryCSPMiddleware

    from common.middleware import CSPMiddleware

    if report_only:
        settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {
            "DIRECTIVES": {"default-src": ["'self'"], "report-uri": "/csp/"}
        }
    ours = CSPMiddleware(lambda request: None)
    library = LibraryCSPMiddleware(lambda request: None)
    names = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")
    for make_response in _csp_cases() * 2:
        got = []
        for middleware in (ours, library):
            from django.test import RequestFactory

            request = RequestFactory().get("/")
            middleware.process_request(request)
            response = middleware.process_response(request, make_response(request))
            nonce = getattr(request, "_csp_nonce", None)
            got.append(
                {
                    name: value.replace(nonce, "the-nonce") if value and nonce else value
                    for name, value in ((name, response.get(name)) for name in names)
                }
            )
        assert got[0] == got[1], make_response.__name__
        if make_response.__name__ == "with_nonce":
            assert "'nonce-the-nonce'" in got[0]["Content-Security-Policy"]
        assert (got[0]["Content-Security-Policy-Report-Only"] is not None) == report_only


def test_the_policy_is_built_once_for_the_plain_responses(monkeypatch):
    import csp.middleware
    from django.http import HttpResponse
    from django.test import RequestFactory

    from common.middleware import CSPMiddleware

    built = []
    build = csp.middleware.build_policy

    def counted(**parts):
        built.append(parts)
        return build(**parts)

    monkeypatch.setattr(csp.middleware, "build_policy", counted)
    middleware = CSPMiddleware(lambda request: HttpResponse("x"))
    for _ in range(5):
        request = RequestFactory().get("/")
        middleware.process_request(request)
        response = middleware.process_response(request, HttpResponse("x"))
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert len(built) == 2  # the policy and the report-only one, for the first response


def test_a_nonce_asked_for_after_the_headers_is_refused_as_by_the_library():
    from csp.exceptions import CSPNonceError
    from django.http import HttpResponse
    from django.test import RequestFactory

    from common.middleware import CSPMiddleware

    middleware = CSPMiddleware(lambda request: HttpResponse("x"))
    for _ in range(2):  # the first plain response, then a copied one
        request = RequestFactory().get("/")
        middleware.process_request(request)
        middleware.process_response(request, HttpResponse("x"))
        with pytest.raises(CSPNonceError):
            str(request.csp_nonce)


@pytest.mark.parametrize(
    "own",
    [
        {},
        {"Cache-Control": "max-age=60, public"},
        {"Cache-Control": "no-cache"},
        {"Expires": "Thu, 01 Jan 2026 00:00:00 GMT"},
    ],
)
def test_a_signed_in_page_gets_the_caching_headers_django_gives_it(holder, own):
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.utils.cache import add_never_cache_headers, patch_cache_control
    from django.utils.http import parse_http_date

    from common.middleware import NoStoreMiddleware

    def respond(request):
        response = HttpResponse("x")
        for name, value in own.items():
            response[name] = value
        return response

    expected = respond(None)
    add_never_cache_headers(expected)
    patch_cache_control(expected, no_store=True, private=True)
    middleware = NoStoreMiddleware(respond)
    for _ in range(2):
        request = RequestFactory().get("/")
        request.user = holder
        response = middleware(request)
        assert response["Cache-Control"] == expected["Cache-Control"]
        if "Expires" in own:
            assert response["Expires"] == own["Expires"]
        else:  # now, as Django writes it
            assert abs(parse_http_date(response["Expires"]) - time.time()) < 5


def test_an_exemption_of_none_is_left_to_the_library():
    """django-csp reads `_csp_exempt = None` as exempt: such a response is not copied to."""
    from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
    from django.http import HttpResponse
    from django.test import RequestFactory

    from common.middleware import CSPMiddleware

    def exempt_none():
        response = HttpResponse("x")
        response._csp_exempt = None
        return response

    got = []
    for middleware in (CSPMiddleware(lambda r: None), LibraryCSPMiddleware(lambda r: None)):
        for make in (lambda: HttpResponse("x"), exempt_none):
            request = RequestFactory().get("/")
            middleware.process_request(request)
            got.append(middleware.process_response(request, make()).get("Content-Security-Policy"))
    assert got[:2] == got[2:]


def test_a_new_policy_in_the_settings_is_followed(settings):
    """A server that outlives a test's settings (the browser tests' live server) follows a
    new policy."""
    from django.http import HttpResponse
    from django.test import RequestFactory

    from common.middleware import CSPMiddleware

    middleware = CSPMiddleware(lambda r: None)

    def policy():
        request = RequestFactory().get("/")
        middleware.process_request(request)
        return middleware.process_response(request, HttpResponse("x"))["Content-Security-Policy"]

    assert "img-src 'self' data:" in policy()
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    assert policy() == "default-src 'none'"
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {"default-src": ["'self'"]},
        "EXCLUDE_URL_PREFIXES": ["/x"],
    }
    assert policy() == "default-src 'self'"
