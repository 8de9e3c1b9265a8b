import datetime

import pytest
from django.core import mail
from django.utils import timezone

from compliance.reminders.models import Reminder, ReminderKind, ReminderStatus
from compliance.reminders.planning import reflection_prompts_plan
from compliance.reminders.sending import reminders_send
from courses.models import Completion, Evaluation, Reflection, ReflectionPromptDelivery
from courses.services.errors import LearningError
from courses.services.reflection import evaluation_submit
from tests.courses.conftest import correct_answers, post_answers
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed(client, course, modules):
    user = UserFactory(email="learner@force.example")
    client.force_login(user)
    post_answers(client, modules[0], correct_answers(modules[0]))
    client.post(f"/learning/modules/{modules[1].pk}/complete/")
    return Completion.objects.get(user=user)


def test_prompts_are_scheduled_and_emailed_exactly_once(completed, django_capture_on_commit_callbacks):
    deliveries = list(ReflectionPromptDelivery.objects.order_by("weeks"))
    assert [d.weeks for d in deliveries] == [2, 6, 12]
    assert deliveries[0].due_at == completed.completed_at + datetime.timedelta(weeks=2)
    later = timezone.now() + datetime.timedelta(weeks=7)
    with django_capture_on_commit_callbacks(execute=True):
        assert reflection_prompts_plan(today=timezone.localdate(later)) == 2
    # Both prompts due that day, in the learner's one email of the day.
    (message,) = mail.outbox
    ids = sorted(Reminder.objects.filter(kind=ReminderKind.REFLECTION_PROMPT).values_list("pk", flat=True))
    assert message.extra_headers["X-Reminder-Id"] == ",".join(map(str, ids))
    assert "TIME TO REFLECT (2)" in message.body and message.body.count("/my-learning/reflections/") == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert reflection_prompts_plan(today=timezone.localdate(later)) == 0
    # A duplicated or retried send sends nothing more.
    assert reminders_send(reminder_ids=ids, today=timezone.localdate(later)).sent == 0
    assert len(mail.outbox) == 1
    assert {d.sent_at is not None for d in ReflectionPromptDelivery.objects.filter(weeks__lte=6)} == {True}
    assert ReflectionPromptDelivery.objects.get(weeks=12).sent_at is None
    assert {r.recipient_email for r in Reminder.objects.all()} == {"learner@force.example"}


def test_a_failed_send_is_not_marked_and_is_retried(completed, monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    day = timezone.localdate(timezone.now() + datetime.timedelta(weeks=3))
    reflection_prompts_plan(today=day)  # not in a captured commit: planned, not sent
    (message,) = Reminder.objects.all()
    original = EmailMultiAlternatives.send

    def boom(self, *args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", boom)
    with pytest.raises(OSError):
        reminders_send(reminder_ids=[message.pk], today=day)
    delivery = ReflectionPromptDelivery.objects.get(weeks=2)
    assert delivery.sent_at is None
    message.refresh_from_db()
    assert (message.status, message.last_error) == (ReminderStatus.PLANNED, "OSError: mail server down")
    monkeypatch.setattr(EmailMultiAlternatives, "send", original)
    assert reminders_send(reminder_ids=[message.pk], today=day).sent == 1
    assert reminders_send(reminder_ids=[message.pk], today=day).sent == 0
    delivery.refresh_from_db()
    assert delivery.sent_at is not None


def test_schedule_is_unique_per_completion_and_interval(completed):
    from courses.services.learning import reflection_prompts_schedule

    reflection_prompts_schedule(completion=completed, course=completed.course)
    assert ReflectionPromptDelivery.objects.count() == 3


def test_reflections_are_private(client, completed):
    delivery = ReflectionPromptDelivery.objects.order_by("weeks").first()
    ReflectionPromptDelivery.objects.filter(pk=delivery.pk).update(sent_at=timezone.now())
    assert "2 weeks on" in client.get("/my-learning/").content.decode()
    assert client.post(f"/my-learning/reflections/{delivery.pk}/", {"text": ""}).status_code == 400
    client.post(f"/my-learning/reflections/{delivery.pk}/", {"text": "I challenged a remark in briefing."})
    assert Reflection.objects.get().text == "I challenged a remark in briefing."
    client.force_login(UserFactory())
    assert client.get(f"/my-learning/reflections/{delivery.pk}/").status_code == 404


def test_module_reflection_saves_and_reloads(client, modules):
    from courses.blocks import module_reflection_prompts

    client.force_login(UserFactory())
    prompt = module_reflection_prompts(modules[0].body)[0]
    client.post(
        f"/learning/modules/{modules[0].pk}/reflection/", {"prompt_id": prompt["id"], "text": "Mine", "screen": "2"}
    )
    assert "Mine" in client.get(modules[0].url + "?screen=2").content.decode()
    response = client.post(f"/learning/modules/{modules[0].pk}/reflection/", {"prompt_id": "forged", "text": "x"})
    assert response.status_code == 302 and Reflection.objects.count() == 1


def test_evaluation_once_after_completion(client, completed):
    url = f"/learning/courses/{completed.course_id}/evaluation/"
    assert client.post(url, {"overall": "9"}).status_code == 400
    client.post(url, {"overall": 4, "relevance": 5, "confidence_before": 2, "confidence_after": 4, "comments": "Good"})
    evaluation = Evaluation.objects.get()
    assert (evaluation.confidence_before, evaluation.confidence_after) == (2, 4)
    with pytest.raises(LearningError, match="already"):
        evaluation_submit(
            user=completed.user,
            enrolment=evaluation.enrolment,
            data={"overall": 4, "relevance": 5, "confidence_before": 2, "confidence_after": 4},
        )


def test_evaluation_needs_a_completion(client, course):
    client.force_login(UserFactory())
    response = client.get(f"/learning/courses/{course.pk}/evaluation/")
    assert response.status_code == 302
