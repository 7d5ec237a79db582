from collections.abc import Iterator

import pytest
from django.core.cache import cache

from tests.oidc.provider import RunningProvider, start_provider

IDPORTEN_LEVELS = ["idporten-loa-substantial", "idporten-loa-high"]


@pytest.fixture(scope="session")
def idporten_server(tmp_path_factory) -> Iterator[RunningProvider]:
    """A provider that behaves like ID-porten: pid claim, its acr values, PKCE required."""
    running = start_provider(
        tmp_path_factory.mktemp("idporten"),
        redirect_uris=["http://testserver/oidc/tilbake/"],
        logout_uris=["http://testserver/konto/logg-inn/"],
        acr_values=IDPORTEN_LEVELS,
    )
    yield running
    running.stop()


@pytest.fixture(scope="session")
def employee_server(tmp_path_factory) -> Iterator[RunningProvider]:
    """A provider like a municipality's Entra ID: e-mail claim, `amr` with or without mfa."""
    running = start_provider(
        tmp_path_factory.mktemp("employee"),
        redirect_uris=["http://testserver/oidc/tilbake/"],
        logout_uris=["http://testserver/konto/logg-inn/"],
        acr_values=["pwd", "mfa"],
        amr={"pwd": ["pwd"], "mfa": ["pwd", "mfa"]},
        login_label="E-post",
        identities=[
            {"email": "leder@nordby.kommune.no", "sub": "entra-oid-leder", "name": "Lea Leder"},
            {"email": "ukjent@nordby.kommune.no", "sub": "entra-oid-ukjent", "name": "U Kjent"},
        ],
    )
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    # Discovery and keys are cached per issuer; a test that forges its own must not leak.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def idporten(settings, idporten_server) -> RunningProvider:
    settings.STAFETT_IDPORTEN_ISSUER = idporten_server.issuer
    settings.STAFETT_IDPORTEN_CLIENT_ID = "stafett-basic"
    settings.STAFETT_IDPORTEN_CLIENT_SECRET = "test-secret-for-the-local-provider-only"
    settings.STAFETT_IDPORTEN_AUTH_METHOD = "client_secret_basic"
    settings.STAFETT_IDPORTEN_ACR = "idporten-loa-substantial"
    return idporten_server
