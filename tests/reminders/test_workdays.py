"""No reminders on weekends or bank holidays (the force's nation's calendar): what falls due
then goes out on the next working day, once, weekly digests included."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from compliance.reminders.models import Reminder, ReminderKind, ReminderPolicy
from compliance.reminders.planning import reminders_plan
from compliance.reminders.workdays import catch_up_days, is_working_day

from .helpers import make_assignment, make_chain

pytestmark = pytest.mark.django_db
D = datetime.date


def plan_days(first: datetime.date, last: datetime.date) -> dict[datetime.date, list[str]]:
    """Run the daily planning on every day from `first` to `last`; what each day planned."""
    planned, day = {}, first
    while day <= last:
        reminders_plan(today=day, enqueue=False)
        planned[day] = sorted(Reminder.objects.filter(planned_on=day).values_list("kind", flat=True))
        day += datetime.timedelta(days=1)
    return planned


def test_a_weekend_plans_nothing_and_monday_catches_up():
    ReminderPolicy.objects.create(digest_enabled=False)
    _, _, learner = make_chain()
    # Due on Sunday 22 November 2026: 14 days before is Sunday 8 November.
    make_assignment(person=learner, due=D(2026, 11, 22), created=D(2026, 9, 1))
    planned = plan_days(D(2026, 11, 5), D(2026, 11, 24))
    assert planned[D(2026, 11, 7)] == planned[D(2026, 11, 8)] == []  # Saturday, Sunday
    assert planned[D(2026, 11, 9)] == [ReminderKind.BEFORE_DUE]  # Monday, one day late
    assert planned[D(2026, 11, 21)] == planned[D(2026, 11, 22)] == []
    assert planned[D(2026, 11, 23)] == [ReminderKind.DUE_TODAY]
    assert Reminder.objects.count() == 2  # once each, whatever the days in between


def test_christmas_and_the_observed_boxing_day_are_skipped_and_caught_up():
    ReminderPolicy.objects.create(digest_enabled=False)
    _, _, learner = make_chain()
    make_assignment(person=learner, due=D(2026, 12, 25), created=D(2026, 9, 1))
    planned = plan_days(D(2026, 12, 24), D(2026, 12, 31))
    # Friday 25 (Christmas Day), the weekend, Monday 28 (Boxing Day observed): nothing.
    assert all(planned[D(2026, 12, day)] == [] for day in (25, 26, 27, 28))
    assert catch_up_days(D(2026, 12, 29)) == 5
    assert planned[D(2026, 12, 29)] == [ReminderKind.DUE_TODAY]
    assert Reminder.objects.count() == 1


def test_each_nation_has_its_own_bank_holidays():
    # Monday 4 January 2027: a bank holiday in Scotland only (2 January observed).
    assert is_working_day(D(2027, 1, 4))
    with override_settings(INCLUSION_LMS={"BANK_HOLIDAYS": "scotland"}):
        assert not is_working_day(D(2027, 1, 4))
        assert not is_working_day(D(2026, 1, 2))
    with override_settings(INCLUSION_LMS={"BANK_HOLIDAYS": "northern-ireland"}):
        assert not is_working_day(D(2027, 3, 17))  # St Patrick's Day
    with override_settings(INCLUSION_LMS={"BANK_HOLIDAYS": None}):
        assert is_working_day(D(2026, 12, 25)) and not is_working_day(D(2026, 12, 26))
    with override_settings(INCLUSION_LMS={"BANK_HOLIDAYS": "wales-and-england"}), pytest.raises(ImproperlyConfigured):
        is_working_day(D(2026, 6, 17))


def test_a_weekly_digest_whose_day_is_a_bank_holiday_goes_the_next_working_day_once():
    ReminderPolicy.objects.create(digest_enabled=True, digest_weekday=0)  # Mondays
    _, manager, learner = make_chain()
    make_assignment(person=learner, due=D(2026, 12, 20), created=D(2026, 9, 1))  # overdue all week
    planned = plan_days(D(2026, 12, 28), D(2027, 1, 1))
    digests = Reminder.objects.filter(kind=ReminderKind.MANAGER_DIGEST)
    assert list(digests.values_list("planned_on", "recipient_person_id")) == [(D(2026, 12, 29), manager.pk)]
    assert ReminderKind.MANAGER_DIGEST not in planned[D(2026, 12, 30)] + planned[D(2026, 12, 31)]
