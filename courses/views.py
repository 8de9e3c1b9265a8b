"""The learner's actions and pages outside the page tree. Views call services and
selectors; a bad request gets a clear message, never a server error."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST, require_safe

from courses.blocks import knowledge_check_questions, module_reflection_prompts
from courses.forms import EvaluationForm, ReflectionForm
from courses.models import (
    Booking,
    CoursePage,
    Enrolment,
    Evaluation,
    FaceToFaceSession,
    ModulePage,
    ReflectionPromptDelivery,
)
from courses.selectors.learning import certificate_by_code, live_page, my_learning_for
from courses.selectors.pages import course_page_context, module_page_context, question_views
from courses.services.errors import LearningError
from courses.services.learning import enrolment_start, knowledge_check_submit, module_complete, module_visit
from courses.services.reflection import evaluation_submit, reflection_save_for_module, reflection_save_for_prompt
from courses.services.sessions import (
    attendance_mark,
    booking_cancel,
    booking_create,
    register_not_open_message,
    session_can_mark_register,
    session_register_open,
)


def _live_course(course_id: int) -> CoursePage:
    if (course := live_page(model=CoursePage, page_id=course_id)) is None:
        raise Http404("No such course.")
    return course


def _live_module(module_id: int) -> ModulePage:
    if (module := live_page(model=ModulePage, page_id=module_id)) is None:
        raise Http404("No such module.")
    return module


@login_required
@require_POST
def course_start(request, course_id: int):
    course = _live_course(course_id)
    try:
        enrolment_start(user=request.user, course=course)
    except LearningError as error:
        messages.error(request, error.message)
        return redirect(course.url)
    resume = course_page_context(course=course, user=request.user)["resume_url"]
    return redirect(resume or course.url)


def _module_response(request, module: ModulePage, *, screen: int, extra: dict, status: int = 200):
    context = {
        "page": module,
        "self": module,
        **module_page_context(module=module, user=request.user, screen=screen, attempt_id=None),
        **extra,
    }
    return TemplateResponse(request, module.get_template(request), context, status=status)


@login_required
@require_POST
def knowledge_check(request, module_id: int):
    module = _live_module(module_id)
    questions = knowledge_check_questions(module.body)
    answers = {q["id"]: request.POST.getlist(f"q-{q['id']}") for q in questions}
    answers = {key: value for key, value in answers.items() if value}
    check_screen = questions[0]["screen"] if questions else 1
    try:
        attempt = knowledge_check_submit(user=request.user, module=module, answers=answers)
    except LearningError as error:
        views = question_views(questions=questions, answers=answers, errors=error.field_errors)
        return _module_response(
            request,
            module,
            screen=check_screen,
            extra={
                "question_views": views,
                "check_error": error.message,
                "check_errors": error.field_errors,
                "check_form_open": True,
            },
            status=400,
        )
    return redirect(f"{module.url}?screen={check_screen}&attempt={attempt.pk}#check-result")


@login_required
@require_POST
def module_mark_complete(request, module_id: int):
    module = _live_module(module_id)
    try:
        module_complete(user=request.user, module=module)
    except LearningError as error:
        messages.error(request, error.message)
        return redirect(module.url)
    messages.success(request, f"You completed “{module.title}”.")
    return _after_module(request, module)


@login_required
@require_POST
def module_move(request, module_id: int):
    """Previous and Next: record where the learner is (starting the course on the first move),
    then show that screen. Viewing a page records nothing; moving on does."""
    module = _live_module(module_id)
    screen = request.POST.get("screen", "")
    total = max(len(module.body), 1)
    number = min(max(int(screen), 1), total) if screen.isdigit() else 1
    try:
        module_visit(user=request.user, module=module, screen=number)
    except LearningError as error:
        messages.error(request, error.message)
        return redirect(module.url)
    return redirect(f"{module.url}?screen={number}")


def _after_module(request, module: ModulePage):
    following = module.get_next_siblings().live().first()
    if following:
        return redirect(following.url)
    return redirect(module.get_parent().url)


@login_required
@require_POST
def module_reflection(request, module_id: int):
    module = _live_module(module_id)
    prompt_id = request.POST.get("prompt_id", "")
    text = request.POST.get("text", "")
    screen = request.POST.get("screen", "")
    screen = int(screen) if screen.isdigit() else 1
    try:
        reflection_save_for_module(user=request.user, module=module, prompt_id=prompt_id, text=text)
    except LearningError as error:
        if prompt_id not in {p["id"] for p in module_reflection_prompts(module.body)}:
            messages.error(request, error.message)
            return redirect(f"{module.url}?screen={screen}")
        # Give the learner's words back, with the error by the field, rather than lose them.
        context = module_page_context(module=module, user=request.user, screen=screen, attempt_id=None)
        context["reflections"] = {**context["reflections"], prompt_id: text}
        context["reflection_errors"] = {prompt_id: error.field_errors.get("text") or error.message}
        context["reflection_error_summary"] = error.message
        context["reflection_error_id"] = prompt_id
        return TemplateResponse(
            request, module.get_template(request), {"page": module, "self": module, **context}, status=400
        )
    messages.success(request, "Your reflection is saved. Only you can read it.")
    return redirect(f"{module.url}?screen={screen}")


@login_required
@require_POST
def session_book(request, session_id: int):
    session = get_object_or_404(FaceToFaceSession.objects.select_related("course"), pk=session_id)
    try:
        booking = booking_create(user=request.user, session=session, waitlist_ok=request.POST.get("waitlist") == "yes")
    except LearningError as error:
        messages.error(request, error.message)
    else:
        if booking.status == "booked":
            messages.success(request, f"You are booked on {session.starts_at:%A %d %B %Y at %H:%M}.")
        else:
            messages.success(request, "You are on the waiting list. We will email you if a place comes free.")
    return redirect(session.course.url)


@login_required
@require_POST
def booking_cancel_view(request, booking_id: int):
    booking = get_object_or_404(Booking.objects.select_related("session__course"), pk=booking_id, user=request.user)
    try:
        booking_cancel(user=request.user, booking=booking)
    except LearningError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Your booking is cancelled.")
    next_url = request.POST.get("next")
    return redirect(next_url if next_url in ("/my-learning/",) else booking.session.course.url)


@login_required
def session_register(request, session_id: int):
    session = get_object_or_404(FaceToFaceSession.objects.select_related("course", "facilitator"), pk=session_id)
    if not session_can_mark_register(user=request.user, session=session):
        raise PermissionDenied("Only the facilitator or L&D can mark this register.")
    error = None
    register_open = session_register_open(session=session)
    if request.method == "POST" and not register_open:
        error = register_not_open_message(session)
    elif request.method == "POST":
        try:
            ids = {int(value) for value in request.POST.getlist("attended")}
            count = attendance_mark(session=session, marked_by=request.user, attended_booking_ids=ids)
        except ValueError:
            error = "The register sent was not valid. Reload the page and try again."
        except LearningError as exc:
            error = exc.message
        else:
            messages.success(request, f"Register saved: {count} attended.")
            return redirect("courses:session_register", session_id=session.pk)
    bookings = (
        session.bookings.filter(status="booked").select_related("user").order_by("user__last_name", "user__first_name")
    )
    waiting = session.bookings.filter(status="waitlisted").select_related("user")
    return render(
        request,
        "courses/session_register.html",
        {
            "session": session,
            "bookings": bookings,
            "waiting": waiting,
            "error": error,
            "register_open": register_open,
            "not_open_message": "" if register_open else register_not_open_message(session),
        },
        status=400 if error else 200,
    )


@login_required
@require_safe
def my_learning(request):
    return render(request, "courses/my_learning.html", my_learning_for(user=request.user))


@login_required
def evaluation(request, course_id: int):
    course = _live_course(course_id)
    enrolment = (
        Enrolment.objects.filter(user=request.user, course=course, completed_at__isnull=False)
        .order_by("-completed_at")
        .first()
    )
    if enrolment is None:
        messages.error(request, "Complete the course before evaluating it.")
        return redirect(course.url)
    if Evaluation.objects.filter(enrolment=enrolment).exists():
        return render(request, "courses/evaluation.html", {"course": course, "already_given": True})
    form = EvaluationForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                evaluation_submit(user=request.user, enrolment=enrolment, data=form.cleaned_data)
            except LearningError as error:
                messages.error(request, error.message)
                return redirect(course.url)
            messages.success(request, "Thank you for your evaluation.")
            return redirect(course.url)
        status = 400
    return render(request, "courses/evaluation.html", {"course": course, "form": form}, status=status)


@login_required
def reflection_prompt(request, delivery_id: int):
    delivery = get_object_or_404(
        ReflectionPromptDelivery.objects.select_related("completion__course"),
        pk=delivery_id,
        completion__user=request.user,
    )
    from courses.models import Reflection

    existing = Reflection.objects.filter(user=request.user, prompt_key=delivery.prompt_key).first()
    form = ReflectionForm(
        request.POST if request.method == "POST" else None, initial={"text": existing.text if existing else ""}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            reflection_save_for_prompt(user=request.user, delivery=delivery, text=form.cleaned_data["text"])
            messages.success(request, "Your reflection is saved. Only you can read it.")
            return redirect("courses:my_learning")
        status = 400
    return render(
        request,
        "courses/reflection_prompt.html",
        {"delivery": delivery, "form": form, "existing": existing},
        status=status,
    )


@login_required
@require_GET
def certificate(request, code: str):
    certificate = certificate_by_code(code=code)
    if certificate is None or (certificate.completion.user_id != request.user.pk and not request.user.is_staff):
        raise Http404("No such certificate.")
    response = render(
        request, "courses/certificate.html", {"certificate": certificate, "completion": certificate.completion}
    )
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.html"'
    return response


@require_GET
def certificate_verify(request, code: str | None = None):
    code = code or request.GET.get("code", "")
    certificate = certificate_by_code(code=code) if code else None
    status = 404 if code and certificate is None else 200
    return render(
        request,
        "courses/certificate_verify.html",
        {"code": code, "certificate": certificate, "checked": bool(code)},
        status=status,
    )
