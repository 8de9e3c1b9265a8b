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
    # A learner with no team lands on their training (INCLUSION_LMS LANDING_PAGES).
    page.wait_for_url("**/my-training/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My training")
    assert_accessible(page, "my training, signed in")
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Aled")
    assert_accessible(page, "home page, signed in")


def test_wrong_password_is_explained_accessibly(page, assert_accessible):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page, "login with an error")


def test_too_many_wrong_passwords_is_explained_accessibly(page, assert_accessible):
    make_person(username="pc.jones")
    for attempt in range(5):
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill("pc.jones")
        page.get_by_label("Password").fill(f"wrong-{attempt}")
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many attempts to sign in")
    assert_accessible(page, "locked out")


def test_the_sign_in_lockouts_screen_is_accessible(page, login, assert_accessible):
    from axes.models import AccessAttempt
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    get_user_model().objects.create_superuser(
        username="root", email="root@force.example", password="password-for-tests"
    )
    AccessAttempt.objects.create(
        username="pc.jones",
        ip_address="10.0.0.9",
        user_agent="x",
        failures_since_start=5,
        attempt_time=timezone.now(),
        get_data="",
        post_data="",
        http_accept="",
        path_info="/accounts/login/",
    )
    login(page, "root")
    page.goto("/admin/sign-in-lockouts/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in lockouts")
    assert_accessible(page, "sign-in lockouts")
    page.get_by_role("button", name="Let pc.jones sign in again").click()
    expect(page.get_by_text("Nobody is held back now.")).to_be_visible()
