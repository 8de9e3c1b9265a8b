"""Reads for the catalogue and the learner's pages. Each does a fixed number of queries,
whatever the size of the catalogue or of the learner's history."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.db.models import Count, Q
from django.utils import timezone
from taggit.models import Tag

from courses.access import user_may_mark_register
from courses.blocks import knowledge_check_questions
from courses.models import (
    Booking,
    BookingStatus,
    Certificate,
    Completion,
    CompletionSource,
    CourseAudienceTag,
    CoursePage,
    DeliveryMode,
    Enrolment,
    Evaluation,
    FaceToFaceSession,
    KnowledgeCheckAttempt,
    ModulePage,
    ModuleProgress,
    ProgrammePage,
    ProgressStatus,
    Reflection,
    ReflectionPromptDelivery,
    Topic,
)

DURATIONS = {
    "short": ("Under 30 minutes", Q(estimated_minutes__lt=30)),
    "medium": ("30 minutes to 1 hour", Q(estimated_minutes__gte=30, estimated_minutes__lte=60)),
    "long": ("1 to 3 hours", Q(estimated_minutes__gt=60, estimated_minutes__lte=180)),
    "day": ("More than 3 hours", Q(estimated_minutes__gt=180)),
}

# The largest id a database integer column holds. Page ids are looked up through Wagtail's
# parent link, where Django does not guard the range, so a larger one would be an error.
MAX_ID = 2**63 - 1


def live_page(*, model: type, page_id: int):
    """The published page of this type with this id, or None."""
    if not 0 < page_id <= MAX_ID:
        return None
    return model.objects.live().filter(pk=page_id).first()


class CatalogueFilterForm(forms.Form):
    audience = forms.ChoiceField(required=False, label="Audience")
    delivery_mode = forms.ChoiceField(
        required=False, label="Delivery", choices=[("", "Any delivery")] + list(DeliveryMode.choices)
    )
    duration = forms.ChoiceField(
        required=False,
        label="Duration",
        choices=[("", "Any length")] + [(key, label) for key, (label, _) in DURATIONS.items()],
    )
    topic = forms.ChoiceField(required=False, label="Topic")


def catalogue_filter_form(*, data) -> CatalogueFilterForm:
    form = CatalogueFilterForm(data=data or None)
    audiences = Tag.objects.filter(
        pk__in=CourseAudienceTag.objects.filter(content_object__live=True).values("tag_id")
    ).order_by("name")
    form.fields["audience"].choices = [("", "Any audience")] + [(t.slug, t.name) for t in audiences]
    form.fields["topic"].choices = [("", "Any topic")] + [(t.slug, t.name) for t in Topic.objects.all()]
    return form


def catalogue_courses(*, catalogue, filters: dict) -> list[CoursePage]:
    """Live courses under the catalogue, filtered; each with `.programme` (or None)."""
    courses = CoursePage.objects.live().descendant_of(catalogue).select_related("topic")
    if filters.get("audience"):
        courses = courses.filter(tagged_audiences__tag__slug=filters["audience"])
    if filters.get("delivery_mode"):
        courses = courses.filter(delivery_mode=filters["delivery_mode"])
    if filters.get("duration") in DURATIONS:
        courses = courses.filter(DURATIONS[filters["duration"]][1])
    if filters.get("topic"):
        courses = courses.filter(topic__slug=filters["topic"])
    courses = list(courses.prefetch_related("audience_tags").order_by("path").distinct())
    programmes = {p.path: p for p in ProgrammePage.objects.live().descendant_of(catalogue)}
    for course in courses:
        course.programme = programmes.get(course.path[: -CoursePage.steplen])
    return courses


def programme_courses(*, programme: ProgrammePage) -> list[CoursePage]:
    return list(CoursePage.objects.live().child_of(programme).select_related("topic").prefetch_related("audience_tags"))


@dataclass
class ModuleRow:
    module: ModulePage
    number: int
    status: str  # not_started, in_progress, completed
    last_screen: int
    best_score: object


def _module_rows(*, course: CoursePage, enrolment: Enrolment | None) -> list[ModuleRow]:
    modules = list(
        ModulePage.objects.child_of(course)
        .live()
        .order_by("path")
        .only("pk", "title", "slug", "url_path", "path", "depth", "summary", "estimated_minutes", "required")
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


def sessions_upcoming(*, course: CoursePage):
    return (
        FaceToFaceSession.objects.filter(course=course, cancelled=False, starts_at__gt=timezone.now())
        .annotate(booked=Count("bookings", filter=Q(bookings__status=BookingStatus.BOOKED)))
        .order_by("starts_at")
    )


def course_page_context(*, course: CoursePage, user) -> dict:
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
    rows = _module_rows(course=course, enrolment=enrolment)
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


def course_audience_label(*, course: CoursePage) -> str:
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


def module_page_context(
    *, module: ModulePage, user, screen, attempt_id, preview: bool = False, retake: bool = False
) -> dict:
    screens = list(module.body)
    total = len(screens)
    try:
        current = min(max(int(screen), 1), max(total, 1)) if screen else None
    except (TypeError, ValueError):
        current = None
    course = CoursePage.objects.filter(path=module.path[: -ModulePage.steplen]).first()
    siblings = (
        list(
            ModulePage.objects.child_of(course).live().order_by("path").only("pk", "title", "url_path", "path", "depth")
        )
        if course
        else []
    )
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
    index = next((i for i, m in enumerate(siblings) if m.pk == module.pk), 0)
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
        "module_number": index + 1,
        "module_total": len(siblings),
        "previous_module": siblings[index - 1] if index > 0 else None,
        "next_module": siblings[index + 1] if index + 1 < len(siblings) else None,
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


def _annotate_required(enrolments: list[Enrolment]) -> None:
    """Set `modules_required` on each enrolment with one query for all of them."""
    required: dict[str, int] = {}
    if enrolments:
        where = Q()
        for enrolment in enrolments:
            where |= Q(path__startswith=enrolment.course.path, depth=enrolment.course.depth + 1)
        for path in ModulePage.objects.live().filter(where, required=True).values_list("path", flat=True):
            parent = path[: -ModulePage.steplen]
            required[parent] = required.get(parent, 0) + 1
    for enrolment in enrolments:
        enrolment.modules_required = required.get(enrolment.course.path, 0)


def learner_enrolments(*, user, course: CoursePage | None = None) -> list[Enrolment]:
    """The learner's enrolments, newest first, each with `modules_done` and `modules_required`."""
    enrolments = (
        Enrolment.objects.filter(user=user)
        .select_related("course", "completion__certificate")
        .annotate(modules_done=Count("module_progress", filter=Q(module_progress__status=ProgressStatus.COMPLETED)))
        .order_by("-started_at", "-pk")
    )
    if course is not None:
        enrolments = enrolments.filter(course=course)
    enrolments = list(enrolments)
    _annotate_required(enrolments)
    return enrolments


