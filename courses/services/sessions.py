"""Booking face-to-face sessions, the waiting list and the attendance register.

Capacity holds under parallel booking because every change to a session's bookings
first locks the session row (SELECT ... FOR UPDATE), so bookers queue one at a time."""

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from courses.access import user_may_mark_register
from courses.conf import lms_setting
from courses.models import Booking, BookingStatus, Enrolment, FaceToFaceSession
from courses.services.errors import LearningError
from courses.services.learning import course_completion_check, enrolment_start
from courses.signals import booking_place_given

ACTIVE = [BookingStatus.BOOKED, BookingStatus.WAITLISTED]


def _locked_session(session_id: int) -> FaceToFaceSession:
    return FaceToFaceSession.objects.select_for_update().select_related("course").get(pk=session_id)


def booking_audience_refusal(*, user, course) -> str:
    """Why `user` may not book `course`'s sessions, or "" if they may.

    Courses know who a course is for only in words and free tags; ranks and grades live
    elsewhere. So the check is pluggable: the BOOKING_AUDIENCE_CHECK option names a
    function `check(*, user, course) -> str` (a refusal message, "" to allow), provided by
    whichever app knows people's roles. Without it, anyone may book (the audience is shown
    next to the Book button)."""
    path = lms_setting("BOOKING_AUDIENCE_CHECK")
    if not path:
        return ""
    return import_string(path)(user=user, course=course) or ""


@transaction.atomic
def booking_create(*, user, session: FaceToFaceSession, waitlist_ok: bool = True) -> Booking:
    """Book a place, or join the waiting list when the session is full."""
    session = _locked_session(session.pk)
    if session.cancelled:
        raise LearningError("This session has been cancelled.")
    if session.starts_at <= timezone.now():
        raise LearningError("This session has already started.")
    refusal = booking_audience_refusal(user=user, course=session.course)
    if refusal:
        raise LearningError(refusal, code="permission_denied")
    mine = Booking.objects.filter(user=user, status__in=ACTIVE, session__course=session.course).select_related(
        "session"
    )
    for booking in mine:
        if booking.session_id == session.pk:
            return booking
        raise LearningError(
            f"You already have a place for this course on {booking.session.starts_at:%d/%m/%Y}. "
            "Cancel that booking first to change session."
        )
    booked = Booking.objects.filter(session=session, status=BookingStatus.BOOKED).count()
    if booked >= session.capacity and not waitlist_ok:
        raise LearningError("This session is full.")
    status = BookingStatus.BOOKED if booked < session.capacity else BookingStatus.WAITLISTED
    enrolment_start(user=user, course=session.course)
    return Booking.objects.create(session=session, user=user, status=status)


@transaction.atomic
def booking_cancel(*, user, booking: Booking) -> Booking:
    """Cancel a booking or leave the waiting list; a freed place goes to the first waiting."""
    session = _locked_session(booking.session_id)
    booking = Booking.objects.get(pk=booking.pk)
    if booking.user_id != user.pk:
        raise LearningError("This is not your booking.", code="not_found")
    if booking.status == BookingStatus.CANCELLED:
        return booking
    if booking.attended is not None:
        raise LearningError("Attendance has already been recorded for this booking.")
    freed = booking.status == BookingStatus.BOOKED
    booking.status = BookingStatus.CANCELLED
    booking.save(update_fields=["status", "status_changed_at"])
    if freed and session.starts_at > timezone.now():
        _promote_waiting(session)
    return booking


def _promote_waiting(session: FaceToFaceSession) -> Booking | None:
    booked = Booking.objects.filter(session=session, status=BookingStatus.BOOKED).count()
    if booked >= session.capacity:
        return None
    first = (
        Booking.objects.filter(session=session, status=BookingStatus.WAITLISTED).order_by("created_at", "pk").first()
    )
    if first is None:
        return None
    first.status = BookingStatus.BOOKED
    first.save(update_fields=["status", "status_changed_at"])
    booking_place_given.send(sender=Booking, booking=first)
    return first


def session_can_mark_register(*, user, session: FaceToFaceSession) -> bool:
    return user_may_mark_register(user=user, facilitator_ids=[session.facilitator_id])


def session_register_open(*, session: FaceToFaceSession, now=None) -> bool:
    """Attendance can be marked once the session has started, not before."""
    return session.starts_at <= (now or timezone.now())


def register_not_open_message(session: FaceToFaceSession) -> str:
    starts = timezone.localtime(session.starts_at)
    return (
        f"You can mark attendance once the session has started, at {starts:%H:%M} on {starts:%A %d %B %Y}. "
        "Until then you can view who is booked."
    )


@transaction.atomic
def attendance_mark(*, session: FaceToFaceSession, marked_by, attended_booking_ids: set[int]) -> int:
    """Mark the register: the booked learners listed attended, the others did not.
    Attending completes the face-to-face part (and the course, if the rest is done)."""
    if not session_can_mark_register(user=marked_by, session=session):
        raise LearningError("Only the facilitator or L&D can mark this register.", code="permission_denied")
    session = _locked_session(session.pk)
    if not session_register_open(session=session):
        raise LearningError(register_not_open_message(session), code="too_early")
    bookings = list(Booking.objects.filter(session=session, status=BookingStatus.BOOKED).select_related("user"))
    unknown = set(attended_booking_ids) - {b.pk for b in bookings}
    if unknown:
        raise LearningError("The register lists people who are not booked on this session.")
    now = timezone.now()
    attended = 0
    for booking in bookings:
        was_there = booking.pk in attended_booking_ids
        if booking.attended != was_there:
            booking.attended = was_there
            booking.marked_by = marked_by
            booking.marked_at = now
            booking.save(update_fields=["attended", "marked_by", "marked_at", "status_changed_at"])
        if was_there:
            attended += 1
            enrolment = (
                Enrolment.objects.filter(user=booking.user, course=session.course).order_by("-started_at").first()
            )
            if enrolment is None or (enrolment.completed_at and enrolment.attended_at is None):
                enrolment, _ = enrolment_start(user=booking.user, course=session.course)
            if enrolment.attended_at is None:
                Enrolment.objects.filter(pk=enrolment.pk).update(attended_at=session.starts_at)
                course_completion_check(enrolment=enrolment)
    return attended
