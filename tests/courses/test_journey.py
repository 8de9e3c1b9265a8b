import pytest

from courses.models import Certificate, Completion, Enrolment, KnowledgeCheckAttempt, ModuleProgress
from courses.services.errors import LearningError
from courses.services.learning import course_completion_check, knowledge_check_submit, module_complete
from tests.courses.conftest import correct_answers, post_answers, wrong_answers
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def finish(client, modules):
    post_answers(client, modules[0], correct_answers(modules[0]))
    return client.post(f"/learning/modules/{modules[1].pk}/complete/")


def test_start_creates_one_enrolment_and_resumes(client, course, modules):
    user = UserFactory()
    client.force_login(user)
    first = client.post(f"/learning/courses/{course.pk}/start/")
    client.post(f"/learning/courses/{course.pk}/start/")
    assert Enrolment.objects.filter(user=user).count() == 1
    assert first["Location"].startswith(modules[0].url)
    moved = client.post(f"/learning/modules/{modules[0].pk}/screen/", {"screen": "2"})
    assert moved.status_code == 302 and moved["Location"] == f"{modules[0].url}?screen=2"
    # Opening the module again without a screen resumes on screen 2.
    html = client.get(modules[0].url).content.decode()
    assert "Screen 2 of 3" in html
    course_html = client.get(course.url).content.decode()
    assert f"{modules[0].url}?screen=2" in course_html and "Continue where you left off" in course_html


def test_knowledge_check_is_marked_on_the_server_with_retries(client, modules):
    user = UserFactory()
    client.force_login(user)
    module = modules[0]
    response = post_answers(client, module, wrong_answers(module))
    attempt = KnowledgeCheckAttempt.objects.get()
    assert response.status_code == 302 and f"attempt={attempt.pk}" in response["Location"]
    assert not attempt.passed and attempt.score == 0
    html = client.get(response["Location"]).content.decode()
    assert "Not passed yet" in html and "Not quite." in html
    assert "Challenging behaviour when it is uncomfortable" in html  # the explanation
    response = post_answers(client, module, correct_answers(module))
    attempt = KnowledgeCheckAttempt.objects.first()
    assert attempt.passed and attempt.score == 100
    assert ModuleProgress.objects.get(module=module).status == "completed"
    assert "You passed" in client.get(response["Location"]).content.decode()


def test_pass_mark_is_required(modules):
    user = UserFactory()
    module = modules[0]
    answers = correct_answers(module)
    first, second = list(answers)
    answers[second] = wrong_answers(module)[second]
    attempt = knowledge_check_submit(user=user, module=module, answers=answers)
    assert attempt.score == 50 and not attempt.passed
    assert not ModuleProgress.objects.filter(status="completed").exists()


@pytest.mark.parametrize(
    "forge",
    [
        lambda a: {},  # nothing answered
        lambda a: {k: [99] for k in a},  # options that do not exist
        lambda a: {k: ["x"] for k in a},  # not numbers
        lambda a: {k: [0, 1] for k in a},  # two answers to a single-choice question
    ],
)
def test_bad_answers_get_a_clear_error_not_a_500(client, modules, forge):
    client.force_login(UserFactory())
    module = modules[0]
    response = post_answers(client, module, forge(correct_answers(module)))
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert not KnowledgeCheckAttempt.objects.exists()


def test_unknown_question_ids_are_refused(modules):
    answers = correct_answers(modules[0]) | {"forged": [0]}
    with pytest.raises(LearningError):
        knowledge_check_submit(user=UserFactory(), module=modules[0], answers=answers)


def test_module_with_a_check_cannot_be_marked_complete_by_hand(modules):
    with pytest.raises(LearningError):
        module_complete(user=UserFactory(), module=modules[0])