def module_rows_for(*, course: CoursePage, enrolment: Enrolment | None) -> list[ModuleRow]:
    return _module_rows(course=course, enrolment=enrolment)


def my_learning_for(*, user) -> dict:
    """The learner's courses in progress, completed ones, certificates, bookings and
    reflection prompts waiting for an answer. A fixed number of queries."""
    if not user.is_authenticated:
        return {}
    in_progress = list(
        Enrolment.objects.filter(user=user, completed_at__isnull=True)
        .select_related("course", "last_module")
        .annotate(modules_done=Count("module_progress", filter=Q(module_progress__status=ProgressStatus.COMPLETED)))
        .order_by("-started_at")
    )
    _annotate_required(in_progress)
    completions = list(
        Completion.objects.filter(user=user, voided_at__isnull=True)
        .select_related("course", "certificate")
        .order_by("-completed_at")
    )
    certificates = [c.certificate for c in completions if hasattr(c, "certificate")]
    bookings = list(
        Booking.objects.filter(
            user=user,
            status__in=[BookingStatus.BOOKED, BookingStatus.WAITLISTED],
            session__starts_at__gte=timezone.now() - datetime.timedelta(hours=12),
        )
        .select_related("session__course")
        .order_by("session__starts_at")
    )
    answered = set(
        Reflection.objects.filter(user=user, prompt_key__startswith="week-").values_list("prompt_key", flat=True)
    )
    prompts = [
        d
        for d in ReflectionPromptDelivery.objects.filter(
            completion__user=user, completion__voided_at__isnull=True, sent_at__isnull=False
        ).select_related("completion__course")
        if d.prompt_key not in answered
    ]
    facilitating = list(
        FaceToFaceSession.objects.filter(
            facilitator=user, cancelled=False, starts_at__gte=timezone.now() - datetime.timedelta(days=30)
        )
        .select_related("course")
        .order_by("starts_at")[:20]
    )
    return {
        "facilitating": facilitating,
        "in_progress": in_progress,
        "completions": completions,
        "certificates": certificates,
        "bookings": bookings,
        "reflection_prompts": prompts,
    }


