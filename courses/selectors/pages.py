"""What a course page and a module page show the learner: the modules with their status, the
sessions to book, the screen, the knowledge check and its result. Each page's `get_context`
calls these, so they read the page structure through the page's own methods and import no
page model. A fixed number of queries, whatever the learner's history."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from courses.access import user_may_mark_register
from courses.blocks import knowledge_check_questions
from courses.models.learning import (
    Enrolment,
    Evaluation,
    KnowledgeCheckAttempt,
    ModuleProgress,
    ProgressStatus,
    Reflection,
)
from courses.models.sessions import Booking, BookingStatus, FaceToFaceSession


@dataclass
class ModuleRow:
    module: object  # a ModulePage
    number: int
    status: str  # not_started, in_progress, completed
    last_screen: int
    best_score: object


def module_rows(*, course, enrolment: Enrolment | None) -> list[ModuleRow]:
    """The course's live modules in order, each with the learner's status in this enrolment."""
    modules = list(
        course.module_pages().only(
            "pk", "title", "slug", "url_path", "path", "depth", "summary", "estimated_minutes", "required"
        )
    )
    progress = {}
    if enrolment is not None:
        progress = {p.module_id: p for p in ModuleProgress.objects.filter(enrolment=enrolment)}
    rows = []
    for number, module in enumerate(modules, start=1):
        p = progress.get(module.pk)
        status = (
            "not_started" if p is None else ("completed" if p.status == ProgressStatus.COMPLETED else "in_progress")
        )
        rows.append(ModuleRow(module, number, status, p.last_screen if p else 1, p.best_score if p else None))
    return rows


def sessions_upcoming(*, course):
    return (
        FaceToFaceSession.objects.filter(course=course, cancelled=False, starts_at__gt=timezone.now())
        .annotate(booked=Count("bookings", filter=Q(bookings__status=BookingStatus.BOOKED)))
        .order_by("starts_at")
    )


def course_page_context(*, course, user) -> dict:
    context = {"sessions": [], "enrolment": None, "completion": None, "booking": None}
    enrolment = None
    if user.is_authenticated:
        enrolments = list(
            Enrolment.objects.filter(user=user, course=course)
            .select_related("completion__certificate")
            .order_by("-started_at", "-pk")[:2]
        )
        open_enrolment = next((e for e in enrolments if e.completed_at is None), None)
        enrolment = open_enrolment or (enrolments[0] if enrolments else None)
        latest_completed = next((e for e in enrolments if e.completed_at is not None), None)
        context["enrolment"] = enrolment
        context["open_enrolment"] = open_enrolment
        context["completion"] = latest_completed.completion if latest_completed else None
        context["latest_completed"] = latest_completed
        context["has_evaluated"] = bool(latest_completed and _has_evaluation(latest_completed))
    rows = module_rows(course=course, enrolment=enrolment)
    context["module_rows"] = rows
    context["resume_url"] = None
    if rows:
        target = next((r for r in rows if r.status != "completed"), rows[-1])
        if enrolment is not None and enrolment.last_module_id and enrolment.completed_at is None:
            target = next((r for r in rows if r.module.pk == enrolment.last_module_id), target)
        context["resume_url"] = f"{target.module.url}?screen={target.last_screen}"
    if course.has_face_to_face:
        context["audience_label"] = course_audience_label(course=course)
        sessions = list(sessions_upcoming(course=course).select_related("facilitator"))
        for session in sessions:
            session.places_left = max(session.capacity - session.booked, 0)
        context["sessions"] = sessions
        if user.is_authenticated:
            context["booking"] = (
                Booking.objects.filter(
                    user=user,
                    session__course=course,
                    status__in=[BookingStatus.BOOKED, BookingStatus.WAITLISTED],
                )
                .select_related("session")
                .first()
            )
            context["can_mark_registers"] = user_may_mark_register(
                user=user, facilitator_ids={s.facilitator_id for s in sessions}
            )
    return context


def course_audience_label(*, course) -> str:
    """Who the course is for, short enough to sit by a Book button: "For senior leaders".
    From the audience tags, or the audience text when there are none; "" when neither."""

    def lower_first(name: str) -> str:
        return name[0].lower() + name[1:] if len(name) > 1 and not name[:2].isupper() else name

    names = [lower_first(tag.name) for tag in course.audience_tags.all()]
    if names:
        listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        return f"For {listed}"
    text = (course.audience or "").strip()
    return f"For: {text}" if text else ""


def _has_evaluation(enrolment: Enrolment) -> bool:
    return Evaluation.objects.filter(enrolment=enrolment).exists()


@dataclass
class QuestionView:
    """What the browser may see of a question: never which options are right."""

    id: str
    number: int
    prompt: str
    kind: str
    options: list[tuple[int, str, bool]]  # (index, text, chosen)
    error: str = ""
    result: bool | None = None
    explanation: object = None


def module_page_context(*, module, user, screen, attempt_id, preview: bool = False, retake: bool = False) -> dict:
    screens = list(module.body)
    total = len(screens)
    try:
        current = min(max(int(screen), 1), max(total, 1)) if screen else None
    except (TypeError, ValueError):
        current = None
    place = module.place()
    course = place.course
    progress = None
    attempt = None
    reflections = {}
    if user.is_authenticated and course is not None and not preview:
        enrolment = Enrolment.objects.filter(user=user, course=course, completed_at__isnull=True).first()
        if enrolment is None:
            enrolment = Enrolment.objects.filter(user=user, course=course).order_by("-started_at").first()
        if enrolment is not None:
            progress = ModuleProgress.objects.filter(enrolment=enrolment, module=module).first()
            attempts = KnowledgeCheckAttempt.objects.filter(enrolment=enrolment, module=module)
            if attempt_id:
                attempt = attempts.filter(pk=attempt_id if str(attempt_id).isdigit() else 0).first()
        reflections = {
            r.prompt_key.split(":", 1)[1]: r.text
            for r in Reflection.objects.filter(user=user, course=course, prompt_key__startswith=f"module-{module.pk}:")
        }
    if current is None:
        current = progress.last_screen if progress and progress.last_screen <= total else 1
    questions = knowledge_check_questions(module.body)
    check_screen = questions[0]["screen"] if questions else None
    module_completed = bool(progress and progress.status == ProgressStatus.COMPLETED)
    # Once passed, the check shows its passed state; the form comes back only on request.
    passed = attempt.passed if attempt is not None else module_completed
    return {
        "course": course,
        "screens": screens,
        "screen_number": current,
        "screen_total": total,
        "current_screen": screens[current - 1] if screens else None,
        "progress": progress,
        "module_completed": module_completed,
        "attempt": attempt,
        "retake": retake,
        "check_form_open": retake or not passed,
        "question_views": question_views(questions=questions, attempt=attempt),
        "has_check": bool(questions),
        "check_screen": check_screen,
        "reflections": reflections,
        **place.context(),
        "preview": preview,
    }


def question_views(*, questions: list[dict], attempt=None, answers=None, errors=None) -> list[QuestionView]:
    answers = answers if answers is not None else (attempt.answers if attempt else {})
    errors = errors or {}
    views = []
    for number, q in enumerate(questions, start=1):
        chosen = answers.get(q["id"]) or []
        if not isinstance(chosen, list):
            chosen = [chosen]
        chosen = {str(c) for c in chosen}
        views.append(
            QuestionView(
                id=q["id"],
                number=number,
                prompt=q["prompt"],
                kind=q["kind"],
                options=[(i, text, str(i) in chosen) for i, text in enumerate(q["options"])],
                error=errors.get(q["id"], ""),
                result=attempt.results.get(q["id"]) if attempt else None,
                explanation=q["explanation"] if attempt else None,
            )
        )
    return views