def test_course_completes_when_every_required_module_is_done(client, course, modules):
    user = UserFactory(first_name="Amira", last_name="Khan")
    client.force_login(user)
    post_answers(client, modules[0], correct_answers(modules[0]))
    assert not Completion.objects.exists()
    response = finish(client, modules)
    assert response.status_code == 302
    completion = Completion.objects.get()
    assert completion.user == user and completion.course_id == course.pk
    assert completion.source == "online" and completion.score == 100
    course.refresh_from_db()
    assert completion.revision_id == course.live_revision_id
    assert completion.idempotency_key == f"enrolment:{Enrolment.objects.get().pk}"
    certificate = Certificate.objects.get()
    assert certificate.holder_name == "Amira Khan"
    assert course.reflection_week_list == [2, 6, 12]
    assert completion.reflection_prompts.count() == 3


def test_double_submission_and_two_tabs_give_one_completion(client, course, modules):
    user = UserFactory()
    client.force_login(user)
    post_answers(client, modules[0], correct_answers(modules[0]))
    client.post(f"/learning/modules/{modules[1].pk}/complete/")
    client.post(f"/learning/modules/{modules[1].pk}/complete/")
    post_answers(client, modules[0], correct_answers(modules[0]))
    enrolment = Enrolment.objects.get(user=user)
    course_completion_check(enrolment=enrolment)
    assert Completion.objects.count() == 1
    assert Certificate.objects.count() == 1


def test_completion_survives_course_changes_and_keeps_its_revision(client, course, modules):
    user = UserFactory()
    client.force_login(user)
    finish(client, modules)
    completion = Completion.objects.get()
    revision = completion.revision_id
    course.summary = "Rewritten after feedback."
    course.save_revision().publish()
    course.refresh_from_db()
    assert course.live_revision_id != revision
    completion.refresh_from_db()
    assert completion.revision_id == revision and completion.is_valid
    html = client.get(f"/certificates/{completion.certificate.code}/").content.decode()
    assert f"revision {revision}" in html


def test_certificate_is_private_but_verifiable_by_anyone(client, course, modules):
    from django.test import Client

    user = UserFactory(first_name="Amira", last_name="Khan")
    client.force_login(user)
    finish(client, modules)
    code = Certificate.objects.get().code
    assert client.get(f"/certificates/{code}/").status_code == 200
    download = client.get(f"/certificates/{code}/?download=1")
    assert "attachment" in download["Content-Disposition"]
    stranger = Client()
    stranger.force_login(UserFactory())
    assert stranger.get(f"/certificates/{code}/").status_code == 404
    public = Client().get(f"/certificates/verify/{code}/")
    assert public.status_code == 200 and "This certificate is genuine" in public.content.decode()
    assert "Amira Khan" in public.content.decode()
    assert Client().get(f"/certificates/verify/?code={code.lower()}").status_code == 200
    missing = Client().get("/certificates/verify/?code=NOPE-NOPE-NOPE")
    assert missing.status_code == 404 and "No certificate has the code" in missing.content.decode()


def test_voided_completion_shows_an_invalid_certificate(client, course, modules):
    from django.test import Client

    from courses.services.completions import completion_void

    client.force_login(UserFactory())
    finish(client, modules)
    completion = Completion.objects.get()
    completion_void(completion=completion, voided_by=None, reason="Recorded in error")
    html = Client().get(f"/certificates/verify/{completion.certificate.code}/").content.decode()
    assert "not valid" in html


def test_my_learning_lists_progress_and_certificates(client, course, modules, django_assert_max_num_queries):
    from tests.courses.conftest import make_course

    user = UserFactory()
    client.force_login(user)
    client.post(f"/learning/courses/{course.pk}/start/")
    with django_assert_max_num_queries(14):
        html = client.get("/my-learning/").content.decode()
    assert "0 of 2 modules done" in html
    finish(client, modules)
    for n in range(6):
        other = make_course(code=f"OTHER-{n}")
        client.post(f"/learning/courses/{other.pk}/start/")
    with django_assert_max_num_queries(14):
        html = client.get("/my-learning/").content.decode()
    assert "Certificate" in html and course.title in html


def test_restarting_a_completed_course_opens_a_new_cycle(client, course, modules):
    user = UserFactory()
    client.force_login(user)
    finish(client, modules)
    client.post(f"/learning/courses/{course.pk}/start/")
    assert Enrolment.objects.filter(user=user).count() == 2
    finish(client, modules)
    assert Completion.objects.filter(user=user).count() == 2
