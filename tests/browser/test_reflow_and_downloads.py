"""Wide tables reflow at 375px (WCAG 1.4.10), and the notification log's download buttons are
visible and download the filtered rows.

Moved here from tests/cms/test_table_reflow.py and tests/reminders/test_log_export.py, whose
other tests check the same things without a browser.
"""

import csv
import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from compliance.access import Role
from compliance.models import Assignment
from compliance.reminders.models import Reminder, ReminderKind
from compliance.services.assignments import extension_request_create
from compliance.services.sync import sync_all
from tests.compliance.factories import make_requirement
from tests.factories import UserFactory, make_person
from tests.reminders.helpers import TODAY, make_assignment, make_chain

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def waiting_request(live_site):
    """An inspector with a request for more time from a learner with a very long name."""
    today = timezone.localdate()
    inspector = make_person(username="insp.r", first_name="Ian", rank_or_grade="Inspector")
    learner = make_person(
        username="pc.r", manager=inspector, first_name="Bartholomew-Maximilian", last_name="Featherstonehaugh-Smythe"
    )
    make_requirement(name="Integrity health check with a long name", trigger="joining", trigger_days=10)
    sync_all()
    assignment = Assignment.objects.get(person=learner)
    extension_request_create(
        assignment=assignment,
        user=learner.user,
        requested_due_date=max(assignment.due_date, today) + datetime.timedelta(days=7),
        reason="Covering a vacancy on nights for the whole of the next month",
    )
    return inspector


def test_extension_requests_reflow_at_375px(page, login, assert_accessible, waiting_request):
    login(page, "insp.r")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/compliance/extension-requests/")
    region = page.get_by_role("region", name="Waiting for your decision")
    expect(region).to_have_attribute("tabindex", "0")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.evaluate("document.body.scrollWidth") <= 375
    # The table itself still scrolls sideways inside its region, by keyboard too.
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    assert_accessible(page, "requests for more time at 375px")


@pytest.fixture
def log_with_a_digest(live_site):
    """An overdue reminder and a line manager's digest in the notification log."""
    _, manager, learner = make_chain()
    a = make_assignment(person=learner, due=TODAY - datetime.timedelta(days=7))
    overdue = Reminder.objects.create(
        kind=ReminderKind.OVERDUE, assignment=a, due_on=a.due_date, recipient_email=learner.email, planned_on=TODAY
    )
    digest = Reminder.objects.create(
        kind=ReminderKind.MANAGER_DIGEST,
        period=TODAY,
        recipient_person=manager,
        recipient_email=manager.email,
        planned_on=TODAY,
    )
    return {"manager": manager, "learner": learner, "overdue": overdue, "digest": digest}


@pytest.mark.urls("tests.reminders.urls")
def test_download_buttons_are_visible_and_download_the_filtered_rows(page, login, assert_accessible, log_with_a_digest):
    UserFactory(username="comp.admin", roles=[Role.COMPLIANCE_ADMIN])
    login(page, "comp.admin")
    page.goto("/admin/reminders_log/?kind=manager_digest")
    expect(page.get_by_role("link", name="Download CSV")).to_be_visible()
    expect(page.get_by_role("link", name="Download XLSX")).to_be_visible()
    assert_accessible(page, "notification log")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    with open(download.value.path(), encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert [row["Kind"] for row in rows] == ["Line manager digest"]
    assert rows[0]["Recipient staff number"] == log_with_a_digest["manager"].staff_number
