"""Browser fixtures: Playwright driving Debian's Chromium against Django's live server, and axe.

`page` is a fresh browser page; `login(page, username)` signs a user in through the login
form; `assert_accessible(page)` runs axe with the WCAG 2.2 A/AA rules and fails on any
violation, listing them.
"""

import os

import pytest

from tests.conftest import CHROMIUM

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PASSWORD = "password-for-tests"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, live_site):
    """A page that fails its test if the Content-Security-Policy blocks anything on it."""
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    blocked = []
    page.on("console", lambda message: "Content Security Policy" in message.text and blocked.append(message.text))
    yield page
    context.close()
    assert not blocked, f"the Content-Security-Policy blocked: {blocked[:5]}"


@pytest.fixture
def login():
    def do_login(page, username: str, password: str = PASSWORD) -> None:
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()

    return do_login


@pytest.fixture
def assert_accessible():
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page, context: str = "") -> None:
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        violations = results.response["violations"]
        summary = "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in violations
        )
        assert not violations, f"axe found {len(violations)} violation(s) on {context or page.url}:\n{summary}"

    return check
