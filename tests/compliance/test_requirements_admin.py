import datetime

import pytest
from django.urls import reverse

from compliance.access import Role
from compliance.audit.models import AuditEvent
from compliance.models import Assignment, Requirement
from tests.compliance.factories import make_course, make_requirement
from tests.factories import UserFactory, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(roles=[Role.COMPLIANCE_ADMIN]))
    return client


def _form(course, **overrides):
    data = {
        "name": "Moral Courage stage 1",
        "description": "",
        "courses": [course.pk],
        "include_leadership_levels": ["first_line"],
        "trigger": "fixed_date",
        "trigger_days": "60",
        "fixed_due_date": "2026-11-30",
        "recurrence": "none",
        "window_opens_days": "30",
        "minimum_active_days": "180",
        "active_from": "2026-01-01",
    }
    data.update(overrides)
    return data


def test_only_compliance_administrators_reach_the_requirements(client):
    url = reverse("compliance_requirement:index")
    client.force_login(UserFactory(roles=[Role.LD_EDITOR]))
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    client.force_login(UserFactory(roles=[Role.COMPLIANCE_ADMIN]))
    assert client.get(url).status_code == 200


def test_preview_then_save_a_requirement_in_the_admin(admin_client):
    course = make_course("MC-STAGE-1")
    sergeant = make_person(first_name="Sam", last_name="Ayres", rank_or_grade="Sergeant", leadership_level="first_line")
    make_person(first_name="Con", last_name="Stable")
    url = reverse("compliance_requirement:add")
    response = admin_client.post(url, {**_form(course), "preview": "1"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Preview: nothing has been saved" in body
    assert "Sam Ayres" in body and "Con Stable" not in body
    assert not Requirement.objects.exists()

    response = admin_client.post(url, _form(course))
    assert response.status_code == 302, response.content.decode()[:2000]
    requirement = Requirement.objects.get()
    assert list(requirement.courses.all()) == [course]
    assert AuditEvent.objects.filter(action="requirement_created").exists()
    edit = admin_client.get(reverse("compliance_requirement:edit", args=[requirement.pk]))
    assert edit.status_code == 200
    assert sergeant


def test_editing_through_the_admin_resyncs_on_commit(admin_client, django_capture_on_commit_callbacks):
    course = make_course("MC-STAGE-1")
    person = make_person(leadership_level="first_line")
    requirement = make_requirement(
        courses=[course],
        include_leadership_levels=["first_line"],
        trigger="fixed_date",
        fixed_due_date=datetime.date(2026, 11, 30),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("compliance_requirement:edit", args=[requirement.pk]), _form(course, fixed_due_date="2026-12-15")
        )
    assert response.status_code == 302
    assignment = Assignment.objects.get(person=person)
    assert assignment.due_date == datetime.date(2026, 12, 15)


def test_invalid_requirement_is_explained(admin_client):
    course = make_course("MC-STAGE-1")
    response = admin_client.post(reverse("compliance_requirement:add"), _form(course, fixed_due_date=""))
    assert response.status_code == 200
    assert "fixed-date requirement needs its due date" in response.content.decode()


def test_people_units_assignments_and_audit_listings(admin_client):
    person = make_person(first_name="Priya", last_name="Khan", staff_number="123456")
    make_requirement(trigger="joining")
    from compliance.services.sync import sync_all

    sync_all()
    body = admin_client.get(reverse("compliance_person:index"), {"q": "123456"}).content.decode()
    assert "Khan" in body
    assert admin_client.get(reverse("compliance_unit:index")).status_code == 200
    assert admin_client.get(reverse("compliance_audit:index")).status_code == 200
    assignment = Assignment.objects.get(person=person)
    assert "Khan" in admin_client.get(reverse("compliance_assignment:index"), {"q": "Khan"}).content.decode()
    inspect = admin_client.get(reverse("compliance_assignment:inspect", args=[assignment.pk])).content.decode()
    assert "Grant an exemption" in inspect and "Created" in inspect
    # People cannot be edited here: HR data comes from the HR import.
    denied = admin_client.get(reverse("compliance_person:edit", args=[person.pk]))
    assert denied.status_code == 302 and denied["Location"] == "/admin/"


def test_exemption_and_manual_completion_in_the_admin(admin_client):
    person = make_person(staff_number="765432")
    course = make_course("LFOH-OFFICER")
    make_requirement(courses=[course], trigger="joining")
    from compliance.services.sync import sync_all

    sync_all()
    assignment = Assignment.objects.get(person=person)
    url = reverse("compliance_assignment_exempt", args=[assignment.pk])
    assert admin_client.post(url, {"reason": ""}).status_code == 200
    assert admin_client.post(url, {"reason": "Career break"}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.exemption_id
    response = admin_client.post(
        reverse("compliance_completion_new"),
        {
            "staff_number": "765432",
            "course": course.pk,
            "completed_on": "2026-01-10",
            "reason": "Paper register",
            "evidence": "Register signed 10/01/2026",
        },
    )
    assert response.status_code == 302
    assert person.user.completions.count() == 1


def test_the_model_refuses_absurd_numbers_and_dates_like_the_api(db):
    from django.core.exceptions import ValidationError

    requirement = make_requirement(trigger="joining")
    requirement.trigger_days = 2_147_483_647
    requirement.active_to = datetime.date(9999, 12, 31)
    with pytest.raises(ValidationError) as refused:
        requirement.full_clean()
    assert {"trigger_days", "active_to"} <= set(refused.value.message_dict)
