"""Defects found by QA on the demo, each pinned by a test."""

import datetime
import re

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from courses.models import Certificate, Completion, Evaluation, FaceToFaceSession, Reflection
from courses.selectors.rates import course_rates_for_ld
from courses.services.completions import completion_record
from courses.services.errors import LearningError
from courses.services.learning import enrolment_start
from courses.services.sessions import booking_create
from tests.courses.conftest import correct_answers, make_course, post_answers
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def complete_online(client, user, modules):
    client.force_login(user)
    post_answers(client, modules[0], correct_answers(modules[0]))
    client.post(f"/learning/modules/{modules[1].pk}/complete/")
    return Completion.objects.get(user=user, voided_at__isnull=True)


def import_completion(user, course, key, days_ago=400):
    completion, _ = completion_record(
        user=user,
        course=course,
        source="import",
        idempotency_key=key,
        completed_at=timezone.now() - datetime.timedelta(days=days_ago),
        reason="Imported from the previous platform",
    )
    return completion


def future_session(course, days=7, **fields):
    start = timezone.now() + datetime.timedelta(days=days)
    return FaceToFaceSession.objects.create(
        course=course,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
        venue="Room 4",
        capacity=5,
        **fields,
    )


# 1. The L&D course rates report ------------------------------------------------------------


def test_course_rates_count_learners_with_imports_and_never_pass_100_percent(client, course, modules):
    site_learner = complete_online(client, UserFactory(), modules)
    enrolment_start(user=UserFactory(), course=course)  # started, not finished
    for n in range(3):  # historic imports: never enrolled here
        import_completion(UserFactory(), course, f"import-{n}")
    # A learner with an old imported completion who also finished here counts once.
    import_completion(site_learner.user, course, "import-site-learner")
    voided = import_completion(UserFactory(), course, "import-voided")
    Completion.objects.filter(pk=voided.pk).update(voided_at=timezone.now(), void_reason="Wrong person")

    (row,) = [r for r in course_rates_for_ld() if r["course"].pk == course.pk]
    assert row["reached"] == 5  # 1 site completion, 1 started, 3 imported
    assert row["completed"] == 4 and row["imported"] == 4
    assert row["completion_rate"] == 80
    for rates in course_rates_for_ld():
        for key in ("completion_rate", "evaluation_rate", "reflection_rate"):
            assert rates[key] is None or 0 <= rates[key] <= 100


def test_course_rates_evaluation_rate_is_out_of_courses_finished_here(client, course, modules):
    learner = UserFactory()
    complete_online(client, learner, modules)
    client.post(
        f"/learning/courses/{course.pk}/evaluation/",
        {"overall": 4, "relevance": 4, "confidence_before": 2, "confidence_after": 4},
    )
    for n in range(4):
        import_completion(UserFactory(), course, f"imp-{n}")
    (row,) = [r for r in course_rates_for_ld() if r["course"].pk == course.pk]
    assert row["evaluated"] == 1 and row["evaluation_rate"] == 100


def test_course_rates_table_scrolls_in_a_focusable_region(client, course):
    client.force_login(UserFactory(username="ld-admin", is_superuser=True, is_staff=True))
    html = client.get("/admin/reports/course-rates/").content.decode()
    region = re.search(r"<div[^>]*role=\"region\"[^>]*>", html)
    assert region, "the table is not wrapped in a scroll region"
    assert 'tabindex="0"' in region.group(0) and "aria-label=" in region.group(0)
    assert "overflow-x: auto" in region.group(0)


# 3. Who a course is for, next to the Book button ---------------------------------------------


def test_the_audience_is_shown_next_to_the_book_button(client):
    event = make_course(code="MC-STAGE-2-XXL", delivery_mode="face_to_face", modules=())
    event.audience_tags.add("Senior leaders")
    event.save_revision().publish()
    session = future_session(event)
    client.force_login(UserFactory())
    html = client.get(event.url).content.decode()
    assert f'id="session-{session.pk}-audience"' in html and "For senior leaders" in html
    assert f'aria-describedby="session-{session.pk}-audience"' in html


def refuse_everyone_but_seniors(*, user, course):
    return "" if user.username.startswith("supt") else "This event is for senior leaders."


@override_settings(INCLUSION_LMS={"BOOKING_AUDIENCE_CHECK": "tests.courses.test_qa_fixes.refuse_everyone_but_seniors"})
def test_an_audience_check_provided_by_another_app_is_enforced(client):
    event = make_course(code="MC-STAGE-2-XXL", delivery_mode="face_to_face", modules=())
    session = future_session(event)
    with pytest.raises(LearningError, match="for senior leaders"):
        booking_create(user=UserFactory(username="pc1"), session=session)
    assert booking_create(user=UserFactory(username="supt1"), session=session).status == "booked"
    client.force_login(UserFactory(username="pc2"))
    response = client.post(f"/learning/sessions/{session.pk}/book/", follow=True)
    assert "This event is for senior leaders." in response.content.decode()
    assert not session.bookings.filter(user__username="pc2").exists()


