"""Logging in through ID-porten (a real provider on the loopback address): the code flow
with PKCE, state and nonce, matching on the national ID number (R-SEC-02, R-SEC-08)."""

from urllib.parse import parse_qs, urlsplit

import pytest

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
