import datetime

import pytest
from rest_framework.test import APIClient

from compliance.access import Role
from compliance.models import Assignment, ExtensionRequest, Requirement
from compliance.services.sync import sync_all
from courses.models import Completion
from tests.compliance.factories import make_course, make_requirement
from tests.factories import UserFactory, make_person

pytestmark = pytest.mark.django_db
API = "/api/v1/compliance"


@pytest.fixture
def world():
    today = datetime.date.today()
    inspector = make_person(username="insp", rank_or_grade="Inspector", staff_number="1")
    sergeant = make_person(username="sgt", manager=inspector, staff_number="2", leadership_level="first_line")
    constable = make_person(
        username="pc", manager=sergeant, staff_number="3", start_date=today - datetime.timedelta(days=5)
    )
    stranger = make_person(username="x", staff_number="4")
    course = make_course("LFOH-OFFICER")
    make_requirement(name="LFOH", courses=[course], trigger="joining", trigger_days=60)
    sync_all()
    return {
        "inspector": inspector,
        "sergeant": sergeant,
        "constable": constable,
        "stranger": stranger,
        "admin": UserFactory(roles=[Role.COMPLIANCE_ADMIN]),
        "course": course,
    }


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_person_assignments_are_visible_to_self_managers_and_admins_only(world):
    url = f"{API}/people/3/assignments/"
    for who in ("constable", "sergeant", "inspector"):
        response = client_for(world[who].user).get(url)
        assert response.status_code == 200, who
        item = response.json()["results"][0]
        assert item["requirement"] == "LFOH" and item["status"] in ("not_started", "due_soon")
        # The learner reads "You joined…"; their managers read it about them, by first name.
        you = "You" if who == "constable" else world["constable"].first_name
        assert item["reason"].startswith(f"{you} joined on")
        assert item["courses"][0]["course_code"] == "LFOH-OFFICER"
    assert client_for(world["admin"]).get(url).status_code == 200
    assert client_for(world["stranger"].user).get(url).status_code == 404
    # A constable cannot see their manager's.
    assert client_for(world["constable"].user).get(f"{API}/people/2/assignments/").status_code == 404
    assert APIClient().get(url).status_code == 401


