"""Every kind of message is a row of the notification log sent through the one claim protocol,
and every daily job records its run so that a lost run is redone the same day."""

import datetime
import io
import zoneinfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from compliance.models import DayRun
from compliance.reminders.models import Notification, Reminder, ReminderKind, ReminderPolicy, ReminderStatus
from compliance.reminders.planning import reminders_plan
from compliance.reminders.sending import reminders_send, reminders_sweep
from compliance.reminders.tasks import sweep_reminders
from compliance.services.runs import daily_runs_catch_up
from courses.models import Booking
from courses.services.sessions import booking_cancel, booking_create
from tests.courses.conftest import make_course
from tests.courses.test_sessions import make_session
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
OVERNIGHT = ("compliance.tasks.deactivate_leavers", "compliance.tasks.sync_all")
# The daily jobs the recovery sweep redoes, by 09:30: the overnight ones and the retention run.
REDONE = (*OVERNIGHT, "compliance.privacy.tasks.apply_retention")


@pytest.fixture
def full_session(db):
    session = make_session(make_course(code="MC-STAGE-1", delivery_mode="blended"), capacity=1)
    holder, waiting = UserFactory(), UserFactory(email="waiting@force.example")
    booking_create(user=holder, session=session)
    booking_create(user=waiting, session=session)
    return session, holder, waiting


def test_a_freed_place_is_a_logged_message_sent_once(full_session, django_capture_on_commit_callbacks):
    session, holder, waiting = full_session
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(user=holder, booking=Booking.objects.get(user=holder))
    (message,) = Reminder.objects.filter(kind=ReminderKind.BOOKING_PLACE)
    assert (message.status, message.recipient_user, message.recipient_email) == (
        ReminderStatus.SENT,
        waiting,
        "waiting@force.example",
    )
    assert message.item == session.course.title
    (email,) = mail.outbox
    assert email.subject == f"You have a place: {session.course.title}"
    assert email.extra_headers["X-Reminder-Id"] == str(message.pk)
    # A duplicated task, a sweep: nothing more.
    assert reminders_send(reminder_ids=[message.pk]).sent == 0
    assert reminders_sweep(older_than=datetime.timedelta(0)) == 0
    assert len(mail.outbox) == 1
    assert [n.kind for n in Notification.objects.filter(recipient_user=waiting)] == [ReminderKind.BOOKING_PLACE]


def test_a_rolled_back_promotion_tells_no_one(full_session, django_capture_on_commit_callbacks):
    session, holder, waiting = full_session
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        booking_cancel(user=holder, booking=Booking.objects.get(user=holder))
        raise RuntimeError("the request failed after the cancellation")
    assert not Reminder.objects.exists() and mail.outbox == []
    assert Booking.objects.get(user=waiting).status == "waitlisted"


def test_a_place_given_up_before_the_message_leaves_is_not_announced(full_session):
    session, holder, waiting = full_session
    booking_cancel(user=holder, booking=Booking.objects.get(user=holder))  # commit callbacks not run
    booking_cancel(user=waiting, booking=Booking.objects.get(user=waiting))
    (message,) = Reminder.objects.all()
    assert reminders_send(reminder_ids=[message.pk]).skipped == 1
    message.refresh_from_db()
    assert (message.status, message.skip_reason) == (
        ReminderStatus.SKIPPED,
        "Not sent: the place is no longer theirs.",
    )
    assert mail.outbox == []


# Daily runs ----------------------------------------------------------------------------------


def at(clock, hour: int, minute: int, day: datetime.date | None = None) -> datetime.datetime:
    day = day or timezone.localdate()
    moment = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LONDON)
    clock.move_to(moment)
    return moment


@pytest.fixture
def schedule():
    call_command("setup_periodic_tasks", stdout=io.StringIO())


def test_every_daily_job_records_its_run(schedule, pinned_clock):
    from compliance.reminders.tasks import plan_reminders
    from compliance.tasks import deactivate_leavers, sync_all

    for task in (plan_reminders, sync_all, deactivate_leavers):
        task.delay()
    runs = {run.job: run for run in DayRun.objects.filter(day=timezone.localdate())}
    assert sorted(runs) == ["compliance.reminders.tasks.plan_reminders", *sorted(OVERNIGHT)]
    assert all(run.finished_at and run.attempts == 1 and not run.last_error for run in runs.values())
    assert runs["compliance.tasks.deactivate_leavers"].result == {"deactivated": 0}


def test_a_run_that_fails_is_recorded_unfinished(schedule, monkeypatch):
    from compliance.reminders import tasks

    def broken(**kwargs):
        raise ValueError("a policy row the planner cannot read")

    monkeypatch.setattr(tasks, "reminders_plan", broken)
    with pytest.raises(ValueError):
        tasks.plan_reminders.apply(throw=True)
    run = DayRun.objects.get(job="compliance.reminders.tasks.plan_reminders")
    assert run.finished_at is None and run.last_error == "ValueError: a policy row the planner cannot read"


