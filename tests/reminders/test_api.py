import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from compliance.access import Role
from compliance.reminders.models import Reminder, ReminderKind, ReminderPolicy, ReminderStatus
from tests.factories import UserFactory

from .helpers import TODAY, make_assignment, make_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def sent(assignment, person):
    return Reminder.objects.create(
        kind=ReminderKind.OVERDUE,
        assignment=assignment,
        due_on=assignment.due_date,
        recipient_user=person.user,
        recipient_email=person.email,
        status=ReminderStatus.SENT,
        sent_at=timezone.now(),
        planned_on=TODAY,
        subject="Overdue",
    )


def test_notifications_are_the_callers_own(api):
    second, _, learner = make_chain()
    a = make_assignment(person=learner, due=TODAY - datetime.timedelta(days=7))
    mine = sent(a, learner)
    theirs = sent(a, second)
    api.force_authenticate(learner.user)
    body = api.get("/api/v1/reminders/notifications/").json()
    assert [n["id"] for n in body["results"]] == [mine.pk]
    assert api.post(f"/api/v1/reminders/notifications/{theirs.pk}/read/").status_code == 404
    assert api.post(f"/api/v1/reminders/notifications/{mine.pk}/read/").json() == {"marked_read": 1}
    assert api.get("/api/v1/reminders/notifications/").json()["results"][0]["read_at"]


def test_anonymous_gets_401(api):
    assert api.get("/api/v1/reminders/notifications/").status_code == 401


def test_policy_for_admins_only_with_a_clear_error(api):
    api.force_authenticate(UserFactory())
    assert api.get("/api/v1/reminders/policy/").status_code == 403
    api.force_authenticate(UserFactory(roles=[Role.COMPLIANCE_ADMIN]))
    body = api.get("/api/v1/reminders/policy/").json()
    assert body["learner_days_before"] == 14 and body["escalate_ld_days"] == 30
    response = api.patch("/api/v1/reminders/policy/", {"escalate_ld_days": 10}, format="json")
    assert response.status_code == 400
    assert "L&D" in str(response.json())
    assert api.patch("/api/v1/reminders/policy/", {"digest_weekday": 4}, format="json").status_code == 200
    assert ReminderPolicy.objects.get(requirement=None).digest_weekday == 4


def test_log_for_ld_with_filters(api):
    _, _, learner = make_chain()
    a = make_assignment(person=learner, due=TODAY - datetime.timedelta(days=7))
    sent(a, learner)
    api.force_authenticate(UserFactory(roles=[Role.LD_EDITOR]))
    body = api.get("/api/v1/reminders/log/", {"status": "sent", "staff_number": learner.staff_number}).json()
    assert body["results"][0]["about_staff_number"] == learner.staff_number
    assert api.get("/api/v1/reminders/log/", {"status": "failed"}).json()["results"] == []
    assert api.get("/api/v1/reminders/log/", {"status": "nonsense"}).status_code == 400