def test_requirements_and_preview_are_for_administrators(world):
    body = {
        "name": "Moral Courage 1",
        "course_codes": ["LFOH-OFFICER"],
        "include_leadership_levels": ["first_line"],
        "trigger": "fixed_date",
        "fixed_due_date": "2026-11-30",
        "active_from": "2026-01-01",
    }
    assert (
        client_for(world["sergeant"].user).post(f"{API}/requirements/preview/", body, format="json").status_code == 403
    )
    admin = client_for(world["admin"])
    preview = admin.post(f"{API}/requirements/preview/", body, format="json")
    assert preview.status_code == 200, preview.json()
    assert preview.json()["in_audience"] == 1 and preview.json()["sample"][0]["due_date"] == "2026-11-30"
    bad = admin.post(f"{API}/requirements/", {**body, "include_leadership_levels": ["boss"]}, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid"
    bad = admin.post(f"{API}/requirements/", {**body, "fixed_due_date": None}, format="json")
    assert bad.status_code == 400
    created = admin.post(f"{API}/requirements/", body, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    change = admin.post(f"{API}/requirements/{pk}/preview/", {**body, "include_leadership_levels": []}, format="json")
    assert change.status_code == 200 and change.json()["in_audience"] == 4
    assert change.json()["withdrawn_sample"] == []
    sync_all()  # what the save enqueued on commit
    narrowed = admin.post(
        f"{API}/requirements/{pk}/preview/", {**body, "include_leadership_levels": ["senior"]}, format="json"
    ).json()
    sergeant = world["sergeant"]
    assert narrowed["would_withdraw"] == 1 and narrowed["withdrawn_sample"] == [
        {"name": f"{sergeant.first_name} {sergeant.last_name}", "unit": sergeant.unit.name}
    ]
    updated = admin.put(f"{API}/requirements/{pk}/", {**body, "trigger_days": 30}, format="json")
    assert updated.status_code == 200 and updated.json()["trigger_days"] == 30
    assert Requirement.objects.count() == 2
    assert admin.get(f"{API}/requirements/").json()["count"] == 2


def test_exemption_extension_and_request_flow(world):
    assignment = Assignment.objects.get(person=world["constable"])
    admin = client_for(world["admin"])
    assert (
        client_for(world["sergeant"].user).post(f"{API}/assignments/{assignment.pk}/extensions/", {}).status_code == 403
    )
    new_date = (assignment.due_date + datetime.timedelta(days=10)).isoformat()
    response = admin.post(
        f"{API}/assignments/{assignment.pk}/extensions/", {"new_due_date": new_date, "reason": "Leave"}
    )
    assert response.status_code == 201
    later = (assignment.due_date + datetime.timedelta(days=40)).isoformat()
    pc = client_for(world["constable"].user)
    response = pc.post(
        f"{API}/extension-requests/", {"assignment": assignment.pk, "requested_due_date": later, "reason": "Nights"}
    )
    assert response.status_code == 201, response.json()
    request_id = response.json()["id"]
    assert pc.post(f"{API}/extension-requests/{request_id}/decision/", {"decision": "approve"}).status_code == 403
    assert (
        client_for(world["stranger"].user)
        .post(f"{API}/extension-requests/{request_id}/decision/", {"decision": "approve"})
        .status_code
        == 404
    )
    decided = client_for(world["inspector"].user).post(
        f"{API}/extension-requests/{request_id}/decision/", {"decision": "approve", "note": "Fine"}
    )
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    assert ExtensionRequest.objects.get().extension.new_due_date.isoformat() == later
    detail = pc.get(f"{API}/assignments/{assignment.pk}/").json()
    assert [e["kind"] for e in detail["events"]] == ["created", "extended", "extension_requested", "extended"]
    exempt = admin.post(f"{API}/assignments/{assignment.pk}/exemptions/", {"reason": "Career break"})
    assert exempt.status_code == 201


def test_completions_manual_import_void_and_audit(world):
    admin = client_for(world["admin"])
    body = {
        "staff_number": "3",
        "course_code": "LFOH-OFFICER",
        "completed_on": "2026-01-05",
        "reason": "Paper",
        "evidence": "Register",
    }
    assert client_for(world["constable"].user).post(f"{API}/completions/", body).status_code == 403
    response = admin.post(f"{API}/completions/", body)
    assert response.status_code == 201, response.json()
    assert admin.post(f"{API}/completions/", body).status_code == 200
    missing = admin.post(f"{API}/completions/", {**body, "staff_number": "nope"})
    assert missing.status_code == 400 and "staff_number" in missing.json()["error"]["message"]
    csv = "staff_number,course_code,completed_on,score,source\n2,LFOH-OFFICER,2025-05-01,90,\n"
    imported = admin.post(f"{API}/completions/import/", csv, content_type="text/csv")
    assert imported.status_code == 200, imported.json()
    assert imported.json()["created"] == 1
    bad = admin.post(
        f"{API}/completions/import/",
        "staff_number,course_code,completed_on\n2,NOPE,2025-05-01\n",
        content_type="text/csv",
    )
    assert bad.status_code == 400 and bad.json()["error"]["details"]["errors"][0]["column"] == "course_code"
    completion = Completion.objects.get(user=world["constable"].user)
    assert admin.post(f"{API}/completions/{completion.pk}/void/", {"reason": ""}).status_code == 400
    assert admin.post(f"{API}/completions/{completion.pk}/void/", {"reason": "Wrong person"}).status_code == 200
    audit = admin.get(f"{API}/audit/", {"action": "completion_voided"}).json()
    assert audit["count"] == 1
    assert client_for(world["constable"].user).get(f"{API}/audit/").status_code == 403
