"""Thin Celery tasks: take ids, re-fetch, call a service. Safe to run twice."""

import smtplib

from django.core.mail import send_mail
from django.core.management import call_command
from django.urls import reverse

from courses.conf import site_url
from courses.mail import subject_line
from courses.models import Booking, BookingStatus
from courses.resilient import RETRY_ON_OUTAGE, lms_task


def _absolute(path: str) -> str:
    return site_url(path)


@lms_task
def send_booking_promoted(booking_id: int) -> bool:
    """Tell a learner a place came free and is now theirs."""
    booking = Booking.objects.select_related("session__course", "user").filter(pk=booking_id).first()
    if booking is None or booking.status != BookingStatus.BOOKED or not booking.user.email:
        return False
    session = booking.session
    send_mail(
        subject=subject_line(f"You have a place: {session.course.title}"),
        message=(
            f"A place came free on {session.course.title} on {session.starts_at:%A %d %B %Y at %H:%M} "
            f"({session.where}), and it is now yours.\n\n"
            f"If you can no longer go, cancel it from My learning so the next person can have it: "
            f"{_absolute(reverse('courses:my_learning'))}\n"
        ),
        from_email=None,
        recipient_list=[booking.user.email],
    )
    return True


@lms_task(
    acks_late=True,
    autoretry_for=(OSError, smtplib.SMTPException, *RETRY_ON_OUTAGE["autoretry_for"]),
    retry_backoff=60,
    retry_backoff_max=60 * 60,
    retry_jitter=True,
    max_retries=6,
)
def send_reflection_prompt(delivery_id: int) -> bool:
    from courses.services.reflection import reflection_prompt_send

    def send(delivery):
        user = delivery.completion.user
        course = delivery.completion.course
        if not user.email:
            return
        send_mail(
            subject=subject_line(f"Time to reflect: {course.title}"),
            message=(
                f"It is {delivery.weeks} weeks since you completed {course.title}.\n\n"
                f"{course.reflection_prompt}\n\n"
                f"Write your reflection (only you can read it): "
                f"{_absolute(reverse('courses:reflection_prompt', args=[delivery.pk]))}\n"
            ),
            from_email=None,
            recipient_list=[user.email],
        )

    return reflection_prompt_send(delivery_id=delivery_id, send=send)


@lms_task(acks_late=True, **RETRY_ON_OUTAGE)
def enqueue_due_reflection_prompts() -> int:
    """Run by beat (daily): queues one email per due prompt not yet sent, so a prompt whose
    task was lost goes the next run; sending is once per prompt, whoever runs it."""
    from courses.services.reflection import reflection_prompts_enqueue_due

    return reflection_prompts_enqueue_due()


@lms_task(acks_late=True, **RETRY_ON_OUTAGE)
def publish_scheduled() -> None:
    """Wagtail's scheduled publishing: pages approved with a go-live time go live, and pages
    past their expiry time are unpublished. The beat runs it every few minutes."""
    call_command("publish_scheduled", verbosity=0)