# 4. A long reflection is kept, with the error on the field ---------------------------------


def test_a_too_long_reflection_comes_back_in_the_textarea_with_a_linked_error(client, modules):
    from courses.blocks import module_reflection_prompts

    client.force_login(UserFactory())
    prompt = module_reflection_prompts(modules[0].body)[0]
    text = "I challenged it. " * 600  # over 10,000 characters
    response = client.post(
        f"/learning/modules/{modules[0].pk}/reflection/", {"prompt_id": prompt["id"], "text": text, "screen": "2"}
    )
    html = response.content.decode()
    assert response.status_code == 400 and not Reflection.objects.exists()
    field = f"reflection-{prompt['id']}"
    textarea = re.search(rf'<textarea id="{field}"[^>]*>([^<]*)</textarea>', html)
    assert textarea and textarea.group(1).strip() == text.strip()
    tag = textarea.group(0)
    assert 'maxlength="10000"' in tag and 'aria-invalid="true"' in tag
    assert f"{field}-error" in re.search(r'aria-describedby="([^"]*)"', tag).group(1)
    assert f'id="{field}-error"' in html and f'href="#{field}"' in html
    assert "<title>Error: " in html


def test_line_breaks_count_once_as_the_browser_counts_them(client, modules):
    from courses.blocks import module_reflection_prompts

    client.force_login(UserFactory())
    prompt = module_reflection_prompts(modules[0].body)[0]
    text = "a" * 9_990 + "\r\n" * 5 + "b" * 5  # 10,000 characters in the browser
    client.post(f"/learning/modules/{modules[0].pk}/reflection/", {"prompt_id": prompt["id"], "text": text})
    assert len(Reflection.objects.get().text) == 10_000


# 5. Error states: the summary is focused by a script, the title says "Error: " -------------


def test_a_failed_knowledge_check_says_error_in_the_title_and_loads_the_focus_script(client, modules):
    client.force_login(UserFactory())
    response = client.post(f"/learning/modules/{modules[0].pk}/check/", {})
    html = response.content.decode()
    assert response.status_code == 400
    assert re.search(r"<title>Error: ", html)
    assert 'class="error-summary"' in html and "courses/error-summary.js" in html


def test_the_evaluation_form_with_errors_says_error_in_the_title(client, course, modules):
    complete_online(client, UserFactory(), modules)
    html = client.post(f"/learning/courses/{course.pk}/evaluation/", {}).content.decode()
    assert "<title>Error: " in html and "courses/error-summary.js" in html
    assert "<title>Error: " not in client.get(f"/learning/courses/{course.pk}/evaluation/").content.decode()


def test_the_focus_script_is_served_from_our_static_files():
    from pathlib import Path

    from django.contrib.staticfiles import finders

    path = finders.find("courses/error-summary.js")
    assert path and ".error-summary" in Path(path).read_text()


# 6. Small ones ----------------------------------------------------------------------------


def test_catalogue_result_count_agrees_with_its_verb(client):
    make_course(code="ONLINE-1", title="Online one")
    make_course(code="BLENDED-1", title="Blended one", delivery_mode="blended")
    make_course(code="BLENDED-2", title="Blended two", delivery_mode="blended")
    assert "1 course matches your filters" in client.get("/training/?delivery_mode=online").content.decode()
    assert "2 courses match your filters" in client.get("/training/?delivery_mode=blended").content.decode()


def test_my_learning_says_an_imported_completion_has_no_certificate(client, course):
    user = UserFactory()
    import_completion(user, course, "import-mine")
    client.force_login(user)
    html = client.get("/my-learning/").content.decode()
    assert "No certificate (completion imported)" in html and ">None<" not in html


def test_the_evaluation_is_not_offered_again_once_given(client, course, modules):
    complete_online(client, UserFactory(), modules)
    url = f"/learning/courses/{course.pk}/evaluation/"
    answers = {"overall": 4, "relevance": 5, "confidence_before": 2, "confidence_after": 4}
    client.post(url, answers)
    html = client.get(url).content.decode()
    assert "Thank you, you have already given feedback" in html and "Send evaluation" not in html
    assert "already given feedback" in client.post(url, answers).content.decode()
    assert Evaluation.objects.count() == 1


