import datetime
import smtplib

import pytest
from django.core import mail
from django.test import override_settings

from compliance.reminders.models import Reminder, ReminderPolicy, ReminderStatus
from compliance.reminders.planning import reminders_plan
from compliance.reminders.sending import MAX_ATTEMPTS, reminders_send, reminders_sweep
from compliance.reminders.tasks import send_reminders

from .helpers import TODAY, make_assignment, make_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(pinned_clock):
    pinned_clock.move_to(datetime.datetime(TODAY.year, TODAY.month, TODAY.day, 9, 30, tzinfo=datetime.UTC))
    _, _, learner = make_chain()
    make_assignment(person=learner, due=TODAY + datetime.timedelta(days=14))
    ReminderPolicy.objects.create(digest_enabled=False)
    reminders_plan(today=TODAY, enqueue=False)
    return Reminder.objects.get()


def test_a_failing_mail_server_leaves_the_row_planned_with_the_attempt_recorded(planned):
    with (
        override_settings(EMAIL_BACKEND="tests.reminders.backends.FailingBackend"),
        pytest.raises(smtplib.SMTPException),
    ):
        reminders_send(reminder_ids=[planned.pk], today=TODAY)
    planned.refresh_from_db()
    assert planned.status == ReminderStatus.PLANNED
    assert planned.attempts == 1
    assert "SMTPServerDisconnected" in planned.last_error
    assert reminders_send(reminder_ids=[planned.pk], today=TODAY).sent == 1
    planned.refresh_from_db()
    assert (planned.status, planned.attempts, planned.last_error) == (ReminderStatus.SENT, 2, "")
    assert len(mail.outbox) == 1


def test_it_gives_up_after_the_last_attempt(planned):
    Reminder.objects.filter(pk=planned.pk).update(attempts=MAX_ATTEMPTS - 1)
    with (
        override_settings(EMAIL_BACKEND="tests.reminders.backends.FailingBackend"),
        pytest.raises(smtplib.SMTPException),
    ):
        reminders_send(reminder_ids=[planned.pk], today=TODAY)
    planned.refresh_from_db()
    assert planned.status == ReminderStatus.FAILED


def test_send_task_retries_with_backoff_and_survives_a_lost_worker():
    assert send_reminders.acks_late is True
    assert send_reminders.reject_on_worker_lost is True
    assert smtplib.SMTPException in send_reminders.autoretry_for
    assert ConnectionError in send_reminders.autoretry_for
    assert send_reminders.retry_backoff


def test_the_sweep_re_enqueues_only_old_planned_rows(planned, django_capture_on_commit_callbacks):
    assert reminders_sweep(older_than=datetime.timedelta(minutes=30)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_sweep(older_than=datetime.timedelta(0)) == 1
    planned.refresh_from_db()
    assert planned.status == ReminderStatus.SENT
    assert reminders_sweep(older_than=datetime.timedelta(0)) == 0


def test_the_sweep_enqueues_a_waiting_row_again_at_most_every_two_minutes(planned, pinned_clock):
    """The sweep runs every minute; a row whose task is still queued behind a long day is not
    enqueued again each time, only once it has waited SWEEP_AFTER since it was last enqueued."""
    start = planned.created_at
    assert reminders_sweep() == 0  # just planned
    pinned_clock.move_to(start + datetime.timedelta(minutes=2, seconds=1))
    assert reminders_sweep() == 1  # (its task is not run here: the row stays planned)
    pinned_clock.move_to(start + datetime.timedelta(minutes=3, seconds=1))
    assert reminders_sweep() == 0
    pinned_clock.move_to(start + datetime.timedelta(minutes=4, seconds=2))
    assert reminders_sweep() == 1


def test_a_database_restart_after_the_message_left_never_sends_it_twice(planned, monkeypatch):
    """The send is recorded after the message left; if the database is away then, the sender
    waits for it instead of failing the task (whose retry would send again)."""
    from django.db import OperationalError
    from django.db.models.query import QuerySet

    from compliance.reminders import sending

    monkeypatch.setattr(sending.time, "sleep", lambda seconds: None)
    real_update, failures = QuerySet.update, []

    def update(queryset, **changes):
        if changes.get("status") == ReminderStatus.SENT and len(failures) < 2:
            failures.append(1)
            raise OperationalError("server closed the connection unexpectedly")
        return real_update(queryset, **changes)

    monkeypatch.setattr(QuerySet, "update", update)
    assert reminders_send(reminder_ids=[planned.pk], today=TODAY).sent == 1
    monkeypatch.setattr(QuerySet, "update", real_update)
    planned.refresh_from_db()
    assert (planned.status, len(failures), len(mail.outbox)) == (ReminderStatus.SENT, 2, 1)
    assert reminders_send(reminder_ids=[planned.pk], today=TODAY).sent == 0
    assert len(mail.outbox) == 1


def test_a_row_claimed_by_a_sender_that_died_is_sent_again_once_with_the_same_message_id(planned):
    from django.utils import timezone

    from compliance.reminders.sending import UNKNOWN_OUTCOME

    # A sender claimed it and died: its lease has not run out yet, so nobody takes it back.
    Reminder.objects.filter(pk=planned.pk).update(
        status=ReminderStatus.SENDING, claimed_by="dead:1:x", lease_until=timezone.now() + datetime.timedelta(minutes=1)
    )
    reminders_sweep(older_than=datetime.timedelta(0))
    assert Reminder.objects.get(pk=planned.pk).status == ReminderStatus.SENDING
    assert reminders_send(reminder_ids=[planned.pk], today=TODAY).sent == 0
    # Once the lease has run out the sweep takes it back, and it is sent once, saying so.
    Reminder.objects.filter(pk=planned.pk).update(lease_until=timezone.now() - datetime.timedelta(seconds=1))
    reminders_sweep(older_than=datetime.timedelta(0))
    assert reminders_send(reminder_ids=[planned.pk], today=TODAY).sent == 1
    assert reminders_send(reminder_ids=[planned.pk], today=TODAY).sent == 0
    planned.refresh_from_db()
    assert (planned.status, planned.last_error) == (ReminderStatus.SENT, UNKNOWN_OUTCOME)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"].startswith(f"<reminder-{planned.pk}@")


def test_a_completion_saved_before_the_sync_ran_stops_the_reminder(planned):
    """The truth at send time: the learner's completions, not the assignment's derived state."""
    from django.utils import timezone

    from compliance.models import Assignment
    from courses.services.completions import completion_record
    from tests.compliance.factories import make_course

    assignment = planned.assignment
    course = make_course("JUST-DONE")
    assignment.requirement.courses.add(course)
    completion_record(
        user=assignment.person.user,
        course=course,
        source="online",
        idempotency_key="just-now",
        completed_at=timezone.now(),
    )
    # As it stands until the queued sync has run (here the sync ran at once: put it back).
    Assignment.objects.filter(pk=assignment.pk).update(state="open", satisfied_by=None, satisfied_on=None)
    assert reminders_send(reminder_ids=[planned.pk], today=TODAY).sent == 0
    planned.refresh_from_db()
    assert planned.status == ReminderStatus.SKIPPED
    assert len(mail.outbox) == 0
