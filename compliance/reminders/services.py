"""The small writes of the reminders app: a notification read, a digest preference, and the
rows that a decision on a request, a new request and a freed place make (sent at once)."""

from django.utils import timezone

from compliance.access import user_may_decide_request
from compliance.models import ExtensionRequest, RequestKind
from compliance.people.models import Person

from .models import DigestFrequency, DigestPreference, Reminder, ReminderKind
from .planning import reminders_enqueue
from .selectors import (
    user_notifications,
)
from .workdays import next_working_day


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications read, or all of them."""
    qs = user_notifications(user=user).filter(read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())


def digest_preference_set(*, person: Person, frequency: str) -> DigestPreference:
    if frequency not in DigestFrequency.values:
        raise ValueError(f"Unknown digest frequency: {frequency}")
    preference, _ = DigestPreference.objects.update_or_create(person=person, defaults={"frequency": frequency})
    return preference


def extension_decision_notify(*, request: ExtensionRequest) -> Reminder | None:
    """Tell the learner their request was decided: a message planned in the deciding
    transaction (so a rolled-back decision tells no one) and sent once it commits; it is in
    their notifications once sent."""
    person = request.assignment.person
    email = person.email or getattr(person.user, "email", "")
    if not email:
        return None
    reminder = Reminder.objects.create(
        kind=ReminderKind.EXTENSION_DECISION,
        extension_request=request,
        assignment=request.assignment,
        due_on=request.requested_due_date or request.assignment.effective_due_date,
        recipient_person=person,
        recipient_user=person.user,
        recipient_email=email,
        planned_on=timezone.localdate(),
        reason=f"Request {'for an exemption' if request.kind == RequestKind.EXEMPTION else 'for more time'} "
        f"{request.get_status_display().lower()}"[:500],
    )
    reminders_enqueue(Reminder.objects.filter(pk=reminder.pk))
    return reminder


def extension_request_notify(*, request: ExtensionRequest) -> Reminder | None:
    """Tell the learner's line manager about a request (for more time, or for an exemption
    their line manager decides) in their next daily message (planned for the next working day;
    not sent if it is decided first). A request for an exemption that compliance
    administrators decide waits on their Requests to decide page instead: the line manager
    never sees it."""
    manager = request.assignment.person.line_manager
    email = manager and manager.is_active and (manager.email or getattr(manager.user, "email", ""))
    if not email or manager.user is None or not user_may_decide_request(user=manager.user, request=request):
        return None
    what = "an exemption" if request.kind == RequestKind.EXEMPTION else "more time"
    return Reminder.objects.create(
        kind=ReminderKind.EXTENSION_REQUEST,
        extension_request=request,
        assignment=request.assignment,
        due_on=request.requested_due_date or request.assignment.effective_due_date,
        recipient_person=manager,
        recipient_user=manager.user,
        recipient_email=email,
        planned_on=next_working_day(timezone.localdate()),
        reason=f"A request for {what} from someone they line manage.",
    )


def booking_place_notify(*, booking) -> Reminder | None:
    """Tell a learner a place came free and is now theirs (planned in the transaction that
    gave it to them, sent once it commits)."""
    user = booking.user
    if not user.email:
        return None
    reminder, created = Reminder.objects.get_or_create(
        booking=booking,
        defaults={
            "kind": ReminderKind.BOOKING_PLACE,
            "recipient_person": Person.objects.filter(user=user).first(),
            "recipient_user": user,
            "recipient_email": user.email,
            "planned_on": timezone.localdate(),
            "reason": "A place came free on a session they were waiting for.",
        },
    )
    if created:
        reminders_enqueue(Reminder.objects.filter(pk=reminder.pk))
    return reminder