def test_a_passed_knowledge_check_shows_the_passed_state_not_the_form(client, modules):
    module = modules[0]
    client.force_login(UserFactory())
    response = post_answers(client, module, correct_answers(module))
    html = client.get(response.url).content.decode()
    assert "You passed" in html and "Submit answers" not in html
    assert "Take the check again for practice" in html
    check_screen = re.search(r"screen=(\d+)", response.url).group(1)
    later = client.get(f"{module.url}?screen={check_screen}").content.decode()
    assert "You have passed this knowledge check" in later and "Submit answers" not in later
    retake = client.get(f"{module.url}?screen={check_screen}&retake=1").content.decode()
    assert "Submit answers" in retake


def test_a_certificate_code_is_found_without_hyphens_or_in_lower_case(client, course, modules):
    complete_online(client, UserFactory(), modules)
    code = Certificate.objects.get().code
    for typed in (code.lower(), code.replace("-", ""), code.replace("-", "").lower(), code.replace("-", " ")):
        response = Client().get("/certificates/verify/", {"code": f" {typed} "})
        assert response.status_code == 200 and "This certificate is genuine" in response.content.decode(), typed


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="admin", is_superuser=True, is_staff=True))
    return client


def session_form(course, **overrides):
    start = timezone.localtime() + datetime.timedelta(days=3)
    data = {
        "course": course.pk,
        "starts_at": start.strftime("%Y-%m-%d %H:%M"),
        "ends_at": (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M"),
        "venue": "",
        "online_link": "",
        "capacity": "10",
        "facilitator": "",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_session_admin_gives_field_errors_not_raw_constraint_messages(admin_client):
    course = make_course(code="MC-STAGE-1", delivery_mode="blended", modules=())
    response = admin_client.post("/admin/face_to_face_sessions/new/", session_form(course))
    html = response.content.decode()
    assert not FaceToFaceSession.objects.exists()
    assert "session_has_place" not in html and "is violated" not in html
    assert "Give a venue or an online link" in html
    assert response.context["form"].errors.get("venue")


def test_session_admin_refuses_a_start_in_the_past_on_create(admin_client):
    course = make_course(code="MC-STAGE-1", delivery_mode="blended", modules=())
    past = timezone.localtime() - datetime.timedelta(days=1)
    data = session_form(
        course,
        venue="Room 4",
        starts_at=past.strftime("%Y-%m-%d %H:%M"),
        ends_at=(past + datetime.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M"),
    )
    response = admin_client.post("/admin/face_to_face_sessions/new/", data)
    assert not FaceToFaceSession.objects.exists()
    assert "cannot start in the past" in response.content.decode()
    admin_client.post("/admin/face_to_face_sessions/new/", session_form(course, venue="Room 4"))
    assert FaceToFaceSession.objects.count() == 1


def test_session_admin_lists_the_facilitators_full_name(admin_client):
    course = make_course(code="MC-STAGE-1", delivery_mode="blended", modules=())
    future_session(course, facilitator=UserFactory(username="fac123", first_name="Priya", last_name="Shah"))
    html = admin_client.get("/admin/face_to_face_sessions/").content.decode()
    assert "Priya Shah" in html and "fac123" not in html


def test_a_session_facilitator_is_chosen_by_name_from_active_accounts(admin_client):
    course = make_course(code="MC-STAGE-1", delivery_mode="blended", modules=())
    priya = UserFactory(username="fac123", first_name="Priya", last_name="Shah")
    UserFactory(username="gone1", first_name="Gone", last_name="Away", is_active=False)
    html = admin_client.get("/admin/face_to_face_sessions/new/").content.decode()
    assert f'<option value="{priya.pk}">Priya Shah (fac123)</option>' in html
    assert "Gone Away" not in html
    admin_client.post("/admin/face_to_face_sessions/new/", session_form(course, venue="Room 4", facilitator=priya.pk))
    assert FaceToFaceSession.objects.get().facilitator == priya


def test_a_session_keeps_a_facilitator_whose_account_has_closed(admin_client):
    course = make_course(code="MC-STAGE-1", delivery_mode="blended", modules=())
    left = UserFactory(username="left1", first_name="Lee", last_name="Left")
    session = future_session(course, facilitator=left)
    left.is_active = False
    left.save(update_fields=["is_active"])
    start = timezone.localtime(session.starts_at)
    data = session_form(course, venue="Room 9", facilitator=left.pk, starts_at=start.strftime("%Y-%m-%d %H:%M"),
                        ends_at=timezone.localtime(session.ends_at).strftime("%Y-%m-%d %H:%M"))  # fmt: skip
    response = admin_client.post(f"/admin/face_to_face_sessions/edit/{session.pk}/", data)
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.venue, session.facilitator) == ("Room 9", left)
