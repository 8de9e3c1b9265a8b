import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from compliance.access import Role
from compliance.audit.models import AuditEvent
from compliance.models import Assignment
from compliance.services.assignments import exemption_grant, extension_grant
from compliance.services.requirements import requirement_save
from compliance.services.sync import sync_all
from tests.compliance.factories import make_course, make_requirement
from tests.factories import UserFactory, make_person

pytestmark = pytest.mark.django_db


def test_every_kind_of_change_is_in_the_audit_trail_and_searchable():
    admin = UserFactory(username="ca", roles=[Role.COMPLIANCE_ADMIN])
    person = make_person()
    requirement = make_requirement(courses=[make_course("C-1")], trigger="joining")
    requirement.trigger_days = 45
    requirement_save(requirement=requirement, course_ids=[make_course("C-1").pk], actor=admin, source="api")
    sync_all()
    assignment = Assignment.objects.get(person=person)
    extension_grant(
        assignment=assignment,
        new_due_date=max(assignment.due_date, datetime.date.today()) + datetime.timedelta(days=5),
        reason="Leave",
        actor=admin,
    )
    exemption_grant(assignment=assignment, reason="Sick leave", actor=admin)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"requirement_changed", "extension_granted", "exemption_granted"} <= actions
    change = AuditEvent.objects.get(action="requirement_changed")
    assert change.changes["trigger_days"] == [90, 45] and change.actor == admin

    client = APIClient()
    client.force_authenticate(admin)
    found = client.get("/api/v1/compliance/audit/", {"actor": "ca", "q": "Extended"}).json()
    assert found["count"] == 1 and found["results"][0]["action"] == "extension_granted"

    from django.test import Client

    web = Client()
    web.force_login(admin)
    page = web.get(reverse("compliance_audit:index"), {"action": "exemption"})
    assert page.status_code == 200 and "exemption_granted" in page.content.decode()
    web.force_login(UserFactory(roles=[Role.LD_EDITOR]))
    denied = web.get(reverse("compliance_audit:index"))
    assert denied.status_code == 302 and denied["Location"] == "/admin/"


def test_the_ledger_records_who_and_why_for_each_assignment():
    admin = UserFactory(roles=[Role.COMPLIANCE_ADMIN])
    person = make_person()
    make_requirement(trigger="joining")
    sync_all()
    assignment = Assignment.objects.get(person=person)
    exemption_grant(assignment=assignment, reason="Career break", actor=admin)
    created, exempted = assignment.events.all()
    assert (created.kind, created.actor, created.reason) == ("created", None, "Nightly sync.")
    assert (exempted.kind, exempted.actor, exempted.reason) == ("exempted", admin, "Career break")


def _team():
    sergeant = make_person(username="sgt-a", leadership_level="first_line")
    constable = make_person(username="pc-a", manager=sergeant)
    make_requirement(courses=[make_course("C-1")], trigger="joining", trigger_days=30)
    sync_all()
    return sergeant, constable, Assignment.objects.get(person=constable)


def test_site_request_and_decision_leave_ledger_and_audit_entries(client):
    sergeant, constable, assignment = _team()
    client.force_login(constable.user)
    wanted = max(assignment.due_date, datetime.date.today()) + datetime.timedelta(days=14)
    response = client.post(
        f"/my-training/{assignment.pk}/more-time/", {"requested_due_date": wanted.isoformat(), "reason": "Nights"}
    )
    assert response.status_code == 302
    requested = AuditEvent.objects.get(action="extension_requested")
    assert (requested.actor, requested.source, requested.changes["reason"]) == (constable.user, "site", "Nights")
    client.force_login(sergeant.user)
    request_pk = requested.object_id
    response = client.post(
        f"/compliance/extension-requests/{request_pk}/decide/", {"decision": "approve", "note": "Fine"}
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.extended_due_date == wanted
    extended = assignment.events.get(kind="extended")
    assert extended.actor == sergeant.user and "Nights" in extended.reason
    assert extended.data == {"old_due_date": assignment.due_date.isoformat(), "due_date": wanted.isoformat()}
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", "actor", "source"))
    assert actions == [
        ("extension_requested", constable.user.pk, "site"),
        ("extension_granted", sergeant.user.pk, "site"),
        ("extension_request_approved", sergeant.user.pk, "site"),
    ]


def test_admin_exemption_and_extension_leave_ledger_and_audit_entries(client):
    _, constable, assignment = _team()
    admin = UserFactory(username="ca-admin", roles=[Role.COMPLIANCE_ADMIN], is_staff=True)
    from django.contrib.auth.models import Permission

    admin.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(admin)
    later = max(assignment.due_date, datetime.date.today()) + datetime.timedelta(days=20)
    response = client.post(
        reverse("compliance_assignment_extend", args=[assignment.pk]),
        {"new_due_date": later.isoformat(), "reason": "Abstracted to an incident"},
    )
    assert response.status_code == 302, response.content[:500]
    response = client.post(
        reverse("compliance_assignment_exempt", args=[assignment.pk]),
        {"reason": "Long-term sick leave", "until": ""},
    )
    assert response.status_code == 302, response.content[:500]
    events = list(assignment.events.values_list("kind", "actor", "reason"))
    assert events[1:] == [
        ("extended", admin.pk, "Abstracted to an incident"),
        ("exempted", admin.pk, "Long-term sick leave"),
    ]
    audit = list(AuditEvent.objects.order_by("pk").values_list("action", "actor", "source"))
    assert audit == [("extension_granted", admin.pk, "admin"), ("exemption_granted", admin.pk, "admin")]
    # Someone without the role gets neither the form nor a ledger entry.
    client.force_login(constable.user)
    client.post(reverse("compliance_assignment_exempt", args=[assignment.pk]), {"reason": "Mine"})
    client.post(reverse("compliance_assignment_revoke_exemption", args=[assignment.pk]), {"reason": "Mine"})
    assert assignment.events.count() == 3 and AuditEvent.objects.count() == 2
    # The administrator sees the revoke button and revokes the exemption with a reason.
    client.force_login(admin)
    inspect = client.get(reverse("compliance_assignment:inspect", args=[assignment.pk])).content.decode()
    assert reverse("compliance_assignment_revoke_exemption", args=[assignment.pk]) in inspect
    refused = client.post(reverse("compliance_assignment_revoke_exemption", args=[assignment.pk]), {"reason": ""})
    assert refused.status_code == 200
    response = client.post(
        reverse("compliance_assignment_revoke_exemption", args=[assignment.pk]), {"reason": "Back at work"}
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.exemption_id is None
    assert assignment.events.order_by("pk").last().kind == "exemption_revoked"
    assert client.get(reverse("compliance_assignment_revoke_exemption", args=[assignment.pk])).status_code == 404
