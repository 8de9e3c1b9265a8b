"""A real OpenID provider for the sign-in tests: node-oidc-provider (tests/idp/) under Node.

`identity_provider` starts one on a free port for the test and points the site at it
(`IdentityProvider.configure(settings)`); `sign_in_through(client, provider, login)` walks the
authorization code flow with Django's test client on our side and the provider's own sign-in form
on its side, and returns the site's answer to the provider's redirect.
"""

import json
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
import time_machine

from tests.workers import free_port, wait_for

IDP_DIR = Path(__file__).parent / "idp"
CLIENT_ID = "inclusion-lms"
CLIENT_SECRET = "a-secret-only-for-tests"
# People the provider knows (its logins), as a force's directory would hold them.
ACCOUNTS = {
    "amy": {"email": "amy.learner@force.example", "employee_id": "S1001", "name": "Amy Learner"},
    "ben": {"email": "ben.leaver@force.example", "employee_id": "S1002", "name": "Ben Leaver"},
    "cat": {"email": "cat.admin@force.example", "employee_id": "A0001", "name": "Cat Admin"},
}


def node_available() -> bool:
    return bool(shutil.which("node")) and (IDP_DIR / "node_modules" / "oidc-provider").is_dir()


@dataclass
class IdentityProvider:
    issuer: str
    redirect_base: str
    process: subprocess.Popen = field(repr=False)

    def configure(self, settings) -> None:
        from compliance.oidc import discovery

        discovery._metadata.clear()
        settings.OIDC_OP_ISSUER = self.issuer
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
        settings.OIDC_RP_SCOPES = "openid email profile employee"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def start_provider(redirect_base: str, *, clock_skew: int = 0, id_token_ttl: int = 3600) -> IdentityProvider:
    if not node_available():
        if os.environ.get("REQUIRE_ALL") == "1":
            raise RuntimeError("REQUIRE_ALL=1 but Node or tests/idp/node_modules is missing (make install-idp)")
        pytest.skip("needs Node and tests/idp/node_modules (make install-idp)")
    port = free_port()
    client = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": [f"{redirect_base}/oidc/callback/"],
        "post_logout_redirect_uris": [f"{redirect_base}/"],
    }
    env = {
        **os.environ,
        "IDP_PORT": str(port),
        "IDP_CLIENT": json.dumps(client),
        "IDP_ACCOUNTS": json.dumps(ACCOUNTS),
        "IDP_CLOCK_SKEW": str(clock_skew),
        "IDP_ID_TOKEN_TTL": str(id_token_ttl),
        "NODE_ENV": "test",
    }
    process = subprocess.Popen(
        ["node", "provider.mjs"], cwd=IDP_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    issuer = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            return requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1).ok
        except requests.RequestException:
            return False

    wait_for(answers, timeout=20, what="the OpenID provider to answer")
    return IdentityProvider(issuer=issuer, redirect_base=redirect_base, process=process)


def pinned_clock_skew() -> int:
    """Seconds between the suite's pinned clock and the real one: the provider runs on the
    pinned clock too, or the tokens it issues would look issued in the future."""
    return round(time.time() - time_machine.escape_hatch.time.time())


@pytest.fixture
def identity_provider(settings):
    """A provider for the Django test client (the callback address is the test server's)."""
    provider = start_provider("http://testserver", clock_skew=pinned_clock_skew())
    provider.configure(settings)
    yield provider
    provider.stop()


def provider_sign_in(authorize_url: str, login: str, browser: requests.Session | None = None) -> str:
    """At the provider: follow the authorization request to its sign-in form, sign in as
    `login`, and return the address the provider sends the browser back to (our callback)."""
    browser = browser or requests.Session()
    response = browser.get(authorize_url, allow_redirects=True, timeout=10)
    action = re.search(r'<form[^>]*action="([^"]+)"', response.text).group(1)
    form = {"prompt": "login", "login": login, "password": "any"}
    response = browser.post(urljoin(response.url, action), data=form, allow_redirects=False)
    # The provider goes back to its authorization endpoint, then redirects to the callback.
    while response.is_redirect:
        location = urljoin(response.url, response.headers["Location"])
        if location.startswith("http://testserver"):
            return location
        response = browser.get(location, allow_redirects=False, timeout=10)
    raise AssertionError(f"the provider did not redirect back: {response.status_code} {response.text[:300]}")


def sign_in_through(client, provider: IdentityProvider, login: str, *, next_path: str = ""):
    """The whole flow with Django's test client; returns the site's answer to the callback."""
    start = client.get("/oidc/authenticate/" + (f"?next={next_path}" if next_path else ""))
    assert start.status_code == 302, start.content[:300]
    callback = provider_sign_in(start["Location"], login)
    parts = urlsplit(callback)
    return client.get(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()})
