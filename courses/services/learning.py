"""The learner's journey: starting a course, progress through modules, knowledge checks
marked on the server, and completing the course once (whatever the number of tabs)."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from courses.blocks import knowledge_check_questions
from courses.models import (
    Certificate,
    CompletionSource,
    CoursePage,
    Enrolment,
    KnowledgeCheckAttempt,
    ModulePage,
    ModuleProgress,
    ProgressStatus,
    ReflectionPromptDelivery,
    ScormAttempt,
)
from courses.models.video import VideoModulePage
from courses.services.completions import completion_record
from courses.services.errors import LearningError
from courses.signals import course_completed, knowledge_check_marked, module_completed, module_visited


def enrolment_start(*, user, course: CoursePage) -> tuple[Enrolment, bool]:
    """The learner's open enrolment on the course, created if there is none."""
    if not course.live:
        raise LearningError("This course is not available.")
    existing = Enrolment.objects.filter(user=user, course=course, completed_at__isnull=True).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            return Enrolment.objects.create(user=user, course=course), True
    except IntegrityError:
        return Enrolment.objects.get(user=user, course=course, completed_at__isnull=True), False


def enrolment_current(*, user, course: CoursePage) -> Enrolment:
    """The enrolment a learner's activity belongs to: the open one, else the latest
    completed one (revisiting a finished course does not start a new cycle), else a new one.
    A new cycle of a finished course starts only through `enrolment_start`."""
    latest = (
        Enrolment.objects.filter(user=user, course=course)
        .order_by(F("completed_at").desc(nulls_first=True), "-pk")
        .first()
    )
    if latest is not None:
        return latest
    enrolment, _ = enrolment_start(user=user, course=course)
    return enrolment


def _course_of(module: ModulePage) -> CoursePage:
    course = CoursePage.objects.filter(path=module.path[: -ModulePage.steplen]).first()
    if course is None:
        raise LearningError("This module does not belong to a course.")
    return course


@transaction.atomic
def module_visit(*, user, module: ModulePage, screen: int | None, course: CoursePage | None = None) -> ModuleProgress:
    """Record where the learner is, so they resume there. Starts the course if needed.
    `screen` None means the learner opened the module without choosing a screen."""
    course = course or _course_of(module)
    enrolment = enrolment_current(user=user, course=course)
    progress, created = ModuleProgress.objects.get_or_create(
        enrolment=enrolment, module=module, defaults={"last_screen": screen or 1}
    )
    if screen and not created and progress.last_screen != screen:
        ModuleProgress.objects.filter(pk=progress.pk).update(last_screen=screen, updated_at=timezone.now())
        progress.last_screen = screen
    if enrolment.last_module_id != module.pk:
        Enrolment.objects.filter(pk=enrolment.pk).update(last_module=module)
    module_visited.send(sender=ModuleProgress, progress=progress, screen=screen, created=created)
    return progress


def _parse_answers(questions: list[dict], answers: dict) -> tuple[dict[str, list[int]], dict[str, str]]:
    """Check every question is answered with options that exist; collect what is wrong."""
    parsed: dict[str, list[int]] = {}
    errors: dict[str, str] = {}
    for number, question in enumerate(questions, start=1):
        raw = answers.get(question["id"])
        if raw in (None, "", []):
            errors[question["id"]] = f"Answer question {number}."
            continue
        values = raw if isinstance(raw, list | tuple) else [raw]
        try:
            chosen = sorted({int(value) for value in values})
        except (TypeError, ValueError):
            errors[question["id"]] = f"Question {number}: choose one of the options shown."
            continue
        if any(index < 0 or index >= len(question["options"]) for index in chosen):
            errors[question["id"]] = f"Question {number}: choose one of the options shown."
        elif question["kind"] == "single" and len(chosen) != 1:
            errors[question["id"]] = f"Question {number}: choose one answer."
        else:
            parsed[question["id"]] = chosen
    unknown = set(answers) - {q["id"] for q in questions}
    if unknown and not errors:
        errors["form"] = "The answers sent do not match this knowledge check. Reload the page and try again."
    return parsed, errors


