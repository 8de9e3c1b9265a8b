"""Learners ask to be exempted from an obligation, with a reason and the evidence they
describe; their line manager or a compliance administrator decides, as the requirement says.
The same machinery as requests for more time: one request model with a kind, the ledger, the
audit trail, the manager's next daily message, the decision told to the learner, and the
request closing itself when no decision is needed."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from compliance.access import Role, extension_requests_to_decide
from compliance.audit.models import AuditEvent
from compliance.models import Exemption, ExemptionDecider, ExtensionRequest, RequestKind
from compliance.reminders.models import Reminder, ReminderKind, ReminderPolicy, ReminderStatus
from compliance.reminders.planning import reminders_plan
from compliance.selectors.assignments import Status, assignment_status
from compliance.services.assignments import (
    exemption_request_create,
    extension_request_create,
    extension_request_decide,
)
from courses.services.completions import completion_record
from tests.compliance.factories import make_course
from tests.factories import UserFactory

from .test_assignments import team  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 17)  # the suite's pinned clock: a Wednesday


def by_manager(team):  # noqa: F811
    requirement = team["assignment"].requirement
    requirement.exemption_decided_by = ExemptionDecider.LINE_MANAGER
    requirement.save(update_fields=["exemption_decided_by"])


def ask(team, **kwargs):  # noqa: F811
    kwargs.setdefault("reason", "I completed the equivalent course at my last force")
    kwargs.setdefault("evidence", "Certificate LFOH-2025-118 from Westshire, 3 March 2025")
    return exemption_request_create(assignment=team["assignment"], user=team["constable"].user, **kwargs)


def test_the_default_is_a_compliance_administrator_decides_and_the_manager_never_sees_it(
    team,  # noqa: F811
    client,
    django_capture_on_commit_callbacks,
):
    assert team["assignment"].requirement.exemption_decided_by == ExemptionDecider.COMPLIANCE_ADMIN
    ReminderPolicy.objects.create(digest_enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        request = ask(team, until=TODAY + datetime.timedelta(days=200))
    assert (request.kind, request.status) == (RequestKind.EXEMPTION, ExtensionRequest.Status.PENDING)
    assert [e.kind for e in team["assignment"].events.all()][-1] == "exemption_requested"
    assert AuditEvent.objects.filter(action="exemption_requested", object_id=str(request.pk)).count() == 1
    # Nobody's daily message carries it: the line manager does not decide it.
    assert not Reminder.objects.filter(kind=ReminderKind.EXTENSION_REQUEST).exists()
    # The sergeant (line manager) and the inspector above neither see nor may decide it.
    for manager in (team["sergeant"], team["inspector"]):
        assert list(extension_requests_to_decide(user=manager.user)) == []
        client.force_login(manager.user)
        page = client.get("/compliance/extension-requests/").content.decode()
        assert "equivalent course" not in page
        with pytest.raises(PermissionDenied, match="Only a compliance administrator may decide this request."):
            extension_request_decide(request=request, actor=manager.user, approve=True)
    # The administrator does, from the requests page.
    client.force_login(team["admin"])
    page = client.get("/compliance/extension-requests/").content.decode()
    assert "Requests to be exempted waiting for your decision" in page
    assert "Certificate LFOH-2025-118" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/compliance/extension-requests/{request.pk}/decide/", {"decision": "approve", "note": "Seen the cert"}
        )
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.decided_by) == (ExtensionRequest.Status.APPROVED, team["admin"])
    exemption = Exemption.objects.get(request=request)
    assert exemption.until == TODAY + datetime.timedelta(days=200)
    assert exemption.approved_by == team["admin"]
    assignment = team["assignment"]
    assignment.refresh_from_db()
    assert assignment.exemption == exemption
    assert assignment_status(assignment=assignment, today=TODAY) == Status.EXEMPT
    assert [e.kind for e in assignment.events.all()][-2:] == ["exemption_requested", "exempted"]
    assert AuditEvent.objects.filter(action="exemption_request_approved").count() == 1
    assert AuditEvent.objects.filter(action="exemption_granted").count() == 1
    (email,) = [m for m in mail.outbox if m.to == [team["constable"].email]]
    assert email.subject == (
        f"Exemption approved: you are exempt from LFOH until {(TODAY + datetime.timedelta(days=200)):%-d %B %Y}"
    )


def test_when_the_requirement_says_so_the_line_manager_hears_of_it_and_decides(
    team,  # noqa: F811
    client,
    django_capture_on_commit_callbacks,
):
    by_manager(team)
    ReminderPolicy.objects.create(digest_enabled=False)
    request = ask(team)
    (row,) = Reminder.objects.filter(kind=ReminderKind.EXTENSION_REQUEST)
    assert (row.recipient_person, row.planned_on, row.reason) == (
        team["sergeant"],
        TODAY + datetime.timedelta(days=1),
        "A request for an exemption from someone they line manage.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        reminders_plan(today=TODAY + datetime.timedelta(days=1))
    (message,) = [m for m in mail.outbox if m.to == [team["sergeant"].email]]
    constable = team["constable"]
    # Their day's one message (their own new training is in it too) has a section for it.
    assert "REQUESTS TO DECIDE (1)" in message.body
    assert f"{constable.full_name} ({constable.staff_number}) asks to be exempted from LFOH" in message.body
    assert "Evidence they describe: Certificate LFOH-2025-118" in message.body
    assert "/compliance/extension-requests/" in message.body
    row.refresh_from_db()
    assert row.status == ReminderStatus.SENT
    # The sergeant sees it on the requests page and refuses it, with a note.
    client.force_login(team["sergeant"].user)
    page = client.get("/compliance/extension-requests/").content.decode()
    assert "I completed the equivalent course" in page
    with pytest.raises(ValidationError, match="Say why the request is refused."):
        extension_request_decide(request=request, actor=team["sergeant"].user, approve=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/compliance/extension-requests/{request.pk}/decide/",
            {"decision": "refuse", "note": "That course does not cover our local history"},
        )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == ExtensionRequest.Status.REFUSED
    assignment = team["assignment"]
    assert assignment.events.last().kind == "exemption_refused"
    assert assignment_status(assignment=assignment, today=TODAY) != Status.EXEMPT
    (email,) = mail.outbox
    assert email.subject == "Exemption refused for LFOH: That course does not cover our local history"
    assert f"It is still due by {assignment.due_date:%-d %B %Y}." in email.body


def test_bad_requests_are_refused_with_a_clear_reason_and_nothing_written(team):  # noqa: F811
    with pytest.raises(ValidationError) as error:
        ask(team, reason="   ")
    assert error.value.message_dict == {"reason": ["Say why you should be exempted."]}
    with pytest.raises(ValidationError) as error:
        ask(team, until=TODAY - datetime.timedelta(days=1))
    assert error.value.message_dict == {
        "exempt_until": ["The date, 16 June 2026, has already passed: choose today or later, or none."]
    }
    with pytest.raises(ValidationError) as error:
        ask(team, evidence="x" * 2001)
    assert error.value.message_dict == {"evidence": ["Keep the evidence to 2,000 characters or fewer (it has 2,001)."]}
    with pytest.raises(PermissionDenied):
        exemption_request_create(assignment=team["assignment"], user=team["other"].user, reason="Not mine")
    assert not ExtensionRequest.objects.exists()
    ask(team)
    with pytest.raises(ValidationError, match="already asked to be exempted"):
        ask(team)
    # A request for more time is another kind: both may wait at once.
    extension_request_create(
        assignment=team["assignment"],
        user=team["constable"].user,
        requested_due_date=team["assignment"].due_date + datetime.timedelta(days=10),
        reason="Courses full",
    )
    assert ExtensionRequest.objects.filter(status="pending").count() == 2


def test_the_learner_cannot_decide_their_own_and_a_decided_one_stays_decided(team):  # noqa: F811
    by_manager(team)
    request = ask(team)
    with pytest.raises(PermissionDenied):
        extension_request_decide(request=request, actor=team["constable"].user, approve=True)
    extension_request_decide(request=request, actor=team["inspector"].user, approve=True)
    with pytest.raises(ValidationError, match="already been approved"):
        extension_request_decide(request=request, actor=team["admin"], approve=False, note="No")


def test_completing_the_training_closes_both_kinds_of_request_quietly(
    team,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    by_manager(team)
    exemption = ask(team)
    more_time = extension_request_create(
        assignment=team["assignment"],
        user=team["constable"].user,
        requested_due_date=team["assignment"].due_date + datetime.timedelta(days=10),
        reason="Courses full",
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        completion_record(
            user=team["constable"].user,
            course=make_course("LFOH-OFFICER"),
            source="online",
            idempotency_key="done",
            completed_at=timezone.now(),
        )
    for request in (exemption, more_time):
        request.refresh_from_db()
        assert (request.status, request.decision_note) == (
            ExtensionRequest.Status.WITHDRAWN,
            "No longer needed: the training was completed.",
        )
    assert mail.outbox == []
    assert list(extension_requests_to_decide(user=team["sergeant"].user)) == []


def test_approving_an_exemption_closes_a_pending_request_for_more_time(team):  # noqa: F811
    by_manager(team)
    exemption = ask(team)
    more_time = extension_request_create(
        assignment=team["assignment"],
        user=team["constable"].user,
        requested_due_date=team["assignment"].due_date + datetime.timedelta(days=10),
        reason="Courses full",
    )
    extension_request_decide(request=exemption, actor=team["sergeant"].user, approve=True)
    more_time.refresh_from_db()
    assert (more_time.status, more_time.decision_note) == (
        ExtensionRequest.Status.WITHDRAWN,
        "No longer needed: an exemption was granted.",
    )


def test_the_learner_asks_on_the_site_and_sees_where_it_stands(team, client):  # noqa: F811
    assignment = team["assignment"]
    client.force_login(team["constable"].user)
    url = f"/my-training/{assignment.pk}/exemption/"
    page = client.get(url)
    assert page.status_code == 200
    assert "A compliance administrator will read your request" in page.content.decode()
    # Errors come back on the page, named, with nothing written.
    response = client.post(url, {"reason": "", "exempt_until": "31/02/2026"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "There is a problem" in text
    assert "Say why you should be exempted" in text and "Enter a real date, or leave it empty" in text
    response = client.post(url, {"reason": "On a career break from July", "exempt_until": "2026-06-01"})
    assert response.status_code == 200
    assert "has already passed" in response.content.decode()
    assert not ExtensionRequest.objects.exists()
    response = client.post(url, {"reason": "Completed it at my last force", "evidence": "Certificate 118"})
    assert (response.status_code, response["Location"]) == (302, "/my-training/")
    page = client.get("/my-training/").content.decode()
    assert "Exemption requested on 17 June 2026 — waiting for a compliance administrator." in page
    assert "See your request to be exempted" in page
    # Someone else's assignment, or one that is not open: not found.
    client.force_login(team["other"].user)
    assert client.get(url).status_code == 404


def test_the_api_asks_lists_and_decides_and_the_more_time_endpoint_is_unchanged(team):  # noqa: F811
    api = APIClient()
    api.force_authenticate(team["constable"].user)
    assignment = team["assignment"]
    response = api.post(
        "/api/v1/compliance/exemption-requests/",
        {"assignment": assignment.pk, "reason": "", "exempt_until": "2026-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["details"]) == {"reason"}
    response = api.post(
        "/api/v1/compliance/exemption-requests/",
        {"assignment": assignment.pk, "reason": "Seconded abroad", "exempt_until": "2026-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {
        "exempt_until": ["The date, 1 January 2026, has already passed: choose today or later, or none."]
    }
    response = api.post(
        "/api/v1/compliance/exemption-requests/",
        {"assignment": team["assignment"].pk + 999, "reason": "Seconded abroad"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"assignment": ["You have no assignment with this id."]}
    response = api.post(
        "/api/v1/compliance/exemption-requests/",
        {"assignment": assignment.pk, "reason": "Seconded abroad", "evidence": "Posting letter"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["evidence"], body["exempt_until"], body["decider"]) == (
        "pending",
        "Posting letter",
        None,
        "compliance_admin",
    )
    # The requests-for-more-time endpoint lists only requests for more time, as before.
    assert api.get("/api/v1/compliance/extension-requests/").json()["count"] == 0
    assert api.get("/api/v1/compliance/exemption-requests/").json()["count"] == 1
    # The line manager may not see nor decide it; the administrator decides.
    api.force_authenticate(team["sergeant"].user)
    assert api.get("/api/v1/compliance/exemption-requests/").json()["count"] == 0
    decision = f"/api/v1/compliance/exemption-requests/{body['id']}/decision/"
    assert api.post(decision, {"decision": "approve"}, format="json").status_code == 404
    api.force_authenticate(team["admin"])
    response = api.post(decision, {"decision": "approve"}, format="json")
    assert (response.status_code, response.json()["status"]) == (200, "approved")
    assert api.post(decision, {"decision": "approve"}, format="json").status_code == 400


def test_the_requests_page_reads_many_requests_in_a_constant_number_of_queries(
    team,  # noqa: F811
    client,
    django_assert_num_queries,
):
    from compliance.services.sync import sync_all
    from tests.factories import make_person

    by_manager(team)
    for n in range(12):
        person = make_person(username=f"pc{n}", manager=team["sergeant"], start_date=TODAY)
        sync_all()
        assignment = person.assignments.get()
        exemption_request_create(assignment=assignment, user=person.user, reason=f"Reason {n}")
    client.force_login(team["sergeant"].user)
    # Session, user, the user's rights (their own and their groups'), their person, the requests.
    with django_assert_num_queries(6):
        page = client.get("/compliance/extension-requests/")
    assert page.status_code == 200
    assert page.content.decode().count("Approve<span") == 12


def test_the_administrator_role_decides_without_an_hr_record(team):  # noqa: F811
    request = ask(team)
    admin_without_person = UserFactory(roles=[Role.COMPLIANCE_ADMIN])
    extension_request_decide(request=request, actor=admin_without_person, approve=False, note="Not equivalent")
    request.refresh_from_db()
    assert request.status == ExtensionRequest.Status.REFUSED
