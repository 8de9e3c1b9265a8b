import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from compliance.access import Role
from compliance.audit.models import AuditEvent
from compliance.models import Assignment, ExtensionRequest
from compliance.selectors.assignments import Status, assignment_status, assignments_with_status
from compliance.services.assignments import (
    exemption_grant,
    exemption_revoke,
    extension_grant,
    extension_request_create,
    extension_request_decide,
)
from compliance.services.completions import completion_enter_manually, completion_void_audited
from compliance.services.sync import sync_all
from tests.compliance.factories import make_course, make_requirement
from tests.factories import UserFactory, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    today = timezone.localdate()
    inspector = make_person(username="insp", rank_or_grade="Inspector")
    sergeant = make_person(username="sgt", manager=inspector, rank_or_grade="Sergeant")
    constable = make_person(username="pc", manager=sergeant, start_date=today - datetime.timedelta(days=10))
    other = make_person(username="other")
    make_requirement(name="LFOH", courses=["LFOH-OFFICER"], trigger="joining", trigger_days=60)
    sync_all()
    assignment = Assignment.objects.get(person=constable)
    admin = UserFactory(roles=[Role.COMPLIANCE_ADMIN])
    return {
        "inspector": inspector,
        "sergeant": sergeant,
        "constable": constable,
        "other": other,
        "assignment": assignment,
        "admin": admin,
    }


def test_exemption_needs_an_administrator_and_a_reason_and_is_recorded(team):
    assignment = team["assignment"]
    with pytest.raises(PermissionDenied):
        exemption_grant(assignment=assignment, reason="x", actor=team["sergeant"].user)
    with pytest.raises(ValidationError):
        exemption_grant(assignment=assignment, reason="  ", actor=team["admin"])
    exemption = exemption_grant(assignment=assignment, reason="Long-term sick leave", actor=team["admin"])
    assignment.refresh_from_db()
    assert assignment_status(assignment=assignment) == Status.EXEMPT
    assert assignments_with_status(Assignment.objects.filter(pk=assignment.pk)).get().status == Status.EXEMPT
    assert assignment.events.last().kind == "exempted"
    assert AuditEvent.objects.filter(action="exemption_granted").count() == 1
    exemption_revoke(exemption=exemption, actor=team["admin"], reason="Back at work")
    assignment.refresh_from_db()
    assert assignment_status(assignment=assignment) != Status.EXEMPT


def test_extension_moves_the_effective_due_date(team):
    assignment = team["assignment"]
    new_date = assignment.due_date + datetime.timedelta(days=30)
    with pytest.raises(ValidationError):
        extension_grant(assignment=assignment, new_due_date=assignment.due_date, reason="r", actor=team["admin"])
    extension_grant(assignment=assignment, new_due_date=new_date, reason="Operational commitments", actor=team["admin"])
    assignment.refresh_from_db()
    assert assignment.effective_due_date == new_date
    assert assignment_status(assignment=assignment) == Status.EXTENDED
    assert assignments_with_status(Assignment.objects.filter(pk=assignment.pk)).get().status == Status.EXTENDED


def test_learner_asks_and_only_a_manager_up_the_chain_decides(team):
    assignment = team["assignment"]
    wanted = assignment.due_date + datetime.timedelta(days=14)
    with pytest.raises(PermissionDenied):
        extension_request_create(assignment=assignment, user=team["other"].user, requested_due_date=wanted, reason="x")
    request = extension_request_create(
        assignment=assignment, user=team["constable"].user, requested_due_date=wanted, reason="On a course abroad"
    )
    with pytest.raises(ValidationError):
        extension_request_create(
            assignment=assignment, user=team["constable"].user, requested_due_date=wanted, reason="again"
        )
    for outsider in (team["other"].user, team["constable"].user):
        with pytest.raises(PermissionDenied):
            extension_request_decide(request=request, actor=outsider, approve=True)
    with pytest.raises(ValidationError):
        extension_request_decide(request=request, actor=team["sergeant"].user, approve=False, note="")
    extension_request_decide(request=request, actor=team["inspector"].user, approve=True)
    request.refresh_from_db()
    assignment.refresh_from_db()
    assert request.status == ExtensionRequest.Status.APPROVED
    assert assignment.extended_due_date == wanted
    assert request.extension.approved_by == team["inspector"].user


def test_extension_request_pages(client, team):
    assignment = team["assignment"]
    client.force_login(team["constable"].user)
    url = f"/my-training/{assignment.pk}/more-time/"
    response = client.post(url, {"requested_due_date": "", "reason": ""})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    wanted = assignment.due_date + datetime.timedelta(days=7)
    response = client.post(url, {"requested_due_date": wanted.isoformat(), "reason": "Night shifts"})
    assert response.status_code == 302
    request = ExtensionRequest.objects.get()
    # Someone else's assignment is not found.
    client.force_login(team["other"].user)
    assert client.get(url).status_code == 404
    assert "Night shifts" not in client.get("/compliance/extension-requests/").content.decode()
    assert (
        client.post(f"/compliance/extension-requests/{request.pk}/decide/", {"decision": "approve"}).status_code == 404
    )
    client.force_login(team["sergeant"].user)
    assert "Night shifts" in client.get("/compliance/extension-requests/").content.decode()
    response = client.post(
        f"/compliance/extension-requests/{request.pk}/decide/", {"decision": "refuse", "note": "Not now"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == ExtensionRequest.Status.REFUSED


def test_manual_completion_and_voiding_are_audited(team):
    course = make_course("LFOH-OFFICER")
    with pytest.raises(ValidationError):
        completion_enter_manually(
            person=team["constable"],
            course=course,
            completed_on=timezone.localdate(),
            reason="r",
            evidence="",
            actor=team["admin"],
        )
    completion, created = completion_enter_manually(
        person=team["constable"],
        course=course,
        completed_on=timezone.localdate(),
        reason="Attended the classroom version",
        evidence="Signed register, 3 March",
        actor=team["admin"],
    )
    again, created_again = completion_enter_manually(
        person=team["constable"],
        course=course,
        completed_on=timezone.localdate(),
        reason="r",
        evidence="e",
        actor=team["admin"],
    )
    assert created and not created_again and again.pk == completion.pk
    completion_void_audited(completion=completion, actor=team["admin"], reason="Entered for the wrong person")
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {"completion_entered", "completion_voided"}


def test_a_refusal_note_with_line_breaks_still_reaches_the_learner(
    team, mailoutbox, django_capture_on_commit_callbacks
):
    assignment = team["assignment"]
    request = extension_request_create(
        assignment=assignment,
        user=team["constable"].user,
        requested_due_date=assignment.due_date + datetime.timedelta(days=14),
        reason="Leave",
    )
    with django_capture_on_commit_callbacks(execute=True):
        extension_request_decide(
            request=request, actor=team["sergeant"].user, approve=False, note="Not now.\r\nBcc: evil@attacker.example"
        )
    (message,) = mailoutbox
    # The note is in the subject on one line, so it adds no header; the body keeps its lines.
    assert message.subject == "More time refused for LFOH: Not now. Bcc: evil@attacker.example"
    assert message.bcc == [] and "Bcc" not in message.message()
    assert "Not now.\r\nBcc: evil@attacker.example" in message.body


def test_a_subject_is_one_line_of_at_most_200_characters():
    from courses.mail import subject_line

    assert subject_line("Learning from\r\nour\tHistory\n") == "Learning from our History"
    long = subject_line("x " * 300)
    assert len(long) == 200 and long.endswith("…")
