"""A request for more time closes itself once no decision is needed: the training was
completed, exempted, or no longer applies. The learner is told nothing wrong, and the
request leaves the manager's queue."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from compliance.models import ExtensionRequest
from compliance.services.assignments import exemption_grant, extension_request_create
from compliance.services.sync import sync_all
from courses.services.completions import completion_record
from tests.compliance.factories import make_course

from .test_assignments import team  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(team):  # noqa: F811
    assignment = team["assignment"]
    request = extension_request_create(
        assignment=assignment,
        user=team["constable"].user,
        requested_due_date=assignment.due_date + datetime.timedelta(days=30),
        reason="Night shifts all month",
    )
    mail.outbox.clear()
    return request


def queue(client, user) -> str:
    client.force_login(user)
    response = client.get("/compliance/extension-requests/")
    assert response.status_code == 200
    return response.content.decode()


def test_completing_the_training_closes_the_request_quietly(
    client,
    team,  # noqa: F811
    pending,
    django_capture_on_commit_callbacks,
):
    assert "Night shifts all month" in queue(client, team["sergeant"].user)
    with django_capture_on_commit_callbacks(execute=True):  # the sync a completion causes
        completion_record(
            user=team["constable"].user,
            course=make_course("LFOH-OFFICER"),
            source="online",
            idempotency_key="done",
            completed_at=timezone.now(),
        )
    pending.refresh_from_db()
    assert (pending.status, pending.decision_note) == (
        ExtensionRequest.Status.WITHDRAWN,
        "No longer needed: the training was completed.",
    )
    assert pending.decided_by is None
    assert mail.outbox == []  # no "refused" or "approved" email
    assert "Night shifts all month" not in queue(client, team["sergeant"].user)
    client.force_login(team["constable"].user)
    page = client.get("/my-training/").content.decode()
    assert "Night shifts all month" not in page and "waiting for" not in page


def test_an_exemption_closes_the_request(team, pending):  # noqa: F811
    exemption_grant(assignment=team["assignment"], reason="Seconded abroad", actor=team["admin"])
    pending.refresh_from_db()
    assert (pending.status, pending.decision_note) == (
        ExtensionRequest.Status.WITHDRAWN,
        "No longer needed: an exemption was granted.",
    )


def test_leaving_the_audience_closes_the_request(team, pending):  # noqa: F811
    requirement = team["assignment"].requirement
    requirement.include_worker_types = ["police_staff"]
    requirement.save()
    sync_all()
    pending.refresh_from_db()
    assert (pending.status, pending.decision_note) == (
        ExtensionRequest.Status.WITHDRAWN,
        "No longer needed: the training no longer applies.",
    )


def test_an_open_assignment_keeps_its_request(team, pending):  # noqa: F811
    sync_all()
    pending.refresh_from_db()
    assert pending.status == ExtensionRequest.Status.PENDING
