import io
import time

import pytest

from cms.demo.catalogue import load_catalogue_demo
from courses.blocks import knowledge_check_questions
from courses.models import CoursePage, FaceToFaceSession, ModulePage, ProgrammePage

pytestmark = pytest.mark.django_db

CODES = {
    "MC-STAGE-1",
    "MC-STAGE-2-XXL",
    "MC-STAGE-3",
    "CHAMPIONING-FAIRNESS",
    "LFOH-STUDENT",
    "LFOH-STAFF",
    "LFOH-OFFICER",
    "INTEGRITY-HEALTH-CHECK",
    "ASSESSOR-INCLUSION",
    "EQUALITY-ASSESSMENT",
    "DILEMMA-OF-THE-MONTH",
}


def test_demo_catalogue_has_the_programmes_and_courses():
    started = time.monotonic()
    load_catalogue_demo(seed=1, stdout=io.StringIO())
    assert time.monotonic() - started < 20
    assert set(CoursePage.objects.values_list("course_code", flat=True)) == CODES
    assert set(ProgrammePage.objects.values_list("slug", flat=True)) == {"moral-courage", "learning-from-our-history"}
    stage1 = CoursePage.objects.get(course_code="MC-STAGE-1")
    assert stage1.delivery_mode == "blended"
    assert [m.title for m in ModulePage.objects.child_of(stage1).order_by("path")] == [
        "Creating the right team environment",
        "Behaving as a role model",
        "Leading inclusively and challenging behaviour",
    ]
    assert CoursePage.objects.get(course_code="MC-STAGE-2-XXL").delivery_mode == "face_to_face"
    assert CoursePage.objects.get(course_code="MC-STAGE-3").delivery_mode == "online"
    assert FaceToFaceSession.objects.filter(course=stage1).count() >= 2
    for course in CoursePage.objects.all():
        assert course.live and course.live_revision_id, course
    for module in ModulePage.objects.all():
        kinds = {child.block_type for screen in module.body for child in screen.value["content"]}
        assert len(module.body) >= 3, module
        assert "scenario" in kinds and "knowledge_check" in kinds, module
        assert len(knowledge_check_questions(module.body)) >= 2, module
        module.full_clean()


def test_demo_is_deterministic_and_loads_once():
    load_catalogue_demo(seed=1, stdout=io.StringIO())
    first = {m.slug: m.body.raw_data for m in ModulePage.objects.all()}
    out = io.StringIO()
    load_catalogue_demo(seed=1, stdout=out)
    assert "already loaded" in out.getvalue()
    assert CoursePage.objects.count() == len(CODES)
    from cms.demo.content.moral_courage import TEAM_ENVIRONMENT
    from courses.content import module_body_json

    def build():
        return module_body_json(course_code="MC-STAGE-1", module_slug="x", screens=TEAM_ENVIRONMENT["screens"])

    assert build() == build()
    assert first


def test_demo_sets_up_the_approval_workflow_and_permissions():
    from django.contrib.auth.models import Group
    from wagtail.models import GroupPagePermission

    load_catalogue_demo(seed=1, stdout=io.StringIO())
    course = CoursePage.objects.get(course_code="MC-STAGE-3")
    workflow = course.get_workflow()
    assert workflow is not None and workflow.name == "L&D approval"
    task = workflow.tasks.get().specific
    assert list(task.groups.values_list("name", flat=True)) == ["L&D lead"]
    editor = Group.objects.get(name="L&D editor")
    codes = set(GroupPagePermission.objects.filter(group=editor).values_list("permission__codename", flat=True))
    assert "change_page" in codes and "publish_page" not in codes
    lead = Group.objects.get(name="L&D lead")
    assert GroupPagePermission.objects.filter(group=lead, permission__codename="publish_page").exists()
