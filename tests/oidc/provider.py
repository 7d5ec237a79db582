"""A real OpenID provider for the tests: tools/oidc-provider/server.mjs (the npm package
`oidc-provider`, certified) run by Node on a free loopback port, and a small walker that goes
through its login page the way a person's browser would."""

import json
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import requests
from joserfc.jwk import RSAKey

ROOT = Path(__file__).resolve().parents[2]
SERVER = ROOT / "tools" / "oidc-provider" / "server.mjs"
SECRET = "test-secret-for-the-local-provider-only"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningProvider:
    issuer: str
    process: subprocess.Popen[str]
    private_key_pem: str

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover
            self.process.kill()


def start_provider(
    tmp_dir: Path, *, redirect_uris: list[str], logout_uris: list[str], **config: Any
) -> RunningProvider:
    node = shutil.which("node")
    if node is None:  # pragma: no cover - CI and `make setup` have Node
        raise RuntimeError("Node.js is needed for the OpenID provider of the tests.")
    key = RSAKey.generate_key(2048, private=True)
    public = key.as_dict(private=False)
    public.update({"use": "sig", "alg": "RS256", "kid": "stafett-test"})
    clients = [
        {
            "client_id": "stafett-basic",
            "client_secret": SECRET,
            "redirect_uris": redirect_uris,
            "post_logout_redirect_uris": logout_uris,
            "token_endpoint_auth_method": "client_secret_basic",
        },
        {
            "client_id": "stafett-jwt",
            "redirect_uris": redirect_uris,
            "post_logout_redirect_uris": logout_uris,
            "token_endpoint_auth_method": "private_key_jwt",
            "jwks": {"keys": [public]},
        },
    ]
    path = tmp_dir / f"provider-{free_port()}.json"
    path.write_text(json.dumps({"clients": clients, **config}))
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own script, by a fixed path
        [node, str(SERVER), str(path)],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "OIDC_PORT": str(port), "NODE_NO_WARNINGS": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("ready "):
        process.kill()
        raise RuntimeError(f"The OpenID provider did not start: {line!r}")
    pem = key.as_pem(private=True).decode()
    return RunningProvider(issuer=line.split()[1], process=process, private_key_pem=pem)


def log_in_at_provider(authorize_url: str, login: str, acr: str = "") -> dict[str, str]:
    """Follow the provider from the authorization request through its login page to the
    redirect back; return the callback's query parameters (never follow it: the test's
    Django client does)."""
    browser = requests.Session()
    response = browser.get(authorize_url, allow_redirects=False, timeout=10)
    for _hop in range(10):
        location = response.headers.get("Location", "")
        if response.status_code in (302, 303) and "/oidc/tilbake/" in location:
            return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
        if response.status_code in (302, 303):
            response = browser.get(
                urljoin(response.url, location), allow_redirects=False, timeout=10
            )
            continue
        if response.status_code == 200 and "/interaction/" in response.url:
            data = {"login": login}
            if acr:
                data["acr"] = acr
            response = browser.post(response.url, data=data, allow_redirects=False, timeout=10)
            continue
        raise AssertionError(f"Unexpected answer from the provider: {response.status_code}")
    raise AssertionError("Too many redirects at the provider")