def test_the_sweep_redoes_a_lost_daily_run_the_same_day_and_only_once(
    schedule, pinned_clock, django_capture_on_commit_callbacks
):
    job = "compliance.reminders.tasks.plan_reminders"
    day = datetime.date(2026, 6, 17)
    at(pinned_clock, 6, 5, day)
    # The beat was down all night: the overnight jobs are redone, the 06:00 one is within its grace.
    with django_capture_on_commit_callbacks(execute=True):
        assert sorted(daily_runs_catch_up()) == sorted(REDONE)
    at(pinned_clock, 6, 11, day)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_reminders()["daily_jobs_redone"] == [job]
    run = DayRun.objects.get(job=job, day=day)
    assert run.finished_at is not None and run.queued_at is not None
    at(pinned_clock, 6, 12, day)
    assert daily_runs_catch_up() == []


def test_an_unfinished_run_is_redone_only_once_it_is_stale(schedule, pinned_clock, django_capture_on_commit_callbacks):
    job = "compliance.reminders.tasks.plan_reminders"
    day = datetime.date(2026, 6, 17)
    PeriodicTask.objects.exclude(task=job).update(enabled=False)
    started = at(pinned_clock, 6, 0, day)
    DayRun.objects.create(job=job, day=day, started_at=started, attempts=1)  # its worker died
    at(pinned_clock, 6, 25, day)
    assert daily_runs_catch_up() == []
    at(pinned_clock, 6, 31, day)
    with django_capture_on_commit_callbacks(execute=True):
        assert daily_runs_catch_up() == [job]
    assert DayRun.objects.get(job=job, day=day).finished_at is not None


def test_a_disabled_or_not_daily_schedule_is_left_alone(schedule, pinned_clock):
    PeriodicTask.objects.filter(task="compliance.reminders.tasks.plan_reminders").update(enabled=False)
    at(pinned_clock, 23, 0, datetime.date(2026, 6, 17))
    redone = daily_runs_catch_up()
    assert "compliance.reminders.tasks.plan_reminders" not in redone
    assert "courses.tasks.publish_scheduled" not in redone
    assert sorted(redone) == sorted(REDONE)


# Requests for more time -----------------------------------------------------------------------


@pytest.fixture
def asked(db):
    from compliance.services.assignments import extension_request_create
    from tests.reminders.helpers import make_assignment, make_chain

    ReminderPolicy.objects.create(digest_enabled=False)
    _, manager, learner = make_chain()
    assignment = make_assignment(person=learner, due=timezone.localdate() + datetime.timedelta(days=40))
    request = extension_request_create(
        assignment=assignment,
        user=learner.user,
        requested_due_date=assignment.due_date + datetime.timedelta(days=30),
        reason="Night shifts all month",
    )
    return manager, learner, request


def test_a_manager_hears_of_a_request_in_their_next_daily_message(asked, django_capture_on_commit_callbacks):
    manager, learner, request = asked
    (row,) = Reminder.objects.filter(kind=ReminderKind.EXTENSION_REQUEST)
    today = timezone.localdate()  # Wednesday 17 June 2026 on the suite's clock
    assert (row.recipient_person, row.planned_on, row.status) == (
        manager,
        today + datetime.timedelta(days=1),
        "planned",
    )
    # Not before: the sweep leaves a row planned for a later day alone.
    assert reminders_sweep(older_than=datetime.timedelta(0)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        reminders_plan(today=today + datetime.timedelta(days=1))
    (message,) = [m for m in mail.outbox if m.to == [manager.email]]
    assert message.subject == f"{learner.full_name} asks for more time for {request.assignment.requirement.name}"
    assert "Their reason: Night shifts all month" in message.body
    assert "/compliance/extension-requests/" in message.body
    row.refresh_from_db()
    assert row.status == ReminderStatus.SENT


def test_a_request_decided_before_the_message_goes_is_not_announced(asked, django_capture_on_commit_callbacks):
    from compliance.services.assignments import extension_request_decide

    manager, learner, request = asked
    with django_capture_on_commit_callbacks(execute=True):
        extension_request_decide(request=request, actor=manager.user, approve=True)
    with django_capture_on_commit_callbacks(execute=True):
        reminders_plan(today=timezone.localdate() + datetime.timedelta(days=1))
    assert [m for m in mail.outbox if m.to == [manager.email]] == []
    row = Reminder.objects.get(kind=ReminderKind.EXTENSION_REQUEST)
    assert (row.status, row.skip_reason) == (
        ReminderStatus.SKIPPED,
        "Not sent: the request was decided or closed before the message went.",
    )
    assert [m.to for m in mail.outbox] == [[learner.email]]  # the learner hears of the decision


def test_the_notification_log_lists_every_kind_with_what_it_was_about(
    client, full_session, asked, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    from compliance.access import Role

    session, holder, waiting = full_session
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(user=holder, booking=Booking.objects.get(user=holder))
    client.force_login(UserFactory(roles=[Role.COMPLIANCE_ADMIN]))
    with django_assert_max_num_queries(40):
        page = client.get("/admin/reminders_log/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Place on a session freed" in text and session.course.title in text
    assert "Request for more time or an exemption to decide" in text
