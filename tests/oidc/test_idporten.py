"""Logging in through ID-porten (a real provider on the loopback address): the code flow
with PKCE, state and nonce, matching on the national ID number (R-SEC-02, R-SEC-08)."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest

from accounts.middleware import LAST_ACTIVITY, SIGNED_IN_AT
from audit.models import AuditEvent
from oidc.models import ProviderDevice, ProviderLink
from tests.factories import VALID_NATIONAL_ID, UserFactory
from tests.oidc.provider import log_in_at_provider

pytestmark = pytest.mark.django_db

START = "/oidc/idporten/logg-inn/"
CALLBACK = "/oidc/tilbake/"


def _authorize(client, **query):
    response = client.get(START, query)
    assert response.status_code == 302
    return response["Location"]


def test_authorization_request_has_pkce_state_nonce_acr_and_locale_R_SEC_08(client, idporten):
    url = _authorize(client)
    params = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert url.startswith(idporten.issuer)
    assert params["code_challenge_method"] == "S256"
    assert len(params["code_challenge"]) == 43
    assert len(params["state"]) >= 40 and len(params["nonce"]) >= 40
    assert params["acr_values"] == "idporten-loa-substantial"
    assert params["ui_locales"] == "nb"
    assert params["response_type"] == "code"
    assert params["redirect_uri"] == "http://testserver/oidc/tilbake/"


def test_person_with_registered_national_id_signs_in_R_SEC_02(client, idporten):
    person = UserFactory(national_id=VALID_NATIONAL_ID)
    answer = log_in_at_provider(_authorize(client), VALID_NATIONAL_ID)
    response = client.get(CALLBACK, answer)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert int(client.session["_auth_user_id"]) == person.pk
    login = AuditEvent.objects.get(action="auth.login")
    assert login.actor_id == person.pk
    assert login.data == {"method": "idporten"}
    link = ProviderLink.objects.get(user=person, provider="idporten")
    assert link.subject and VALID_NATIONAL_ID not in link.subject
    # ID-porten substantial is two factors: the session counts as verified.
    assert ProviderDevice.objects.filter(user=person, provider="idporten").exists()
    assert client.session["otp_device_id"].startswith("oidc.providerdevice/")


def _refusals():
    refused = AuditEvent.objects.filter(action="auth.oidc_refused")
    return list(refused.values_list("data", flat=True))


def _signed_out(client):
    return "_auth_user_id" not in client.session


def test_wrong_state_is_refused_and_nothing_linked_R_SEC_08(client, idporten):
    person = UserFactory(national_id=VALID_NATIONAL_ID)
    answer = log_in_at_provider(_authorize(client), VALID_NATIONAL_ID)
    response = client.get(CALLBACK, answer | {"state": "forged-" + answer["state"][7:]})
    assert response.status_code == 400
    assert "Innloggingen ble ikke fullført" in response.content.decode()
    assert _signed_out(client)
    assert not ProviderLink.objects.filter(user=person).exists()
    assert _refusals() == [{"method": "", "reason": "state"}]


def test_second_callback_for_the_same_login_is_refused_R_SEC_08(client, idporten):
    UserFactory(national_id=VALID_NATIONAL_ID)
    answer = log_in_at_provider(_authorize(client), VALID_NATIONAL_ID)
    assert client.get(CALLBACK, answer).status_code == 302
    client.logout()
    response = client.get(CALLBACK, answer)
    assert response.status_code == 400
    assert _signed_out(client)


def test_replayed_code_is_refused_by_the_provider_R_SEC_08(client, idporten):
    UserFactory(national_id=VALID_NATIONAL_ID)
    first = log_in_at_provider(_authorize(client), VALID_NATIONAL_ID)
    assert client.get(CALLBACK, first).status_code == 302
    client.logout()
    # A fresh login of our own, answered with the code that was already used.
    second = log_in_at_provider(_authorize(client), VALID_NATIONAL_ID)
    response = client.get(CALLBACK, second | {"code": first["code"]})
    assert response.status_code == 400
    assert _signed_out(client)
    assert _refusals()[-1] == {"method": "idporten", "reason": "token_request_refused"}


def test_nonce_mismatch_is_refused_R_SEC_08(client, idporten):
    UserFactory(national_id=VALID_NATIONAL_ID)
    answer = log_in_at_provider(_authorize(client), VALID_NATIONAL_ID)
    session = client.session
    session["oidc_pending"][answer["state"]]["nonce"] = "another-nonce"
    session.save()
    response = client.get(CALLBACK, answer)
    assert response.status_code == 400
    assert _signed_out(client)
    assert _refusals()[-1] == {"method": "idporten", "reason": "id_token_nonce"}


def test_an_error_from_the_provider_is_a_clear_page_R_SEC_08(client, idporten):
    url = _authorize(client)
    state = parse_qs(urlsplit(url).query)["state"][0]
    response = client.get(CALLBACK, {"state": state, "error": "access_denied"})
    assert response.status_code == 400
    assert "Innloggingen ble avbrutt" in response.content.decode()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda a: {k: v for k, v in a.items() if k != "code"},
        lambda a: a | {"iss": "http://127.0.0.1:1/"},
        lambda a: {k: v for k, v in a.items() if k != "state"},
        lambda a: a | {"code": ""},
    ],
    ids=["no-code", "other-iss", "no-state", "empty-code"],
)
def test_tampered_callback_is_refused_R_SEC_08(client, idporten, tamper):
    person = UserFactory(national_id=VALID_NATIONAL_ID)
    answer = log_in_at_provider(_authorize(client), VALID_NATIONAL_ID)
    response = client.get(CALLBACK, tamper(answer))
    assert response.status_code == 400
    assert _signed_out(client)
    assert not ProviderLink.objects.filter(user=person).exists()


def test_duplicated_parameters_are_refused_R_SEC_08(client, idporten):
    UserFactory(national_id=VALID_NATIONAL_ID)
    answer = log_in_at_provider(_authorize(client), VALID_NATIONAL_ID)
    query = "&".join(f"{k}={v}" for k, v in answer.items()) + f"&code={answer['code']}"
    response = client.get(f"{CALLBACK}?{query}")
    assert response.status_code == 400
    assert _signed_out(client)


def test_unknown_pid_gets_a_clear_page_and_nothing_linked_R_SEC_02(client, idporten):
    UserFactory(national_id=VALID_NATIONAL_ID)
    response = client.get(CALLBACK, log_in_at_provider(_authorize(client), "01017012345"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Vi fant deg ikke i Stafettlogg" in html
    assert "01017012345" not in html
    assert _signed_out(client)
    assert not ProviderLink.objects.exists()
    assert _refusals() == [{"method": "idporten", "reason": "unknown"}]


def test_deactivated_person_is_refused_R_SEC_08(client, idporten):
    UserFactory(national_id=VALID_NATIONAL_ID, is_active=False)
    response = client.get(CALLBACK, log_in_at_provider(_authorize(client), VALID_NATIONAL_ID))
    assert response.status_code == 403
    assert "Kontoen er slått av" in response.content.decode()
    assert _signed_out(client)


def test_deactivation_ends_a_session_that_came_through_id_porten_R_SEC_08(client, idporten):
    person = UserFactory(national_id=VALID_NATIONAL_ID)
    client.get(CALLBACK, log_in_at_provider(_authorize(client), VALID_NATIONAL_ID))
    assert client.get("/konto/innstillinger/").status_code == 200
    person.is_active = False
    person.save()
    response = client.get("/konto/innstillinger/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/logg-inn/")


def test_high_level_is_asked_when_configured_R_SEC_08(client, idporten, settings):
    settings.STAFETT_IDPORTEN_ACR = "idporten-loa-high"
    params = parse_qs(urlsplit(_authorize(client)).query)
    assert params["acr_values"] == ["idporten-loa-high"]


def test_ui_locales_follow_the_language_R_SEC_08(client, idporten):
    client.cookies["django_language"] = "nn"
    assert parse_qs(urlsplit(_authorize(client)).query)["ui_locales"] == ["nn"]


def test_private_key_jwt_client_authentication_R_SEC_08(client, idporten, settings):
    settings.STAFETT_IDPORTEN_CLIENT_ID = "stafett-jwt"
    settings.STAFETT_IDPORTEN_AUTH_METHOD = "private_key_jwt"
    settings.STAFETT_IDPORTEN_CLIENT_SECRET = ""
    settings.STAFETT_IDPORTEN_PRIVATE_KEY = idporten.private_key_pem
    person = UserFactory(national_id=VALID_NATIONAL_ID)
    response = client.get(CALLBACK, log_in_at_provider(_authorize(client), VALID_NATIONAL_ID))
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == person.pk


def test_next_page_is_kept_through_the_provider(client, idporten):
    UserFactory(national_id=VALID_NATIONAL_ID)
    url = _authorize(client, next="/konto/innstillinger/")
    response = client.get(CALLBACK, log_in_at_provider(url, VALID_NATIONAL_ID))
    assert response["Location"] == "/konto/innstillinger/"


def test_logout_continues_at_the_providers_end_session_endpoint_R_SEC_08(client, idporten):
    UserFactory(national_id=VALID_NATIONAL_ID)
    client.get(CALLBACK, log_in_at_provider(_authorize(client), VALID_NATIONAL_ID))
    page = client.get("/konto/innstillinger/")
    # The logout form may redirect to the provider (CSP form-action).
    assert idporten.issuer in page["Content-Security-Policy"]
    response = client.post("/konto/logg-ut/")
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{idporten.issuer}/session/end?")
    params = parse_qs(urlsplit(location).query)
    assert params["client_id"] == ["stafett-basic"]
    assert params["post_logout_redirect_uri"] == ["http://testserver/konto/logg-inn/"]
    assert "id_token_hint" not in params
    assert _signed_out(client)


def test_password_logout_stays_here(client, holder):
    client.force_login(holder)
    assert client.post("/konto/logg-ut/")["Location"] == "/konto/logg-inn/"


@pytest.mark.parametrize(
    ("idle", "signed_in"), [(21 * 60, 0), (0, 13 * 60 * 60)], ids=["idle", "absolute"]
)
def test_idle_and_absolute_limits_apply_to_id_porten_sessions_R_GEN_03(
    client, idporten, idle, signed_in
):
    UserFactory(national_id=VALID_NATIONAL_ID)
    client.get(CALLBACK, log_in_at_provider(_authorize(client), VALID_NATIONAL_ID))
    session = client.session
    now = time.time()
    assert now - session[SIGNED_IN_AT] < 60
    session[LAST_ACTIVITY] = now - idle
    session[SIGNED_IN_AT] = now - signed_in
    session.save()
    response = client.get("/konto/innstillinger/")
    assert response.status_code == 302
    assert _signed_out(client)


def test_one_national_id_can_belong_to_one_account_only_R_SEC_08():
    """A pid can match at most one person: the data model refuses a second account with the
    same number, and a match of two (tests/oidc/test_employee_provider.py for the e-mail
    claim) is refused with nothing linked."""
    from django.db import IntegrityError, transaction

    UserFactory(national_id=VALID_NATIONAL_ID)
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(national_id=VALID_NATIONAL_ID)


def test_pid_matching_two_people_is_refused_and_nothing_linked_R_SEC_08(
    client, idporten, monkeypatch
):
    """Should the number ever be held by two people (a data model with the number on more
    than the account), nobody is signed in."""
    from oidc import services

    first = UserFactory(national_id=VALID_NATIONAL_ID)
    second = UserFactory()
    real = services.User.objects.filter

    def filter_twice(*args, **kwargs):
        if kwargs.get("national_id") == VALID_NATIONAL_ID:
            return real(pk__in=[first.pk, second.pk])
        return real(*args, **kwargs)

    monkeypatch.setattr(services.User.objects, "filter", filter_twice)
    response = client.get(CALLBACK, log_in_at_provider(_authorize(client), VALID_NATIONAL_ID))
    assert response.status_code == 403
    assert "mer enn én konto" in response.content.decode()
    assert _signed_out(client)
    assert not ProviderLink.objects.exists()
    assert _refusals()[-1] == {"method": "idporten", "reason": "ambiguous"}


def test_login_page_in_english_offers_id_porten(client, idporten):
    client.cookies["django_language"] = "en"
    html = client.get("/konto/logg-inn/").content.decode()
    assert 'lang="en"' in html
    assert "/oidc/idporten/logg-inn/" in html


def test_actor_registered_with_a_national_id_is_recognised_at_first_login_R_SEC_02(
    client, idporten, holder, unit
):
    """The holder registers an actor with their number (R-MEET-03); before the actor has
    even activated the account, ID-porten signs them in, in the actor role."""
    from organisations.services import register_actor

    actor = register_actor(
        by=holder,
        unit=unit,
        first_name="Åse",
        last_name="Aktør",
        email="ase@example.no",
        phone="",
        national_id=VALID_NATIONAL_ID,
    )
    assert not actor.has_usable_password()
    response = client.get(CALLBACK, log_in_at_provider(_authorize(client), VALID_NATIONAL_ID))
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == actor.pk
    home = client.get("/").content.decode()
    assert "Min side – Aktør" in home


def test_the_providers_form_action_is_added_to_what_the_view_asked_for_R_SEC_08(rf):
    """A page that relaxes its own policy (the statistics' inline styles) keeps that, with
    the provider's end-session origin added, on the pages of an ID-porten session."""
    from django.http import HttpResponse

    from accounts.enums import END_SESSION_URL_SESSION_KEY
    from oidc.middleware import EndSessionFormActionMiddleware

    def view(request):
        response = HttpResponse("x")
        response._csp_update = {"style-src": ["'unsafe-inline'"], "form-action": ["'self'"]}
        return response

    request = rf.get("/statistikk/")
    request.session = {END_SESSION_URL_SESSION_KEY: "https://idp.example/session/end?x=1"}
    response = EndSessionFormActionMiddleware(view)(request)

    assert response._csp_update == {
        "style-src": ["'unsafe-inline'"],
        "form-action": ["'self'", "https://idp.example"],
    }
    plain = EndSessionFormActionMiddleware(lambda request: HttpResponse("x"))(request)
    assert plain._csp_update == {"form-action": ["https://idp.example"]}
