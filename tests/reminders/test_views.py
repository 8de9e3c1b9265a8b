import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from compliance.access import Role
from compliance.reminders.models import DigestPreference, Notification, Reminder, ReminderKind, ReminderStatus
from tests.factories import UserFactory

from .helpers import TODAY, make_assignment, make_chain

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.reminders.urls")]
PASSWORD = "password-for-tests"


def sent_reminder(*, assignment, user, email, kind=ReminderKind.OVERDUE, subject="Overdue"):
    return Reminder.objects.create(
        kind=kind,
        assignment=assignment,
        due_on=assignment.due_date,
        recipient_user=user,
        recipient_email=email,
        status=ReminderStatus.SENT,
        sent_at=timezone.now(),
        planned_on=TODAY,
        subject=subject,
        reason="7 days overdue (force-wide policy).",
    )


def test_every_user_sees_only_their_own_notifications_and_marks_them_read(client):
    second, manager, learner = make_chain()
    a = make_assignment(person=learner, due=TODAY - datetime.timedelta(days=7))
    mine = sent_reminder(assignment=a, user=learner.user, email=learner.email, subject="Mine is overdue")
    sent_reminder(assignment=a, user=second.user, email=second.email, subject="Someone else's")
    client.force_login(learner.user)
    response = client.get(reverse("reminders:notifications"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mine is overdue" in html and "Someone else&#x27;s" not in html and "Someone else's" not in html
    assert "Unread" in html
    client.post(reverse("reminders:notification-read", args=[mine.pk]))
    assert Notification.objects.get(pk=mine.pk).read_at is not None
    other = Reminder.objects.exclude(pk=mine.pk).get()
    assert client.post(reverse("reminders:notification-read", args=[other.pk])).status_code == 404
    assert Reminder.objects.get(pk=other.pk).read_at is None
    # Pages that only show things answer GET alone.
    for url in ("/notifications/", "/my-training/", "/my-learning/", "/compliance/observations/"):
        assert client.delete(url).status_code == 405, url
        assert client.post(url).status_code == 405, url


def test_notifications_page_queries_do_not_grow(client, django_assert_max_num_queries):
    _, _, learner = make_chain()
    for days in range(30):
        a = make_assignment(person=learner, due=TODAY - datetime.timedelta(days=days + 1))
        sent_reminder(assignment=a, user=learner.user, email=learner.email)
    client.force_login(learner.user)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("reminders:notifications")).status_code == 200


def test_a_manager_chooses_a_daily_digest(client):
    _, manager, _ = make_chain()
    client.force_login(manager.user)
    assert "Your team digest" in client.get(reverse("reminders:notifications")).content.decode()
    client.post(reverse("reminders:digest-preference"), {"frequency": "daily"})
    assert DigestPreference.objects.get(person=manager).frequency == "daily"


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get(reverse("reminders:notifications"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(("role", "allowed"), [(Role.COMPLIANCE_ADMIN, True), (Role.LD_LEAD, True), (None, False)])
def test_notification_log_with_filters_and_csv_export(client, role, allowed):
    _, _, learner = make_chain()
    a = make_assignment(person=learner, due=TODAY - datetime.timedelta(days=7))
    sent_reminder(assignment=a, user=learner.user, email=learner.email, subject="Overdue thing")
    user = UserFactory(roles=[role] if role else [])
    client.force_login(user)
    response = client.get("/admin/reminders_log/?status=sent&kind=overdue")
    if not allowed:
        assert response.status_code == 302
        assert response["Location"] == "/admin/login/?next=/admin/reminders_log/%3Fstatus%3Dsent%26kind%3Doverdue"
        return
    assert response.status_code == 200
    assert learner.email in response.content.decode()
    export = client.get("/admin/reminders_log/?export=csv&status=sent")
    assert export.status_code == 200
    body = b"".join(export.streaming_content).decode() if export.streaming else export.content.decode()
    assert "About staff number" in body and learner.staff_number in body and "Overdue thing" in body


def test_policy_is_editable_by_compliance_admins(client):
    admin = UserFactory(roles=[Role.COMPLIANCE_ADMIN])
    client.force_login(admin)
    assert client.get("/admin/reminders_policy/").status_code == 200
    response = client.post(
        "/admin/reminders_policy/new/",
        {
            "learner_on_assignment": "on",
            "learner_days_before": "10",
            "learner_on_due_date": "on",
            "learner_days_overdue": "7",
            "escalate_second_line_days": "14",
            "escalate_ld_days": "30",
            "ld_email": "",
            "digest_enabled": "on",
            "digest_weekday": "2",
            "digest_due_soon_days": "14",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    from compliance.reminders.models import ReminderPolicy

    assert ReminderPolicy.objects.get(requirement=None).digest_weekday == 2
