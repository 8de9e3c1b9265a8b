"""Single sign-on in Chromium through a real OpenID provider on localhost: a person HR knows
signs in and out, an unknown and a closed account get pages that say why, and a state changed on
the way back is refused. The pages the site shows pass axe."""

import re
from urllib.parse import urljoin

import pytest
from django.contrib.auth import get_user_model

from tests.factories.people import make_person
from tests.identity_provider import ACCOUNTS, start_provider

pytestmark = pytest.mark.browser


@pytest.fixture
def provider(live_server, settings):
    provider = start_provider(live_server.url)
    provider.configure(settings)
    yield provider
    provider.stop()


@pytest.fixture
def people(live_site):
    return {
        "amy": make_person(username="S1001", email=ACCOUNTS["amy"]["email"], first_name="Amy", last_name="Learner"),
        "ben": make_person(username="S1002", email=ACCOUNTS["ben"]["email"]),
    }


@pytest.fixture
def offline(page):
    # The provider's development pages ask for a web font: nothing leaves the machine.
    page.context.route(re.compile(r"^https?://(?!(127\.0\.0\.1|localhost)[:/])"), lambda route: route.abort())
    return page


def sign_in_at_provider(page, login: str) -> None:
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any")
    page.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_a_person_signs_in_with_their_force_account_and_out_again(offline, provider, people, assert_accessible):
    page = offline
    page.goto("/my-training/")
    assert page.url.split("?")[0].endswith("/accounts/login/")
    assert_accessible(page, "sign-in page with single sign-on")
    page.get_by_role("link", name="Sign in with your force account").click()
    assert page.url.startswith(provider.issuer)
    sign_in_at_provider(page, "amy")
    assert page.url.endswith("/my-training/")
    assert page.get_by_role("heading", level=1).inner_text() == "My training"

    page.get_by_role("button", name="Sign out").click()
    # The provider asks to confirm; it then ends its own session and sends the person back.
    assert page.url.startswith(f"{provider.issuer}/session/end")
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(f"{provider.redirect_base}/**")
    page.goto("/my-training/")
    assert page.url.split("?")[0].endswith("/accounts/login/")
    # Signed out at the provider too: signing in again asks for the account again.
    page.get_by_role("link", name="Sign in with your force account").click()
    assert page.locator("input[name=login]").is_visible()


def test_an_unknown_person_and_a_closed_account_are_told_why(offline, provider, people, assert_accessible):
    page = offline
    page.goto("/oidc/authenticate/")
    sign_in_at_provider(page, "stranger")
    assert page.get_by_role("heading", level=1).inner_text() == "We could not find your training record"
    assert_accessible(page, "refusal: unknown person")

    get_user_model().objects.filter(pk=people["ben"].user_id).update(is_active=False)
    page.context.clear_cookies()
    page.goto("/oidc/authenticate/")
    sign_in_at_provider(page, "ben")
    assert page.get_by_role("heading", level=1).inner_text() == "Your account is not active"
    page.get_by_role("link", name="Back to sign in").click()
    assert page.url.endswith("/accounts/login/")


def test_a_state_changed_on_the_way_back_is_refused(offline, provider, people):
    page = offline

    def tamper(route):
        # The provider sends the browser back through two redirects (its own resume address,
        # then our callback); the browser would not show the second to a route, so follow them
        # here, with the browser's cookies, and change the state in the last.
        response = route.fetch(max_redirects=0)
        location = response.headers.get("location", "")
        while location.startswith(provider.issuer) or location.startswith("/"):
            response = page.context.request.get(urljoin(provider.issuer, location), max_redirects=0)
            location = response.headers.get("location", "")
        if "/oidc/callback/" in location:
            location = re.sub(r"state=([^&]+)", lambda m: "state=" + m.group(1)[::-1], location)
        route.fulfill(status=303, headers={"location": location})

    page.route(f"{provider.issuer}/**", tamper)
    page.goto("/oidc/authenticate/")
    sign_in_at_provider(page, "amy")
    assert page.get_by_role("heading", level=1).inner_text() == "Sign-in could not be completed"
    page.goto("/my-training/")
    assert page.url.split("?")[0].endswith("/accounts/login/")
