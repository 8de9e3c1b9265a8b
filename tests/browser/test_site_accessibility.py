import pytest
from playwright.sync_api import expect

from tests.factories import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/training/"])
def test_public_pages_pass_axe(page, assert_accessible, path):
    page.goto(path)
    assert_accessible(page)


def test_sign_in_with_the_keyboard_alone(page, assert_accessible):
    make_person(username="pc.jones", first_name="Aled")
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.goto("/accounts/login/")
    page.get_by_label("Username").focus()
    page.keyboard.type("pc.jones")
    page.keyboard.press("Tab")
    page.keyboard.type("password-for-tests")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Aled")
    assert_accessible(page, "home page, signed in")


def test_wrong_password_is_explained_accessibly(page, assert_accessible):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page, "login with an error")
