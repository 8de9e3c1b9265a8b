import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from compliance.reminders.models import DigestPreference, Reminder, ReminderKind, ReminderStatus
from tests.reminders.helpers import make_assignment, make_chain

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.reminders.urls")]


def test_notifications_page_passes_axe_and_marks_read(page, login, assert_accessible):
    from tests.compliance.factories import make_requirement

    _, manager, learner = make_chain()
    learner.user.username = "pc.lee"
    learner.user.save()
    today = timezone.localdate()
    a = make_assignment(
        person=learner, requirement=make_requirement(courses=()), due=today - datetime.timedelta(days=7)
    )
    for subject in ("Equality essentials is overdue: it was due on 16 November 2026", "New required training"):
        Reminder.objects.create(
            kind=ReminderKind.OVERDUE,
            assignment=a,
            due_on=a.due_date,
            offset_days=len(subject),
            recipient_user=learner.user,
            recipient_email=learner.email,
            status=ReminderStatus.SENT,
            sent_at=timezone.now(),
            planned_on=today,
            subject=subject,
        )
    login(page, "pc.lee")
    page.goto("/notifications/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    assert_accessible(page, "notifications, unread")
    mark_one = page.get_by_role("button", name=re.compile(r"^Mark as read\s*: New required training$"))
    mark_one.click()
    expect(mark_one).to_have_count(0)
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_role("status")).to_contain_text("1 notification marked as read")
    assert_accessible(page, "notifications, all read")


def test_a_manager_sets_a_daily_digest(page, login, assert_accessible):
    _, manager, _ = make_chain()
    manager.user.username = "ps.mo"
    manager.user.save()
    login(page, "ps.mo")
    page.goto("/notifications/")
    assert_accessible(page, "notifications with the digest preference")
    page.get_by_label("Daily").check()
    page.get_by_role("button", name="Save digest preference").click()
    expect(page.get_by_role("status")).to_contain_text("You will get your team digest daily.")
    assert DigestPreference.objects.get(person=manager).frequency == "daily"
