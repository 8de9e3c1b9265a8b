"""The learner's own record: enrolments with their progress, My learning, certificates by
code, and the published page a request names. Each a fixed number of queries."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from courses.models import (
    Booking,
    BookingStatus,
    Certificate,
    Completion,
    CoursePage,
    Enrolment,
    FaceToFaceSession,
    ModulePage,
    ProgressStatus,
    Reflection,
    ReflectionPromptDelivery,
)

# The largest id a database integer column holds. Page ids are looked up through Wagtail's
# parent link, where Django does not guard the range, so a larger one would be an error.
MAX_ID = 2**63 - 1


def live_page(*, model: type, page_id: int):
    """The published page of this type with this id, or None."""
    if not 0 < page_id <= MAX_ID:
        return None
    return model.objects.live().filter(pk=page_id).first()


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
