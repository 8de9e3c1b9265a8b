"""Security headers on every address the site serves (cms/security.py). The authorisation test
(tests/reporting/test_authorisation.py) applies `security_header_problems` to every endpoint for
every role; here, every address with no parameter, signed in and not, and the session limits."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories.people import make_person

pytestmark = pytest.mark.django_db


def security_header_problems(url: str, response, role: str = "anonymous") -> list[str]:
    problems = []
    policy = response.get("Content-Security-Policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    if not policy:
        problems.append("no Content-Security-Policy")
    else:
        script = directives.get("script-src", [])
        if "'unsafe-inline'" in script and not url.startswith("/admin/"):
            problems.append(f"inline scripts allowed: {policy}")
        if directives.get("default-src") != ["'self'"] or directives.get("object-src") != ["'none'"]:
            problems.append(f"policy too wide: {policy}")
    if "camera=()" not in response.get("Permissions-Policy", ""):
        problems.append("no Permissions-Policy")
    if role != "anonymous" or url.startswith("/api/"):
        cache = {part.strip() for part in response.get("Cache-Control", "").split(",")}
        if not {"private", "no-store"} <= cache:
            problems.append(f"Cache-Control is {response.get('Cache-Control')!r}")
    return problems


def plain_paths(patterns=None, prefix: str = "") -> list[str]:
    """Every address in the URL configuration that takes no parameter."""
    paths = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = str(pattern.pattern)
        if "<" in route or "(?P" in route or route.startswith("^"):
            continue
        if isinstance(pattern, URLResolver):
            paths += plain_paths(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern):
            paths.append("/" + prefix + route)
    return sorted(set(paths))


def test_every_plain_address_has_the_headers_signed_in_or_not(client):
    paths = [p for p in plain_paths() if not p.startswith("/django-admin/")]
    assert {"/my-training/", "/team/", "/accounts/login/", "/api/v1/compliance/requirements/"} <= set(paths)
    assert len(paths) > 40
    problems = []
    for path in paths:
        problems += [f"anonymous {path}: {p}" for p in security_header_problems(path, client.get(path))]
    client.force_login(make_person(username="pc.headers").user)
    for path in paths:
        if path == "/accounts/logout/":
            continue
        response = client.get(path)
        problems += [f"signed in {path}: {p}" for p in security_header_problems(path, response, "person")]
    assert problems == []


def test_the_api_documentation_runs_its_one_inline_script_by_nonce(client):
    response = client.get("/api/docs/")
    nonce = response.context["request"].csp_nonce
    assert f'<script nonce="{nonce}">' in response.content.decode()
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]


def test_signing_out_may_go_to_the_identity_provider(client, settings):
    settings.OIDC_OP_ISSUER = "https://login.microsoftonline.com/tenant-id/v2.0"
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "form-action 'self' https://login.microsoftonline.com" in policy


def test_a_session_ends_after_the_idle_time_and_after_the_absolute_limit(client, settings, pinned_clock):
    person = make_person(username="pc.session")
    client.force_login(person.user)
    assert client.get("/my-training/").status_code == 200
    # Idle: 29 quiet minutes are fine; 31 are not.
    pinned_clock.shift(29 * 60)
    assert client.get("/my-training/").status_code == 200
    pinned_clock.shift(31 * 60)
    response = client.get("/my-training/")
    assert (response.status_code, response["Location"].split("?")[0]) == (302, "/accounts/login/")
    # Active all day: signed out 12 hours after signing in all the same.
    client.force_login(person.user)
    statuses = []
    for _ in range(26):  # a request every 28 minutes for just over 12 hours
        pinned_clock.shift(28 * 60)
        statuses.append(client.get("/my-training/").status_code)
    assert statuses == [200] * 25 + [302]


def test_the_admin_asks_no_other_site_for_anything(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert "gravatar" not in page  # no avatars
    assert "releases.wagtail.org" not in page and "w-upgrade" not in page  # no release check