@transaction.atomic
def knowledge_check_submit(*, user, module: ModulePage, answers: dict) -> KnowledgeCheckAttempt:
    """Mark an attempt against the published module. `answers` maps question id to the
    chosen option index (or a list of them). Passing completes the module."""
    questions = knowledge_check_questions(module.body)
    if not questions:
        raise LearningError("This module has no knowledge check.")
    if not isinstance(answers, dict):
        raise LearningError("Answers must map each question to the options chosen.")
    parsed, errors = _parse_answers(questions, answers)
    if errors:
        first = next(iter(errors.values()))
        raise LearningError(first, field_errors=errors)
    course = _course_of(module)
    enrolment = enrolment_current(user=user, course=course)
    results = {q["id"]: set(parsed[q["id"]]) == q["correct"] for q in questions}
    correct = sum(results.values())
    score = (Decimal(correct) * 100 / len(questions)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    passed = score >= module.pass_mark
    attempt = KnowledgeCheckAttempt.objects.create(
        enrolment=enrolment,
        module=module,
        revision_id=module.live_revision_id,
        answers=parsed,
        results=results,
        correct=correct,
        total=len(questions),
        score=score,
        passed=passed,
    )
    progress, _ = ModuleProgress.objects.get_or_create(enrolment=enrolment, module=module)
    if progress.best_score is None or score > progress.best_score:
        progress.best_score = score
        progress.save(update_fields=["best_score", "updated_at"])
    knowledge_check_marked.send(sender=KnowledgeCheckAttempt, attempt=attempt, questions=questions)
    if passed:
        _module_mark_complete(enrolment=enrolment, module=module)
    return attempt


def _module_mark_complete(*, enrolment: Enrolment, module: ModulePage) -> None:
    now = timezone.now()
    ModuleProgress.objects.get_or_create(enrolment=enrolment, module=module)
    if ModuleProgress.objects.filter(enrolment=enrolment, module=module, completed_at__isnull=True).update(
        status=ProgressStatus.COMPLETED, completed_at=now, updated_at=now
    ):
        module_completed.send(sender=ModuleProgress, enrolment=enrolment, module=module, completed_at=now)
    course_completion_check(enrolment=enrolment)


@transaction.atomic
def module_complete(*, user, module: ModulePage) -> ModuleProgress:
    """Complete a module that has no knowledge check, once the learner has read it."""
    if knowledge_check_questions(module.body):
        raise LearningError("Pass the knowledge check to complete this module.")
    if VideoModulePage.objects.filter(pk=module.pk).exists():
        raise LearningError("This module completes when you have watched its video.")
    course = _course_of(module)
    enrolment = enrolment_current(user=user, course=course)
    _module_mark_complete(enrolment=enrolment, module=module)
    return ModuleProgress.objects.get(enrolment=enrolment, module=module)


def course_required_module_ids(*, course: CoursePage) -> list[int]:
    return list(
        ModulePage.objects.child_of(course).live().filter(required=True).order_by("path").values_list("pk", flat=True)
    )


@transaction.atomic
def course_completion_check(*, enrolment: Enrolment):
    """Complete the course when every required module is done (and attendance recorded for
    blended and face-to-face courses). Returns the completion, or None if not yet done.

    The enrolment row is locked, and the completion's idempotency key names the
    enrolment, so a double submission or two tabs give one completion."""
    enrolment = Enrolment.objects.select_for_update().select_related("course", "user").get(pk=enrolment.pk)
    if enrolment.completion_id:
        return enrolment.completion
    course = enrolment.course
    required = course_required_module_ids(course=course)
    done = dict(
        ModuleProgress.objects.filter(
            enrolment=enrolment, module_id__in=required, status=ProgressStatus.COMPLETED
        ).values_list("module_id", "best_score")
    )
    if len(done) < len(required):
        return None
    if course.has_face_to_face and enrolment.attended_at is None:
        return None
    if not required and not course.has_face_to_face:
        return None
    scores = [score for score in done.values() if score is not None]
    score = (sum(scores) / len(scores)).quantize(Decimal("0.01")) if scores else None
    by_attendance_only = course.has_face_to_face and not required
    if by_attendance_only:
        source = CompletionSource.ATTENDANCE
    elif ScormAttempt.objects.filter(enrolment=enrolment).exists():
        source = CompletionSource.SCORM
    else:
        source = CompletionSource.ONLINE
    completion, created = completion_record(
        user=enrolment.user,
        course=course,
        source=source,
        idempotency_key=f"enrolment:{enrolment.pk}",
        score=score,
        revision=course.live_revision,
    )
    enrolment.completion = completion
    enrolment.completed_at = completion.completed_at
    enrolment.save(update_fields=["completion", "completed_at"])
    certificate_issue(completion=completion)
    reflection_prompts_schedule(completion=completion, course=course)
    if created:
        course_completed.send(sender=Enrolment, enrolment=enrolment, completion=completion)
    return completion


def certificate_issue(*, completion) -> Certificate:
    user = completion.user
    name = user.get_full_name() or user.username
    certificate, _ = Certificate.objects.get_or_create(completion=completion, defaults={"holder_name": name})
    return certificate


def reflection_prompts_schedule(*, completion, course: CoursePage) -> int:
    """Create the guided-reflection prompts for a completion; repeating it adds nothing."""
    rows = [
        ReflectionPromptDelivery(
            completion=completion, weeks=weeks, due_at=completion.completed_at + datetime.timedelta(weeks=weeks)
        )
        for weeks in course.reflection_week_list
    ]
    ReflectionPromptDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
