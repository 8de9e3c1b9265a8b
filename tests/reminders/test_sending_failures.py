import datetime
import smtplib

import pytest
from django.core import mail
from django.test import override_settings

from compliance.reminders.models import Reminder, ReminderPolicy, ReminderStatus
from compliance.reminders.services import MAX_ATTEMPTS, reminders_plan, reminders_send, reminders_sweep
from compliance.reminders.tasks import send_reminders

from .helpers import TODAY, make_assignment, make_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned():
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
