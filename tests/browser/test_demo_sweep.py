"""Every persona on the demo: follow the site's own links from the home page, and check each
page a person reaches answers, has no broken link and passes axe (WCAG 2.2 AA).

Pages are grouped by the shape of their path (numbers and codes folded), so a course's
twenty module screens count as one page shape and the walk stays short.
"""

import io
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(900)]

DEMO_PASSWORD = "demo-password-2026"
PERSONAS = [None, "constable", "sergeant", "inspector", "superintendent", "di.analyst", "compliance.admin"]
# Not pages a person reads: downloads, the admin and API (checked elsewhere), signing out.
SKIP = re.compile(
    r"^/(admin|django-admin|api|documents|accounts/logout)/|/(csv|xlsx|pdf|download)/?$|\.(pdf|csv|xlsx)$"
)
PAGES_PER_PERSONA = 30


def shape(path: str) -> str:
    path = re.sub(r"/\d+/", "/N/", path)
    path = re.sub(r"/(people|units|verify)/[^/]+/", r"/\1/X/", path)
    return path


@pytest.fixture
def demo(live_site):
    call_command("load_demo", "--people", "300", "--seed", "1", stdout=io.StringIO())


def walk(page, base: str, assert_accessible) -> list[str]:
    seen_shapes, visited, queue = set(), [], deque(["/"])
    while queue and len(visited) < PAGES_PER_PERSONA:
        path = queue.popleft()
        if shape(path) in seen_shapes:
            continue
        seen_shapes.add(shape(path))
        response = page.goto(path)
        assert response is not None and response.status < 400, f"{path} answered {response and response.status}"
        if not page.url.startswith(base) or urlsplit(page.url).path.startswith("/accounts/login/"):
            continue
        assert_accessible(page, context=path)
        visited.append(path)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            url = urljoin(base + path, href)
            parts = urlsplit(url)
            if not url.startswith(base) or SKIP.search(parts.path) or parts.path == path:
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if shape(parts.path) not in seen_shapes:
                queue.append(target)
    return visited


@pytest.mark.parametrize("username", PERSONAS, ids=lambda u: u or "anonymous")
def test_every_page_a_persona_reaches_passes_axe(demo, page, live_server, assert_accessible, username):
    if username:
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        assert "/accounts/login/" not in page.url, f"{username} could not sign in"
    visited = walk(page, live_server.url, assert_accessible)
    # The walk must have reached the persona's own pages, not just the public ones.
    assert len(visited) >= (3 if username is None else 5), visited
    expected = {
        "constable": "/my-training/",
        "sergeant": "/team/",
        "inspector": "/team/",
        "superintendent": "/command/",
        "di.analyst": "/fairness/",
        "compliance.admin": "/command/",
    }.get(username, "/training/")
    assert any(v.startswith(expected) for v in visited), visited
