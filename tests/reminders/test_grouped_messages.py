"""Calm messages: at most one email a day per person, whatever they are owed, with a friendly
first message; nothing on weekends or bank holidays."""

import datetime
import io
from collections import Counter

import pytest
from django.core import mail
from django.core.management import call_command

from compliance.reminders.models import Notification, Reminder, ReminderKind, ReminderPolicy, ReminderStatus
from compliance.reminders.planning import reminders_plan
from compliance.reminders.workdays import is_working_day
from tests.compliance.factories import make_requirement
from tests.factories import make_person

from .helpers import TODAY, make_assignment, make_chain

pytestmark = pytest.mark.django_db

D = datetime.timedelta


def reminder_ids(message) -> list[int]:
    return [int(pk) for pk in message.extra_headers["X-Reminder-Id"].split(",")]


def test_a_person_owed_several_things_gets_one_email_listing_them_all(django_capture_on_commit_callbacks):
    second, manager, learner = make_chain()
    ReminderPolicy.objects.create()  # digests on Mondays (TODAY is one)
    # The manager's own training: one new, one due soon; their report's training overdue.
    make_assignment(
        person=manager,
        requirement=make_requirement(name="Integrity check"),
        due=TODAY + D(days=60),
        created=TODAY,
    )
    make_assignment(person=manager, requirement=make_requirement(name="Data protection"), due=TODAY + D(days=14))
    make_assignment(person=learner, requirement=make_requirement(name="Hate crime"), due=TODAY - D(days=7))
    with django_capture_on_commit_callbacks(execute=True):
        reminders_plan(today=TODAY)
    to_manager = [m for m in mail.outbox if m.to == [manager.email]]
    assert len(to_manager) == 1
    (message,) = to_manager
    rows = Reminder.objects.filter(recipient_email=manager.email)
    assert sorted(reminder_ids(message)) == sorted(rows.values_list("pk", flat=True))
    assert sorted(rows.values_list("kind", flat=True)) == ["assigned", "before_due", "manager_digest"]
    assert set(rows.values_list("status", flat=True)) == {ReminderStatus.SENT}
    assert message.subject == "Your training update for Monday 23 November: 3 items"
    body = message.body
    assert "YOUR TRAINING (2)" in body and "YOUR TEAM" in body and "Hate crime" in body
    assert "New required training: Integrity check, due by 22 January 2027" in body
    assert "Data protection is due in 14 days" in body
    html = message.alternatives[0][0]
    assert '<html lang="en-GB">' in html and "<caption" in html and "Your training (2)" in html
    # In the site, each item is its own notification with its own title.
    titles = sorted(Notification.objects.filter(recipient_user=manager.user).values_list("subject", flat=True))
    assert titles == sorted(
        [
            "New required training: Integrity check, due by 22 January 2027",
            "Data protection is due in 14 days, by 7 December 2026",
            "Your team's training: 1 overdue, 0 due soon",
        ]
    )
    # The learner, overdue, has their own one email.
    assert len([m for m in mail.outbox if m.to == [learner.email]]) == 1


def test_the_first_message_introduces_the_service_and_later_ones_do_not(django_capture_on_commit_callbacks):
    _, _, learner = make_chain()
    ReminderPolicy.objects.create(digest_enabled=False)
    make_assignment(person=learner, requirement=make_requirement(name="A"), due=TODAY + D(days=14))
    with django_capture_on_commit_callbacks(execute=True):
        reminders_plan(today=TODAY)
    make_assignment(person=learner, requirement=make_requirement(name="B"), due=TODAY + D(days=15))
    with django_capture_on_commit_callbacks(execute=True):
        reminders_plan(today=TODAY + D(days=1))
    first, second = mail.outbox
    assert "This is the first message you have had from" in first.body
    assert "This is the first message you have had from" in first.alternatives[0][0]
    assert "first message" not in second.body


def test_a_new_obligation_whose_date_has_passed_never_says_overdue_since_a_day_before_it_was_set(
    django_capture_on_commit_callbacks,
):
    _, _, learner = make_chain()
    ReminderPolicy.objects.create(digest_enabled=False)
    # A veteran: due 90 days after joining in 2015, but the requirement was set up today.
    make_assignment(
        person=learner, requirement=make_requirement(name="Integrity"), due=datetime.date(2015, 7, 1), created=TODAY
    )
    with django_capture_on_commit_callbacks(execute=True):
        reminders_plan(today=TODAY)
    (message,) = mail.outbox
    assert message.subject == "New required training: Integrity, please complete it as soon as you can"
    assert "overdue since" not in message.body and "2015" in message.body
    assert "Due date: as soon as you can" in message.body


def test_learning_and_development_get_one_email_for_the_days_escalations(django_capture_on_commit_callbacks):
    ReminderPolicy.objects.create(digest_enabled=False, ld_email="ld@force.example")
    requirement = make_requirement(name="Hate crime")
    for _ in range(4):
        make_assignment(person=make_person(), requirement=requirement, due=TODAY - D(days=30))
    with django_capture_on_commit_callbacks(execute=True):
        reminders_plan(today=TODAY)
    to_ld = [m for m in mail.outbox if m.to == ["ld@force.example"]]
    assert len(to_ld) == 1
    assert "ESCALATED TO YOU (4)" in to_ld[0].body
    assert to_ld[0].body.count("/admin/compliance_assignment/inspect/") == 4


@pytest.mark.slow
def test_a_month_of_the_demo_sends_at_most_one_email_a_day_per_person_and_none_on_holidays(
    django_capture_on_commit_callbacks,
):
    """December into January, across Christmas, Boxing Day (a Saturday: its substitute is the
    Monday) and New Year's Day."""
    call_command("load_demo", "--people", "150", "--seed", "1", stdout=io.StringIO())
    Reminder.objects.all().delete()
    mail.outbox.clear()
    start = datetime.date(2026, 12, 14)
    for offset in range(30):
        with django_capture_on_commit_callbacks(execute=True):
            reminders_plan(today=start + D(days=offset))
    rows = {r.pk: r for r in Reminder.objects.all()}
    assert len(mail.outbox) > 50
    per_person_day = Counter()
    carried = Counter()
    for message in mail.outbox:
        ids = reminder_ids(message)
        carried.update(ids)
        days = {rows[pk].planned_on for pk in ids}
        assert len(days) == 1
        (day,) = days
        assert is_working_day(day), f"sent for {day:%A %d %B}"
        assert "overdue since" not in message.subject
        if rows[ids[0]].kind not in (ReminderKind.EXTENSION_DECISION, ReminderKind.BOOKING_PLACE):
            per_person_day[(message.to[0], day)] += 1
    assert max(per_person_day.values()) == 1
    assert set(carried.values()) == {1}  # no row in two emails
    sent = {pk for pk, row in rows.items() if row.status == ReminderStatus.SENT}
    assert set(carried) == sent
    planned_days = {row.planned_on for row in rows.values()}
    for holiday in (datetime.date(2026, 12, 25), datetime.date(2026, 12, 28), datetime.date(2027, 1, 1)):
        assert holiday not in planned_days
