"""Private reflections, end-of-course evaluations and the guided-reflection prompts."""

from django.db import IntegrityError, transaction

from courses.blocks import module_reflection_prompts
from courses.models import CoursePage, Enrolment, Evaluation, ModulePage, Reflection, ReflectionPromptDelivery
from courses.services.errors import LearningError

MAX_REFLECTION_LENGTH = 10_000


def _clean_text(text) -> str:
    # Browsers send line breaks as CRLF but count them as one character against maxlength.
    text = (text or "").replace("\r\n", "\n").strip() if isinstance(text, str) else ""
    if not text:
        raise LearningError("Write your reflection before saving it.", field_errors={"text": "Enter your reflection."})
    if len(text) > MAX_REFLECTION_LENGTH:
        message = (
            f"Your reflection must be {MAX_REFLECTION_LENGTH:,} characters or fewer. "
            f"It has {len(text):,}: shorten it and save again."
        )
        raise LearningError(message, field_errors={"text": message})
    return text


def reflection_save_for_module(*, user, module: ModulePage, prompt_id: str, text: str) -> Reflection:
    """Save (or update) the learner's answer to a reflection prompt in a module."""
    prompts = {p["id"]: p["prompt"] for p in module_reflection_prompts(module.body)}
    if prompt_id not in prompts:
        raise LearningError("That reflection prompt is not part of this module.")
    text = _clean_text(text)
    course = CoursePage.objects.get(path=module.path[: -ModulePage.steplen])
    reflection, _ = Reflection.objects.update_or_create(
        user=user,
        course=course,
        prompt_key=f"module-{module.pk}:{prompt_id}",
        defaults={"module": module, "prompt": prompts[prompt_id], "text": text},
    )
    return reflection


def reflection_save_for_prompt(*, user, delivery: ReflectionPromptDelivery, text: str) -> Reflection:
    """Answer a scheduled guided-reflection prompt (only the learner's own)."""
    if delivery.completion.user_id != user.pk:
        raise LearningError("That reflection prompt is not yours.", code="not_found")
    text = _clean_text(text)
    course = delivery.completion.course
    reflection, _ = Reflection.objects.update_or_create(
        user=user,
        course=course,
        prompt_key=delivery.prompt_key,
        defaults={"prompt": course.reflection_prompt, "text": text},
    )
    return reflection


SCALE_FIELDS = ("overall", "relevance", "confidence_before", "confidence_after")


def evaluation_submit(*, user, enrolment: Enrolment, data: dict) -> Evaluation:
    """Record the learner's evaluation of a course they completed, once."""
    if enrolment.user_id != user.pk:
        raise LearningError("That enrolment is not yours.", code="not_found")
    if enrolment.completed_at is None:
        raise LearningError("Complete the course before evaluating it.")
    errors = {}
    values = {}
    for field in SCALE_FIELDS:
        try:
            value = int(data.get(field))
        except (TypeError, ValueError):
            value = None
        if value is None or not 1 <= value <= 5:
            errors[field] = "Choose a number from 1 to 5."
        else:
            values[field] = value
    if errors:
        raise LearningError("Answer every question with a number from 1 to 5.", field_errors=errors)
    comments = data.get("comments") or ""
    if not isinstance(comments, str) or len(comments) > MAX_REFLECTION_LENGTH:
        raise LearningError("Comments must be text under 10,000 characters.", field_errors={"comments": "Too long."})
    try:
        with transaction.atomic():
            return Evaluation.objects.create(
                enrolment=enrolment, course=enrolment.course, comments=comments.strip(), **values
            )
    except IntegrityError:
        raise LearningError("You have already evaluated this course. Thank you.", code="duplicate") from None
