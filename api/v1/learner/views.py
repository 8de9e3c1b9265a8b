"""The signed-in learner's own learning: courses and progress, modules, knowledge checks,
bookings, reflections and evaluations. Every query is filtered to the caller; another
person's ids answer 404, exactly as ids that do not exist."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.v1.learner import serializers as s
from courses.blocks import knowledge_check_questions
from courses.models import (
    Booking,
    CoursePage,
    Enrolment,
    Evaluation,
    KnowledgeCheckAttempt,
    ModulePage,
    ModuleProgress,
    ProgressStatus,
    Reflection,
    ReflectionPromptDelivery,
)
from courses.selectors.learning import learner_enrolments, live_page
from courses.selectors.pages import module_rows, sessions_upcoming
from courses.services.errors import LearningError
from courses.services.learning import enrolment_start, knowledge_check_submit, module_visit
from courses.services.reflection import evaluation_submit, reflection_save_for_module, reflection_save_for_prompt
from courses.services.sessions import booking_cancel, booking_create


def _raise(error: LearningError):
    if error.code == "not_found":
        raise exceptions.NotFound(error.message)
    if error.code == "permission_denied":
        raise exceptions.PermissionDenied(error.message)
    raise exceptions.ValidationError(error.field_errors or {"detail": [error.message]})


def _course(code: str) -> CoursePage:
    return get_object_or_404(CoursePage.objects.live(), course_code=code)


def _progress_row(enrolment: Enrolment) -> dict:
    certificate = getattr(enrolment.completion, "certificate", None) if enrolment.completion_id else None
    return {
        "course_code": enrolment.course.course_code,
        "title": enrolment.course.title,
        "url": enrolment.course.url,
        "delivery_mode": enrolment.course.delivery_mode,
        "status": "completed" if enrolment.completed_at else "in_progress",
        "started_at": enrolment.started_at,
        "completed_at": enrolment.completed_at,
        "attended_at": enrolment.attended_at,
        "modules_done": enrolment.modules_done,
        "modules_required": enrolment.modules_required,
        "certificate_code": certificate.code if certificate else None,
    }


class LearnerView(APIView):
    permission_classes = [IsAuthenticated]


@extend_schema(tags=["learner"])
class MyCoursesView(LearnerView):
    """Every course I have started, newest first, with my progress."""

    @extend_schema(responses=s.CourseProgressSerializer(many=True))
    def get(self, request):
        rows = [_progress_row(e) for e in learner_enrolments(user=request.user)]
        return Response(s.CourseProgressSerializer(rows, many=True).data)


@extend_schema(tags=["learner"])
class MyCourseView(LearnerView):
    """My progress on one course (my latest enrolment), module by module."""

    @extend_schema(responses=s.CourseDetailSerializer)
    def get(self, request, course_code: str):
        course = _course(course_code)
        enrolments = learner_enrolments(user=request.user, course=course)
        if not enrolments:
            raise exceptions.NotFound("You have not started this course.")
        current = next((e for e in enrolments if e.completed_at is None), enrolments[0])
        rows = module_rows(course=course, enrolment=current)
        data = _progress_row(current) | {
            "modules": [
                {
                    "id": r.module.pk,
                    "title": r.module.title,
                    "url": r.module.url,
                    "required": r.module.required,
                    "status": r.status,
                    "last_screen": r.last_screen,
                    "best_score": r.best_score,
                }
                for r in rows
            ]
        }
        return Response(s.CourseDetailSerializer(data).data)


@extend_schema(tags=["learner"])
class StartCourseView(LearnerView):
    """Start a course (or a new cycle of one I completed). Starting twice changes nothing."""

    @extend_schema(request=None, responses={201: s.CourseProgressSerializer, 200: s.CourseProgressSerializer})
    def post(self, request, course_code: str):
        course = _course(course_code)
        try:
            enrolment, created = enrolment_start(user=request.user, course=course)
        except LearningError as error:
            _raise(error)
        enrolment = next(e for e in learner_enrolments(user=request.user, course=course) if e.pk == enrolment.pk)
        return Response(
            s.CourseProgressSerializer(_progress_row(enrolment)).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


def _module_data(*, user, module: ModulePage) -> dict:
    course = CoursePage.objects.get(path=module.path[: -ModulePage.steplen])
    enrolment = (
        Enrolment.objects.filter(user=user, course=course, completed_at__isnull=True).first()
        or Enrolment.objects.filter(user=user, course=course).order_by("-started_at").first()
    )
    progress = ModuleProgress.objects.filter(enrolment=enrolment, module=module).first() if enrolment else None
    attempts = list(KnowledgeCheckAttempt.objects.filter(enrolment=enrolment, module=module)[:20]) if enrolment else []
    questions = knowledge_check_questions(module.body)
    return {
        "id": module.pk,
        "title": module.title,
        "course_code": course.course_code,
        "screens": len(module.body),
        "pass_mark": module.pass_mark,
        "status": "not_started"
        if progress is None
        else ("completed" if progress.status == ProgressStatus.COMPLETED else "in_progress"),
        "last_screen": progress.last_screen if progress else 1,
        "best_score": progress.best_score if progress else None,
        "questions": [
            {"id": q["id"], "number": n, "prompt": q["prompt"], "kind": q["kind"], "options": q["options"]}
            for n, q in enumerate(questions, start=1)
        ],
        "attempts": attempts,
    }


def _module(module_id: int) -> ModulePage:
    if (module := live_page(model=ModulePage, page_id=module_id)) is None:
        raise exceptions.NotFound("No such module.")
    return module


@extend_schema(tags=["learner"])
class ModuleView(LearnerView):
    """A module: my progress, my attempts, and its knowledge-check questions (never the answers)."""

    @extend_schema(responses=s.ModuleDetailSerializer)
    def get(self, request, module_id: int):
        return Response(s.ModuleDetailSerializer(_module_data(user=request.user, module=_module(module_id))).data)


@extend_schema(tags=["learner"])
class ModuleProgressView(LearnerView):
    """Save where I am in a module, so I resume there on any device."""

    @extend_schema(request=s.ProgressInputSerializer, responses=s.ModuleDetailSerializer)
    def put(self, request, module_id: int):
        module = _module(module_id)
        data = s.ProgressInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        screen = data.validated_data["screen"]
        if screen > max(len(module.body), 1):
            raise exceptions.ValidationError({"screen": [f"This module has {len(module.body)} screens."]})
        module_visit(user=request.user, module=module, screen=screen)
        return Response(s.ModuleDetailSerializer(_module_data(user=request.user, module=module)).data)


@extend_schema(tags=["learner"])
class KnowledgeCheckView(LearnerView):
    """Submit answers to a module's knowledge check. Marked on the server; passing completes
    the module, and the course when it was the last thing to do."""

    @extend_schema(request=s.AnswersInputSerializer, responses={201: s.AttemptResultSerializer})
    def post(self, request, module_id: int):
        module = _module(module_id)
        data = s.AnswersInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            attempt = knowledge_check_submit(user=request.user, module=module, answers=data.validated_data["answers"])
        except LearningError as error:
            _raise(error)
        questions = knowledge_check_questions(module.body)
        enrolment = Enrolment.objects.get(pk=attempt.enrolment_id)
        result = {
            "id": attempt.pk,
            "submitted_at": attempt.submitted_at,
            "correct": attempt.correct,
            "total": attempt.total,
            "score": attempt.score,
            "passed": attempt.passed,
            "pass_mark": module.pass_mark,
            "module_completed": ModuleProgress.objects.filter(
                enrolment=enrolment, module=module, status=ProgressStatus.COMPLETED
            ).exists(),
            "course_completed": enrolment.completion_id is not None,
            "results": [
                {"id": q["id"], "correct": attempt.results[q["id"]], "explanation": str(q["explanation"])}
                for q in questions
            ],
        }
        return Response(s.AttemptResultSerializer(result).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["learner"])
class SessionListView(LearnerView):
    """Upcoming face-to-face sessions of a course, with places left."""

    @extend_schema(
        parameters=[OpenApiParameter("course", str, required=True, description="Course code")],
        responses=s.SessionSerializer(many=True),
    )
    def get(self, request):
        code = request.query_params.get("course")
        if not code:
            raise exceptions.ValidationError({"course": ["Give a course code, e.g. ?course=MC-STAGE-1."]})
        sessions = sessions_upcoming(course=_course(code)).select_related("course")
        return Response(s.SessionSerializer(sessions, many=True).data)


@extend_schema(tags=["learner"])
class BookingListView(LearnerView):
    """My bookings (GET), or book a session (POST): a full session puts me on the waiting list."""

    @extend_schema(responses=s.BookingSerializer(many=True))
    def get(self, request):
        bookings = Booking.objects.filter(user=request.user).select_related("session__course").order_by("-created_at")
        return Response(s.BookingSerializer(bookings, many=True).data)

    @extend_schema(request=s.BookingInputSerializer, responses={201: s.BookingSerializer})
    def post(self, request):
        from courses.models import FaceToFaceSession

        data = s.BookingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = FaceToFaceSession.objects.filter(pk=data.validated_data["session"]).first()
        if session is None:
            raise exceptions.ValidationError({"session": ["No session has this id."]})
        try:
            booking = booking_create(user=request.user, session=session, waitlist_ok=data.validated_data["waitlist_ok"])
        except LearningError as error:
            _raise(error)
        booking = Booking.objects.select_related("session__course").get(pk=booking.pk)
        return Response(s.BookingSerializer(booking).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["learner"])
class BookingCancelView(LearnerView):
    """Cancel my booking, or leave the waiting list. A freed place goes to the first waiting."""

    @extend_schema(request=None, responses=s.BookingSerializer)
    def post(self, request, booking_id: int):
        booking = get_object_or_404(Booking, pk=booking_id, user=request.user)
        try:
            with transaction.atomic():
                booking = booking_cancel(user=request.user, booking=booking)
        except LearningError as error:
            _raise(error)
        booking = Booking.objects.select_related("session__course").get(pk=booking.pk)
        return Response(s.BookingSerializer(booking).data)


@extend_schema(tags=["learner"])
class ReflectionListView(LearnerView):
    """My private reflections (GET), or save one (POST). Nobody else can read them."""

    @extend_schema(responses=s.ReflectionSerializer(many=True))
    def get(self, request):
        reflections = Reflection.objects.filter(user=request.user).select_related("course")
        return Response(s.ReflectionSerializer(reflections, many=True).data)

    @extend_schema(request=s.ReflectionInputSerializer, responses={201: s.ReflectionSerializer})
    def post(self, request):
        data = s.ReflectionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            if "scheduled_prompt" in values:
                delivery = get_object_or_404(
                    ReflectionPromptDelivery.objects.select_related("completion__course"),
                    pk=values["scheduled_prompt"],
                    completion__user=request.user,
                )
                reflection = reflection_save_for_prompt(user=request.user, delivery=delivery, text=values["text"])
            else:
                module = _module(values["module"])
                reflection = reflection_save_for_module(
                    user=request.user, module=module, prompt_id=values["prompt_id"], text=values["text"]
                )
        except LearningError as error:
            _raise(error)
        return Response(s.ReflectionSerializer(reflection).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["learner"])
class EvaluationListView(LearnerView):
    """My course evaluations (GET), or evaluate a course I completed (POST, once per completion)."""

    @extend_schema(responses=s.EvaluationSerializer(many=True))
    def get(self, request):
        evaluations = Evaluation.objects.filter(enrolment__user=request.user).select_related("course")
        return Response(s.EvaluationSerializer(evaluations, many=True).data)

    @extend_schema(request=s.EvaluationInputSerializer, responses={201: s.EvaluationSerializer})
    def post(self, request):
        data = s.EvaluationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        course = _course(values.pop("course_code"))
        enrolment = (
            Enrolment.objects.filter(user=request.user, course=course, completed_at__isnull=False)
            .order_by("-completed_at")
            .first()
        )
        if enrolment is None:
            raise exceptions.ValidationError({"course_code": ["Complete the course before evaluating it."]})
        try:
            evaluation = evaluation_submit(user=request.user, enrolment=enrolment, data=values)
        except LearningError as error:
            if error.code == "duplicate":
                raise exceptions.ValidationError({"course_code": [error.message]}) from None
            _raise(error)
        return Response(s.EvaluationSerializer(evaluation).data, status=status.HTTP_201_CREATED)
