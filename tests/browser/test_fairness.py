"""Browser journey: the D&I analyst opens the fairness table by keyboard, changes the
characteristic, and axe finds nothing on the way; the chart has its numbers in a table."""

import pytest
from playwright.sync_api import expect

from compliance.audit.models import AuditEvent
from tests.reporting.conftest import build_force

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def force(live_site):
    return build_force()


def _press(locator):
    locator.focus()
    locator.press("Enter")
    locator.page.wait_for_load_state()


def test_analyst_opens_the_fairness_table_by_keyboard(page, login, assert_accessible, force):
    login(page, "di.analyst")
    page.goto("/")
    _press(page.get_by_role("link", name="Fairness"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Fairness")
    expect(page.get_by_role("table", name="Completion rate by sex and unit")).to_be_visible()
    expect(page.get_by_role("img", name="Completion rate by sex")).to_be_visible()
    expect(page.get_by_role("table", name="Completion rate by sex: the numbers")).to_be_visible()
    expect(page.get_by_text("Prefer not to say").first).to_be_visible()
    assert_accessible(page, "fairness table")

    page.get_by_label("Characteristic").focus()
    page.get_by_label("Characteristic").select_option("ethnicity")
    page.get_by_label("Broken down by").select_option("requirement")
    _press(page.get_by_role("button", name="Show table"))
    expect(page).to_have_url(
        "/fairness/?characteristic=ethnicity&measure=completion&breakdown=requirement&grouping=fine&level=95"
    )
    expect(page.get_by_role("table", name="Completion rate by ethnicity and training")).to_be_visible()
    # The table scrolls in a region that takes the keyboard focus.
    region = page.get_by_role("region", name="Completion rate by ethnicity and training")
    region.focus()
    expect(region).to_be_focused()
    assert_accessible(page, "fairness table by ethnicity and training")
    assert AuditEvent.objects.filter(action="fairness_view", actor__username="di.analyst").count() == 2

    # The page for publication stands alone and is accessible too.
    _press(page.get_by_role("link", name="Page for publication"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Completion rate by ethnicity and training")
    assert_accessible(page, "fairness table for publication")
    assert AuditEvent.objects.filter(action="fairness_publish", actor__username="di.analyst").count() == 1


def test_a_bad_choice_is_explained_accessibly(page, login, assert_accessible, force):
    login(page, "di.analyst")
    page.goto("/fairness/?measure=salary")
    expect(page.get_by_role("alert")).to_contain_text("Measure: 'salary' is not one of the choices.")
    assert_accessible(page, "fairness with an error")
