import datetime
import json

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from courses.models import Completion, FaceToFaceSession, Reflection
from tests.courses.conftest import correct_answers, make_course, wrong_answers
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    client = APIClient()
    user = UserFactory()
    client.force_authenticate(user)
    client.user = user
    return client


def test_anonymous_calls_are_refused():
    response = APIClient().get("/api/v1/learner/courses/")
    assert response.status_code == 401 and response.json()["error"]["status"] == 401


def test_start_course_and_see_progress(api, course, modules):
    assert api.post(f"/api/v1/learner/courses/{course.course_code}/start/").status_code == 201
    assert api.post(f"/api/v1/learner/courses/{course.course_code}/start/").status_code == 200
    mine = api.get("/api/v1/learner/courses/").json()
    assert mine[0]["course_code"] == course.course_code and mine[0]["modules_required"] == 2
    detail = api.get(f"/api/v1/learner/courses/{course.course_code}/").json()
    assert [m["status"] for m in detail["modules"]] == ["not_started", "not_started"]
    assert api.get("/api/v1/learner/courses/NOPE/").status_code == 404


def test_module_detail_never_contains_the_answers(api, modules):
    body = api.get(f"/api/v1/learner/modules/{modules[0].pk}/").content.decode()
    data = json.loads(body)
    assert len(data["questions"]) == 2 and data["questions"][0]["options"]
    assert "correct" not in body and "is_correct" not in body and "explanation" not in body


def test_progress_is_saved_and_validated(api, modules):
    url = f"/api/v1/learner/modules/{modules[0].pk}/progress/"
    assert api.put(url, {"screen": 2}, format="json").json()["last_screen"] == 2
    response = api.put(url, {"screen": 99}, format="json")
    assert response.status_code == 400 and "3 screens" in response.json()["error"]["message"]
    assert api.put(url, {}, format="json").status_code == 400


def test_knowledge_check_submission_marks_and_completes(api, course, modules):
    url = f"/api/v1/learner/modules/{modules[0].pk}/knowledge-check/"
    failed = api.post(url, {"answers": wrong_answers(modules[0])}, format="json")
    assert failed.status_code == 201 and failed.json()["passed"] is False
    passed = api.post(url, {"answers": correct_answers(modules[0])}, format="json").json()
    assert passed["passed"] and passed["module_completed"] and not passed["course_completed"]
    assert all(result["correct"] for result in passed["results"])


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"answers": "all of them"},
        {"answers": {"made-up": [0]}},
        {"answers": {"x": []}},
        {"answers": {"x": ["a"]}},
    ],
)
def test_bad_submissions_get_one_clear_error_shape(api, modules, payload):
    response = api.post(f"/api/v1/learner/modules/{modules[0].pk}/knowledge-check/", payload, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and error["message"]


def test_bookings_are_private(api, course):
    blended = make_course(code="BLENDED", delivery_mode="blended", modules=())
    start = timezone.now() + datetime.timedelta(days=3)
    session = FaceToFaceSession.objects.create(
        course=blended, starts_at=start, ends_at=start + datetime.timedelta(hours=2), venue="Room 1", capacity=1
    )
    sessions = api.get("/api/v1/learner/sessions/?course=BLENDED").json()
    assert sessions[0]["places_left"] == 1
    assert api.get("/api/v1/learner/sessions/").status_code == 400
    booked = api.post("/api/v1/learner/bookings/", {"session": session.pk}, format="json")
    assert booked.status_code == 201 and booked.json()["status"] == "booked"
    other = APIClient()
    other.force_authenticate(UserFactory())
    assert other.post("/api/v1/learner/bookings/", {"session": session.pk}, format="json").json()["status"] == (
        "waitlisted"
    )
    assert other.get("/api/v1/learner/bookings/").json()[0]["status"] == "waitlisted"
    booking_id = booked.json()["id"]
    assert other.post(f"/api/v1/learner/bookings/{booking_id}/cancel/").status_code == 404
    assert api.post(f"/api/v1/learner/bookings/{booking_id}/cancel/").json()["status"] == "cancelled"
    assert other.get("/api/v1/learner/bookings/").json()[0]["status"] == "booked"
    missing = api.post("/api/v1/learner/bookings/", {"session": 999999}, format="json")
    assert missing.status_code == 400


def test_reflections_and_evaluations(api, course, modules):
    from courses.blocks import module_reflection_prompts

    prompt = module_reflection_prompts(modules[0].body)[0]["id"]
    saved = api.post(
        "/api/v1/learner/reflections/", {"module": modules[0].pk, "prompt_id": prompt, "text": "Mine"}, format="json"
    )
    assert saved.status_code == 201
    assert api.post("/api/v1/learner/reflections/", {"text": "x"}, format="json").status_code == 400
    forged = api.post(
        "/api/v1/learner/reflections/", {"module": modules[0].pk, "prompt_id": "nope", "text": "x"}, format="json"
    )
    assert forged.status_code == 400
    other = APIClient()
    other.force_authenticate(UserFactory())
    assert other.get("/api/v1/learner/reflections/").json() == []
    assert Reflection.objects.count() == 1

    evaluation = {"course_code": course.course_code, "overall": 5, "relevance": 4}
    evaluation |= {"confidence_before": 2, "confidence_after": 4}
    assert api.post("/api/v1/learner/evaluations/", evaluation, format="json").status_code == 400  # not completed
    api.post(
        f"/api/v1/learner/modules/{modules[0].pk}/knowledge-check/",
        {"answers": correct_answers(modules[0])},
        format="json",
    )
    from courses.services.learning import module_complete

    module_complete(user=api.user, module=modules[1])
    assert Completion.objects.filter(user=api.user).exists()
    assert api.post("/api/v1/learner/evaluations/", evaluation, format="json").status_code == 201
    again = api.post("/api/v1/learner/evaluations/", evaluation, format="json")
    assert again.status_code == 400 and "already" in again.json()["error"]["message"]
    assert api.post("/api/v1/learner/evaluations/", evaluation | {"overall": 9}, format="json").status_code == 400
    assert len(api.get("/api/v1/learner/evaluations/").json()) == 1
    assert other.get("/api/v1/learner/evaluations/").json() == []
