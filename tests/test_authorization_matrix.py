"""The authorization matrix: every URL × every persona × GET and POST (R-ROLE-07).

Generated from the URL resolver: a URL without a row here fails `test_every_url_has_a_row`.
Each row gives the URL's arguments and the expected status per persona for GET and POST
(POST with an empty body: the refusals must come before any form handling).
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

PERSONAS = ["anonymous", "holder", "leader", "actor", "outsider"]

# The admin is the operators' and municipality administrators' tool (R-ROLE-02), with its own
# permission checks; its access is tested in tests/organisations/test_admin.py.
EXCLUDED_NAMESPACES = {"admin"}

LOGIN = "login"  # a redirect to the login page


def everyone(get, post):
    return dict.fromkeys(PERSONAS, (get, post))


def signed_in(get, post, anonymous=(LOGIN, LOGIN)):
    return {"anonymous": anonymous} | dict.fromkeys(PERSONAS[1:], (get, post))


MATRIX = {
    "home": (lambda: [], signed_in(200, 405, anonymous=(LOGIN, 405))),
    "switch_role": (lambda: [], signed_in(405, 302, anonymous=(405, LOGIN))),
    "set_language": (lambda: [], everyone(405, 302)),
    "accounts:login": (lambda: [], signed_in(302, 302) | {"anonymous": (200, 200)}),
    "accounts:login_verify": (lambda: [], everyone(302, 302)),
    "accounts:logout": (lambda: [], everyone(405, 302)),
    "accounts:settings": (lambda: [], signed_in(200, 200)),
    "accounts:totp_setup": (lambda: [], signed_in(200, 200)),
    "accounts:session_status": (lambda: [], everyone(200, 405)),
    "accounts:keepalive": (lambda: [], signed_in(405, 204, anonymous=(405, LOGIN))),
    "accounts:password_change": (lambda: [], signed_in(200, 200)),
    "accounts:password_change_done": (lambda: [], signed_in(200, 405)),
    "accounts:password_reset": (lambda: [], everyone(200, 200)),
    "accounts:password_reset_done": (lambda: [], everyone(200, 405)),
    "accounts:password_reset_confirm": (lambda: ["MQ", "set-password"], everyone(200, 200)),
    "accounts:password_reset_complete": (lambda: [], everyone(200, 405)),
}


def _url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or ""
            if inner in EXCLUDED_NAMESPACES:
                continue
            prefix = f"{namespace}{inner}:" if inner else namespace
            yield from _url_names(entry, prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_url_has_a_row_R_ROLE_07():
    missing = sorted(set(_url_names()) - set(MATRIX))
    assert not missing, f"URLs without a row in the authorization matrix: {missing}"


@pytest.fixture
def persona(request, holder, leader, actor, outsider):
    return {
        "anonymous": None,
        "holder": holder,
        "leader": leader,
        "actor": actor,
        "outsider": outsider,
    }


CASES = [(name, who, method) for name in MATRIX for who in PERSONAS for method in ("get", "post")]


@pytest.mark.parametrize(("name", "who", "method"), CASES)
def test_authorization_matrix_R_ROLE_07(client, persona, name, who, method):
    args_builder, expected = MATRIX[name]
    user = persona[who]
    if user is not None:
        client.force_login(user)
    url = reverse(name, args=args_builder())
    response = getattr(client, method)(url)
    want = expected[who][0 if method == "get" else 1]
    if want == LOGIN:
        assert response.status_code == 302, (name, who, method, response.status_code)
        assert response["Location"].startswith("/konto/logg-inn/"), response["Location"]
    else:
        assert response.status_code == want, (name, who, method, response.status_code)
