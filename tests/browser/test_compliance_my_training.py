import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from compliance.models import Assignment
from compliance.services.sync import sync_all
from tests.compliance.factories import make_course, make_requirement
from tests.factories import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sergeant(live_site):
    today = timezone.localdate()
    inspector = make_person(username="insp.b", first_name="Ian", rank_or_grade="Inspector", leadership_level="middle")
    person = make_person(
        username="sgt.b",
        manager=inspector,
        first_name="Sara",
        rank_or_grade="Sergeant",
        leadership_level="first_line",
        role_start_date=today - datetime.timedelta(days=21),
    )
    make_course("CHAMPIONING-FAIRNESS", "Championing Fairness")
    make_requirement(
        name="Championing Fairness",
        courses=["CHAMPIONING-FAIRNESS"],
        include_leadership_levels=["first_line"],
        trigger="role_start",
        trigger_days=90,
    )
    make_requirement(
        name="Integrity health check", courses=["INTEGRITY-HEALTH-CHECK"], trigger="joining", trigger_days=10
    )
    sync_all()
    return person


def test_my_training_is_accessible_and_explains_why(page, login, assert_accessible, sergeant):
    login(page, "sgt.b")
    page.goto("/my-training/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My training")
    expect(page.get_by_text("You became a Sergeant on")).to_be_visible()
    expect(page.get_by_role("link", name="Championing Fairness", exact=True)).to_have_attribute(
        "href", "/training/championing-fairness/"
    )
    assert_accessible(page, "my training")


def test_asking_for_more_time_with_the_keyboard(page, login, assert_accessible, sergeant):
    login(page, "sgt.b")
    page.goto("/my-training/")
    link = page.get_by_role("link", name="Ask for more time for Championing Fairness")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ask for more time")
    assert_accessible(page, "extension request form")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page, "extension request form with errors")
    assignment = Assignment.objects.get(person=sergeant, requirement__name="Championing Fairness")
    wanted = assignment.due_date + datetime.timedelta(days=14)
    page.get_by_label("New date you are asking for").fill(wanted.isoformat())
    page.get_by_label("Why do you need more time?").focus()
    page.keyboard.type("Covering a vacancy on nights")
    page.get_by_role("button", name="Send request").press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_text("Your request has been sent")).to_be_visible()
    # The inspector decides.
    page.context.clear_cookies()
    login(page, "insp.b")
    page.goto("/compliance/extension-requests/")
    expect(page.get_by_text("Covering a vacancy on nights")).to_be_visible()
    assert_accessible(page, "requests for more time")
    page.get_by_role("button", name="Approve Sara").click()
    page.wait_for_load_state()
    expect(page.get_by_text("approved")).to_be_visible()
    assignment.refresh_from_db()
    assert assignment.extended_due_date == wanted
