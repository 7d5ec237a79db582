"""The ID token's checks, with tokens forged by joserfc against a local JWKS: signature,
issuer, audience, expiry, nonce (R-SEC-08)."""

import time

import pytest
from django.core.cache import cache
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from oidc import protocol
from oidc.protocol import Provider, TokenRefused

ISSUER = "https://idporten.test"
JWKS_URI = f"{ISSUER}/jwks"
PROVIDER = Provider(
    key="idporten",
    method="idporten",
    issuer=ISSUER,
    client_id="stafett",
    auth_method="client_secret_basic",
)


@pytest.fixture
def signing_key(monkeypatch):
    key = RSAKey.generate_key(2048, private=True, parameters={"kid": "k1"})
    cache.set(
        f"oidc:discovery:{ISSUER}",
        {
            "issuer": ISSUER,
            "authorization_endpoint": f"{ISSUER}/authorize",
            "token_endpoint": f"{ISSUER}/token",
            "jwks_uri": JWKS_URI,
            "id_token_signing_alg_values_supported": ["RS256"],
        },
    )
    public = KeySet([key]).as_dict(private=False)
    # Asked again when a key is unknown (rotation): the same set, from "the provider".
    monkeypatch.setattr(protocol, "_get_json", lambda url: public)
    yield key
    cache.clear()


def _claims(**changes):
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": "stafett",
        "sub": "pseudonym",
        "iat": now,
        "exp": now + 120,
        "nonce": "n-1",
        "pid": "15108695088",
        "acr": "idporten-loa-substantial",
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _token(key, **changes):
    return jwt.encode({"alg": "RS256", "kid": "k1"}, _claims(**changes), key)


def test_a_good_token_passes(signing_key):
    claims = protocol.validate_id_token(PROVIDER, _token(signing_key), nonce="n-1")
    assert claims["acr"] == "idporten-loa-substantial"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"iss": "https://evil.test"}, "id_token_iss"),
        ({"aud": "another-client"}, "id_token_aud"),
        ({"exp": int(time.time()) - 3600}, "id_token_exp"),
        ({"nonce": "n-2"}, "id_token_nonce"),
        ({"nonce": None}, "id_token_nonce"),
        ({"exp": None}, "id_token_exp"),
        ({"aud": ["stafett", "another"]}, "id_token_azp"),
    ],
    ids=["issuer", "audience", "expired", "nonce", "no-nonce", "no-exp", "azp"],
)
def test_a_wrong_claim_is_refused_R_SEC_08(signing_key, changes, reason):
    with pytest.raises(TokenRefused) as refusal:
        protocol.validate_id_token(PROVIDER, _token(signing_key, **changes), nonce="n-1")
    assert refusal.value.reason == reason


def test_a_token_signed_by_another_key_is_refused_R_SEC_08(signing_key):
    stranger = RSAKey.generate_key(2048, private=True, parameters={"kid": "k1"})
    with pytest.raises(TokenRefused) as refusal:
        protocol.validate_id_token(PROVIDER, _token(stranger), nonce="n-1")
    assert refusal.value.reason == "id_token_signature"


def test_a_tampered_payload_is_refused_R_SEC_08(signing_key):
    header, _payload, signature = _token(signing_key).split(".")
    forged = _token(signing_key, pid="01017012345").split(".")[1]
    with pytest.raises(TokenRefused):
        protocol.validate_id_token(PROVIDER, f"{header}.{forged}x.{signature}", nonce="n-1")


def test_an_unsigned_token_is_refused_R_SEC_08(signing_key):
    import base64
    import json

    def part(data):
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    token = f"{part({'alg': 'none'})}.{part(_claims())}."
    with pytest.raises(TokenRefused):
        protocol.validate_id_token(PROVIDER, token, nonce="n-1")


def test_garbage_is_refused_R_SEC_08(signing_key):
    with pytest.raises(TokenRefused):
        protocol.validate_id_token(PROVIDER, "not.a.token", nonce="n-1")
