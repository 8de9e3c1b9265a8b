"""A second requirement on the same course is flagged in the preview, in the admin and the
API, with how many people would carry both: "annual integrity check for everyone" saved beside
the existing one no longer passes silently."""

import pytest
from rest_framework.test import APIClient

from compliance.access import Role
from compliance.models import Requirement
from compliance.services.sync import requirement_preview, sync_all
from tests.compliance.factories import make_course, make_requirement
from tests.factories import UserFactory, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def existing():
    for n in range(3):
        make_person(username=f"pc{n}", rank_or_grade="Constable")
    make_person(username="sgt", rank_or_grade="Sergeant", leadership_level="first_line")
    make_requirement(name="Integrity health check", courses=["IHC"], trigger="requirement_start", trigger_days=90)
    make_requirement(name="Something else", courses=["OTHER"], trigger="requirement_start", trigger_days=90)
    sync_all()


def test_the_preview_names_the_requirement_on_the_same_course_and_counts_who_carries_both(existing):
    draft = Requirement(name="Annual integrity check", trigger="requirement_start", trigger_days=30)
    draft.active_from = Requirement.objects.get(name="Integrity health check").active_from
    draft.include_leadership_levels = ["first_line"]
    preview = requirement_preview(requirement=draft, course_ids=[make_course("IHC").pk])
    assert preview["in_audience"] == 1
    (overlap,) = preview["overlaps"]
    assert (overlap["name"], overlap["people"]) == ("Integrity health check", 1)
    # A requirement on another course overlaps nothing; nor does a requirement with itself.
    assert requirement_preview(requirement=draft, course_ids=[make_course("FRESH").pk])["overlaps"] == []
    saved = Requirement.objects.get(name="Integrity health check")
    assert requirement_preview(requirement=saved, course_ids=[make_course("IHC").pk])["overlaps"] == []


def test_the_admin_and_the_api_show_it(client, existing):
    admin = UserFactory(roles=[Role.COMPLIANCE_ADMIN])
    client.force_login(admin)
    course = make_course("IHC")
    response = client.post(
        "/admin/compliance_requirement/new/",
        {
            "name": "Annual integrity check",
            "description": "",
            "courses": [course.pk],
            "trigger": "requirement_start",
            "trigger_days": "30",
            "recurrence": "none",
            "window_opens_days": "30",
            "minimum_active_days": "180",
            "active_from": "2020-01-01",
            "preview": "1",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Check for a duplicate" in body and "Integrity health check" in body
    assert "<strong>4</strong> of these people already carry it" in body
    assert not Requirement.objects.filter(name="Annual integrity check").exists()
    api = APIClient()
    api.force_authenticate(admin)
    answer = api.post(
        "/api/v1/compliance/requirements/preview/",
        {"name": "Annual", "course_codes": ["IHC"], "trigger": "requirement_start", "active_from": "2020-01-01"},
        format="json",
    )
    assert answer.status_code == 200
    assert [(o["name"], o["people"]) for o in answer.json()["overlaps"]] == [("Integrity health check", 4)]
