"""The OpenID Connect protocol, through libraries (authlib for the OAuth 2.0 client, PKCE and
private_key_jwt; joserfc for the ID token): discovery, the authorization request, the token
request, the ID token's checks. No crypto is written here (R-SEC-08)."""

import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.conf import settings
from django.core.cache import cache
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from oidc.models import AuthMethod

DISCOVERY_TTL = 60 * 60
JWKS_TTL = 60 * 60
# A token issued a little in the provider's future is accepted (clocks drift).
LEEWAY = 60
ID_TOKEN_ALGORITHMS = ["RS256", "PS256", "ES256"]


class ProviderError(Exception):
    """The provider could not be reached or answered nonsense (a page, never a 500)."""


class TokenRefused(Exception):
    """The callback or the ID token failed a check; `reason` goes to the audit trail."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Provider:
    """One identity provider as Stafettlogg is registered with it."""

    key: str  # "idporten" or "employee-<pk>": in URLs, sessions and the audit trail
    method: str  # the login method the audit trail records
    issuer: str
    client_id: str
    auth_method: str
    client_secret: str = ""
    private_key: str = ""
    scope: str = "openid profile"
    acr_values: str = ""
    # acr values that mean a second factor was used (ID-porten: every level it has).
    strong_acr: frozenset[str] = field(default_factory=frozenset)
    claim: str = "pid"
    match_on: str = "national_id"


@dataclass(frozen=True)
class Pending:
    """What the authorization request leaves in the session for its one callback."""

    state: str
    nonce: str
    code_verifier: str


def _get_json(url: str) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=settings.STAFETT_OIDC_TIMEOUT)
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderError(type(error).__name__) from error
    if not isinstance(data, dict):
        raise ProviderError("not an object")
    return data


def metadata(provider: Provider) -> dict[str, Any]:
    """The provider's discovery document, cached for an hour."""
    key = f"oidc:discovery:{provider.issuer}"
    data = cache.get(key)
    if data is None:
        url = provider.issuer.rstrip("/") + "/.well-known/openid-configuration"
        data = _get_json(url)
        # The document must be the issuer's own (OpenID Connect Discovery 1.0, 4.3).
        if data.get("issuer") != provider.issuer:
            raise ProviderError("issuer mismatch in discovery")
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(data.get(name), str):
                raise ProviderError(f"no {name}")
        cache.set(key, data, DISCOVERY_TTL)
    return data


def _key_set(provider: Provider, *, refresh: bool = False) -> KeySet:
    meta = metadata(provider)
    key = f"oidc:jwks:{meta['jwks_uri']}"
    data = None if refresh else cache.get(key)
    if data is None:
        data = _get_json(meta["jwks_uri"])
        cache.set(key, data, JWKS_TTL)
    try:
        return KeySet.import_key_set(data)  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError) as error:
        raise ProviderError("bad jwks") from error


def begin(provider: Provider, *, redirect_uri: str, language: str) -> tuple[str, Pending]:
    """The authorization request's URL (code flow, PKCE S256, state, nonce, acr_values,
    ui_locales) and what its callback must find again."""
    meta = metadata(provider)
    pending = Pending(
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        code_verifier=secrets.token_urlsafe(64),
    )
    params = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": redirect_uri,
        "scope": provider.scope,
        "state": pending.state,
        "nonce": pending.nonce,
        "code_challenge": create_s256_code_challenge(pending.code_verifier),
        "code_challenge_method": "S256",
        "ui_locales": language,
    }
    if provider.acr_values:
        params["acr_values"] = provider.acr_values
    return f"{meta['authorization_endpoint']}?{urlencode(params)}", pending


def _session(provider: Provider, token_endpoint: str, redirect_uri: str) -> OAuth2Session:
    if provider.auth_method == AuthMethod.PRIVATE_KEY_JWT:
        return OAuth2Session(
            provider.client_id,
            provider.private_key,
            token_endpoint_auth_method=PrivateKeyJWT(token_endpoint, alg="RS256"),
            redirect_uri=redirect_uri,
        )
    return OAuth2Session(
        provider.client_id,
        provider.client_secret,
        token_endpoint_auth_method=provider.auth_method,
        redirect_uri=redirect_uri,
    )


def finish(provider: Provider, pending: Pending, *, code: str, redirect_uri: str) -> dict[str, Any]:
    """Trade the code for tokens and return the ID token's checked claims."""
    meta = metadata(provider)
    client = _session(provider, meta["token_endpoint"], redirect_uri)
    try:
        token = client.fetch_token(
            meta["token_endpoint"],
            grant_type="authorization_code",
            code=code,
            code_verifier=pending.code_verifier,
            timeout=settings.STAFETT_OIDC_TIMEOUT,
        )
    except requests.RequestException as error:
        raise ProviderError(type(error).__name__) from error
    except Exception as error:  # authlib's OAuthError and friends: the provider said no
        raise TokenRefused("token_request_refused") from error
    id_token = token.get("id_token") if isinstance(token, dict) else None
    if not isinstance(id_token, str):
        raise TokenRefused("no_id_token")
    return validate_id_token(provider, id_token, nonce=pending.nonce)


def validate_id_token(provider: Provider, id_token: str, *, nonce: str) -> dict[str, Any]:
    """Signature (the provider's JWKS), issuer, audience, expiry and nonce (OIDC Core 3.1.3.7)."""
    algorithms = metadata(provider).get("id_token_signing_alg_values_supported") or ["RS256"]
    allowed = [alg for alg in algorithms if alg in ID_TOKEN_ALGORITHMS]
    try:
        decoded = _decode(provider, id_token, allowed)
    except ProviderError:
        raise
    claims = dict(decoded.claims)
    registry = jwt.JWTClaimsRegistry(
        leeway=LEEWAY,
        iss={"essential": True, "value": provider.issuer},
        aud={"essential": True, "value": provider.client_id},
        exp={"essential": True},
        iat={"essential": True},
        sub={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except JoseError as error:
        raise TokenRefused(f"id_token_{getattr(error, 'claim', '') or error.error}") from error
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != provider.client_id:
        raise TokenRefused("id_token_azp")
    return claims


def _decode(provider: Provider, id_token: str, algorithms: list[str]) -> jwt.Token:
    try:
        return jwt.decode(id_token, _key_set(provider), algorithms=algorithms)
    except JoseError:
        pass
    except (ValueError, TypeError) as error:
        raise TokenRefused("id_token_malformed") from error
    # A key the cache does not know yet: the provider may have rotated its keys.
    try:
        return jwt.decode(id_token, _key_set(provider, refresh=True), algorithms=algorithms)
    except (JoseError, ValueError, TypeError) as error:
        raise TokenRefused("id_token_signature") from error


def end_session_url(provider: Provider, *, post_logout_redirect_uri: str) -> str:
    """The provider's end-session endpoint for single logout, or "" when it has none.

    By client_id (RP-Initiated Logout 1.0, 2), not id_token_hint: the ID token carries the
    national ID number, which must not be kept in the session nor put in an address."""
    try:
        endpoint = metadata(provider).get("end_session_endpoint")
    except ProviderError:
        return ""
    if not isinstance(endpoint, str) or not endpoint:
        return ""
    params = {
        "client_id": provider.client_id,
        "post_logout_redirect_uri": post_logout_redirect_uri,
    }
    return f"{endpoint}?{urlencode(params)}"
