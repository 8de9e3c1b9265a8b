"""The second factor in Chromium, by keyboard: set up an authenticator app, keep the recovery
codes, and give a code at the next sign-in. Every page passes axe."""

import base64

import pytest
from django_otp.oath import TOTP

from compliance.access import Role
from tests.factories import make_person

pytestmark = pytest.mark.browser


def current_code(key_text: str, *, later: int = 0) -> str:
    key = key_text.replace(" ", "")
    totp = TOTP(base64.b32decode(key + "=" * (-len(key) % 8)))
    totp.time = totp.time + later * 30
    return f"{totp.token():06d}"


def test_a_role_holder_sets_up_and_uses_an_authenticator_app(page, login, settings, assert_accessible):
    settings.SECOND_FACTOR_REQUIRED = True
    make_person(username="ld.lead", roles=[Role.LD_LEAD])
    login(page, "ld.lead")
    page.goto("/admin/")
    assert page.get_by_role("heading", level=1).inner_text() == "Set up your authenticator app"
    assert_accessible(page, "second factor: set up")
    key = page.locator("#key").inner_text()
    page.get_by_label("Code").focus()
    page.keyboard.type("000000")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "That code is not right" in page.locator(".error-summary").inner_text()
    assert_accessible(page, "second factor: set up, wrong code")
    page.wait_for_timeout(1500)  # each wrong code doubles the wait before the next is checked
    page.get_by_label("Code").fill(current_code(key))
    page.get_by_role("button", name="Turn on").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your recovery codes"
    assert page.get_by_role("list", name="Recovery codes").locator("li").count() == 10
    assert_accessible(page, "second factor: recovery codes")
    page.get_by_role("link", name="Continue").click()
    assert page.url.endswith("/admin/")

    page.context.clear_cookies()  # a new browser session
    login(page, "ld.lead")
    page.goto("/admin/")
    assert page.get_by_role("heading", level=1).inner_text() == "Enter your code"
    assert_accessible(page, "second factor: verify")
    page.get_by_label("Code").fill(current_code(key, later=1))
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/")
