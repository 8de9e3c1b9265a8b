"""Completions entered by an administrator, with the reason and the evidence seen, and
completions voided: each with its audit event, in the same transaction."""

import datetime
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from compliance.access import require_compliance_admin
from compliance.audit.services import audit_event_record
from compliance.people.models import Person
from courses.dates import long_date
from courses.models import Completion, CompletionSource, CoursePage
from courses.services.completions import completion_record, completion_void

# The same bound as the import: an earlier year is a typing mistake.
EARLIEST_COMPLETION = datetime.date(1900, 1, 1)


@transaction.atomic
def completion_enter_manually(
    *,
    person: Person,
    course: CoursePage,
    completed_on: datetime.date,
    reason: str,
    evidence: str,
    actor: AbstractBaseUser,
    score: Decimal | None = None,
    source: str = "admin",
) -> tuple[Completion, bool]:
    """A completion entered by an administrator, with the reason and the evidence seen."""
    require_compliance_admin(actor)
    if not reason.strip() or not evidence.strip():
        raise ValidationError("A manual completion needs a reason and a description of the evidence.")
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": "The completion date is in the future."})
    if completed_on < EARLIEST_COMPLETION:
        raise ValidationError({"completed_on": f"The completion date is before {EARLIEST_COMPLETION:%d/%m/%Y}."})
    completed_at = timezone.make_aware(datetime.datetime.combine(completed_on, datetime.time(12)))
    completion, created = completion_record(
        user=person.user,
        course=course,
        source=CompletionSource.MANUAL,
        idempotency_key=f"manual:{person.staff_number}:{course.course_code}:{completed_on.isoformat()}",
        completed_at=completed_at,
        score=score,
        recorded_by=actor,
        reason=reason.strip(),
        evidence=evidence.strip(),
    )
    if created:
        audit_event_record(
            action="completion_entered",
            obj=completion,
            summary=f"{course.course_code} completed on {long_date(completed_on)} entered for {str(person)}",
            source=source,
            actor=actor,
            changes={"reason": reason, "evidence": evidence},
        )
    return completion, created


@transaction.atomic
def completion_void_audited(
    *, completion: Completion, actor: AbstractBaseUser, reason: str, source: str = "admin"
) -> Completion:
    require_compliance_admin(actor)
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for voiding the completion."})
    already = completion.voided_at is not None
    learner_person = Person.objects.filter(user_id=completion.user_id).first()
    learner = str(learner_person) if learner_person else str(completion.user)
    course_code = completion.course.course_code
    completion = completion_void(completion=completion, voided_by=actor, reason=reason)
    if not already:
        audit_event_record(
            action="completion_voided",
            obj=completion,
            summary=f"Completion {completion.pk} voided: {course_code} by {learner}",
            source=source,
            actor=actor,
            changes={"reason": reason},
        )
    return completion