def normalise_certificate_code(code: str) -> str:
    """What was typed, in the stored form: "abcd efgh jklm", "ABCDEFGHJKLM" and
    "abcd-efgh-jklm" all become "ABCD-EFGH-JKLM". Anything else is only upper-cased."""
    code = (code or "").strip().upper()
    compact = "".join(ch for ch in code if ch.isalnum())
    if len(compact) == 12 and len(code) <= 40:
        return f"{compact[:4]}-{compact[4:8]}-{compact[8:]}"
    return code


def certificate_by_code(*, code: str) -> Certificate | None:
    code = normalise_certificate_code(code)
    if not code or len(code) > 20:
        return None
    return Certificate.objects.select_related("completion__course", "completion__revision").filter(code=code).first()


SOURCE_LABELS = [
    (CompletionSource.ONLINE, "Online"),
    (CompletionSource.SCORM, "SCORM"),
    (CompletionSource.ATTENDANCE, "Attendance"),
    (CompletionSource.MANUAL, "Manual"),
    (CompletionSource.IMPORT, "Imported"),
]


def course_rates_for_ld() -> list[dict]:
    """Per course, counted in learners so every rate has its own denominator and none can
    pass 100%:

    - reached: learners who started the course on this site or have a valid completion of
      it (an imported completion counts: that learner reached the course elsewhere);
    - completed: learners with a valid completion, wherever it came from (imported ones
      are also shown apart);
    - evaluation rate: evaluations over completed site enrolments (only those can be
      evaluated; an imported completion has no evaluation form);
    - reflection rate: answered prompts over prompts sent;
    - by source: learners who completed online, through a SCORM package, by attendance, by
      manual entry or by import (one learner may count under two sources);
    - score: mean and median over valid completions with a score;
    - time spent: the mean over completions made here whose time is known (`_time_spent`).

    A handful of grouped queries, whatever the numbers."""
    from django.db.models import Avg, CharField, Exists, OuterRef, Value
    from django.db.models.functions import Cast, Concat

    def by_course(queryset, field="course_id", **aggregates):
        return {row[field]: row for row in queryset.values(field).annotate(**aggregates)}

    valid = Completion.objects.filter(voided_at__isnull=True)
    completed = by_course(
        valid,
        n=Count("user_id", distinct=True),
        imported=Count("user_id", distinct=True, filter=Q(source=CompletionSource.IMPORT)),
        mean_score=Avg("score"),
        scored=Count("pk", filter=Q(score__isnull=False)),
        **{
            f"source_{source}": Count("user_id", distinct=True, filter=Q(source=source))
            for source in CompletionSource.values
        },
    )
    medians = _median_scores(valid)
    timed = _time_spent(valid)
    # Learners who started here and have no valid completion of the course (yet).
    started_only = by_course(
        Enrolment.objects.filter(~Exists(valid.filter(user_id=OuterRef("user_id"), course_id=OuterRef("course_id")))),
        n=Count("user_id", distinct=True),
    )
    finished_enrolments = by_course(Enrolment.objects.filter(completed_at__isnull=False), n=Count("pk"))
    evaluated = by_course(
        Evaluation.objects.filter(enrolment__completed_at__isnull=False),
        n=Count("pk"),
        before=Avg("confidence_before"),
        after=Avg("confidence_after"),
    )
    sent_deliveries = ReflectionPromptDelivery.objects.filter(sent_at__isnull=False)
    sent = by_course(sent_deliveries, field="completion__course_id", n=Count("pk"))
    # Only answers to prompts that were sent, so the rate stays a share of those.
    sent_key = Concat(
        Value("week-"),
        Cast("weeks", CharField()),
        Value(":completion-"),
        Cast("completion_id", CharField()),
        output_field=CharField(),
    )
    answered = by_course(
        Reflection.objects.filter(
            prompt_key__startswith="week-",
            prompt_key__in=sent_deliveries.annotate(key=sent_key).values("key"),
        ),
        n=Count("pk"),
    )

    rows = []
    for course in CoursePage.objects.order_by("path").only("pk", "title", "course_code"):
        c = completed.get(course.pk, {})
        done = c.get("n", 0)
        reached = done + started_only.get(course.pk, {}).get("n", 0)
        ev = evaluated.get(course.pk, {})
        s = sent.get(course.pk, {}).get("n", 0)
        t = timed.get(course.pk, {})
        rows.append(
            {
                "course": course,
                "reached": reached,
                "started_only": reached - done,
                "completed": done,
                "imported": c.get("imported", 0),
                "by_source": {source: c.get(f"source_{source}", 0) for source in CompletionSource.values},
                "sources": [
                    (label, c[f"source_{source}"]) for source, label in SOURCE_LABELS if c.get(f"source_{source}")
                ],
                "scored": c.get("scored", 0),
                "mean_score": _round1(c.get("mean_score")),
                "median_score": medians.get(course.pk),
                "timed": t.get("n", 0),
                "mean_minutes": _round1(t["seconds"] / t["n"] / 60) if t.get("n") else None,
                "completion_rate": _rate(done, reached),
                "evaluated": ev.get("n", 0),
                "evaluation_rate": _rate(ev.get("n", 0), finished_enrolments.get(course.pk, {}).get("n", 0)),
                "confidence_before": ev.get("before"),
                "confidence_after": ev.get("after"),
                "prompts_sent": s,
                "reflection_rate": _rate(answered.get(course.pk, {}).get("n", 0), s),
            }
        )
    return rows


