import pytest
from wagtail.models import WorkflowState

from courses.editorial import editorial_setup
from courses.models import CatalogueIndexPage, ModulePage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    editorial_setup(catalogue=CatalogueIndexPage.objects.get())
    editor = UserFactory(username="editor", roles=["L&D editor"])
    lead = UserFactory(username="lead", roles=["L&D editor", "L&D lead"])
    return editor, lead


def test_editor_submits_and_lead_approves_a_module_change(people, modules):
    editor, lead = people
    module = modules[0]
    assert module.permissions_for_user(editor).can_edit()
    assert not module.permissions_for_user(editor).can_publish()
    assert module.permissions_for_user(lead).can_publish()
    module.title = "Module 1 (revised)"
    revision = module.save_revision(user=editor)
    workflow = module.get_workflow()
    state = workflow.start(module, editor)
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert ModulePage.objects.get(pk=module.pk).title == "Module 1"  # not live until approved
    task_state = state.current_task_state
    task = task_state.task.specific
    assert not task.user_can_access_editor(module, editor) or not task.get_actions(module, editor)
    assert task.get_actions(module, lead)
    task.on_action(task_state, lead, "approve")
    live = ModulePage.objects.get(pk=module.pk)
    assert live.title == "Module 1 (revised)" and live.live_revision_id == revision.pk


def test_editor_can_open_the_admin_edit_page_with_the_accessibility_checker(client, people, modules):
    editor, _ = people
    client.force_login(editor)
    response = client.get(f"/admin/pages/{modules[0].pk}/edit/")
    assert response.status_code == 200
    assert "Submit to L&amp;D approval" in response.content.decode() or "L&amp;D approval" in response.content.decode()
    page = client.get(modules[0].url)
    assert "wagtail-userbar" in page.content.decode() and "Issues found" in page.content.decode()


def test_learners_do_not_see_the_userbar(client, modules):
    client.force_login(UserFactory())
    assert "wagtail-userbar" not in client.get(modules[0].url).content.decode()


def test_sessions_are_managed_in_the_admin_by_ld(client, people, course):
    editor, _ = people
    client.force_login(editor)
    listing = client.get("/admin/face_to_face_sessions/")
    assert listing.status_code == 200
    learner = UserFactory()
    client.force_login(learner)
    denied = client.get("/admin/face_to_face_sessions/")
    assert denied.status_code == 302
    assert denied["Location"] == "/admin/login/?next=/admin/face_to_face_sessions/"


def test_ld_sees_completion_and_response_rates(client, people, course, modules, django_assert_max_num_queries):
    from tests.courses.conftest import correct_answers, post_answers

    learner = UserFactory()
    client.force_login(learner)
    post_answers(client, modules[0], correct_answers(modules[0]))
    client.post(f"/learning/modules/{modules[1].pk}/complete/")
    client.post(
        f"/learning/courses/{course.pk}/evaluation/",
        {"overall": 4, "relevance": 4, "confidence_before": 2, "confidence_after": 4},
    )
    assert client.get("/admin/reports/course-rates/").status_code == 302
    editor, _ = people
    client.force_login(editor)
    with django_assert_max_num_queries(25):
        response = client.get("/admin/reports/course-rates/")
    html = response.content.decode()
    assert response.status_code == 200 and course.course_code in html
    assert "100%" in html and "2.0 / 4.0" in html
    # The same numbers as CSV, for L&D's own analysis.
    import csv
    import io

    exported = client.get("/admin/reports/course-rates/?format=csv")
    assert exported["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig"))))
    mine = next(r for r in rows if r["Course code"] == course.course_code)
    assert mine["Completion rate %"] == "100" and mine["Confidence after (1 to 5)"] == "4.0"