def _round1(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _median_scores(completions) -> dict[int, Decimal]:
    """Each course's median score over its valid completions with a score: one query that
    numbers the scores within each course and keeps only the middle one or two."""
    from django.db.models import F, Window
    from django.db.models.functions import RowNumber

    within = {"partition_by": [F("course_id")]}
    middle = (
        completions.filter(score__isnull=False)
        .annotate(
            position=Window(RowNumber(), order_by=[F("score").asc(), F("pk").asc()], **within),
            count=Window(Count("pk"), **within),
        )
        .filter(Q(position=(F("count") + 1) / 2) | Q(position=(F("count") + 2) / 2))
        .values_list("course_id", "score")
    )
    found: dict[int, list[Decimal]] = {}
    for course_id, score in middle:
        found.setdefault(course_id, []).append(score)
    return {course_id: _round1(sum(scores) / len(scores)) for course_id, scores in found.items()}


def _time_spent(completions) -> dict[int, dict]:
    """Per course, the time recorded for completions made on this site, where the product knows
    it: a SCORM package's total time (the server's sum of its sessions) and the seconds of video
    watched, per enrolment. Native screens record when a module started and finished, not the
    time spent on it, so a completion with neither counts as not known. One grouped query."""
    from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
    from django.db.models.functions import Coalesce

    from courses.models import ScormAttempt, VideoProgress

    def per_enrolment(model, field):
        return Subquery(
            model.objects.filter(enrolment_id=OuterRef("pk"))
            .values("enrolment_id")
            .annotate(total=Sum(field))
            .values("total")[:1],
            output_field=DecimalField(max_digits=16, decimal_places=2),
        )

    zero = Value(Decimal(0), output_field=DecimalField(max_digits=16, decimal_places=2))
    spent = (
        Enrolment.objects.filter(completion__in=completions)
        .annotate(
            seconds=Coalesce(per_enrolment(ScormAttempt, "total_seconds"), zero)
            + Coalesce(per_enrolment(VideoProgress, "watched_seconds"), zero)
        )
        .filter(seconds__gt=0)
        .values("course_id")
        .annotate(n=Count("pk"), seconds=Sum("seconds"))
    )
    return {row["course_id"]: row for row in spent}


def _rate(part: int, whole: int) -> int | None:
    """A whole-number percentage, None when there is nothing to divide by; never over 100."""
    if not whole:
        return None
    return round(100 * min(part, whole) / whole)
