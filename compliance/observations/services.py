"""The manager observation prompt: creating the due prompts and recording the answer.

Creating (`observation_prompts_create_due`, daily) is set-based: one query finds every valid
completion whose course asks for an observation and whose day has come, for a learner who
is still serving and has an active line manager; the prompts are inserted with
`bulk_create(ignore_conflicts=True)`, and the one-to-one on the completion makes a second run,
or two at once, insert nothing. The reminders app emails each manager once about theirs
(one message per manager and day, through the same send protocol as every other message).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from compliance.audit.services import audit_event_record
from compliance.observations.models import ManagerObservation, ObservedChange
from compliance.observations.selectors import CATCH_UP_DAYS, observations_for_manager
from compliance.people.models import Person
from courses.models import Completion, CoursePage

INSERT_BATCH_SIZE = 2000
MAX_NOTES_LENGTH = 5000


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def observation_prompts_create_due(*, today: datetime.date | None = None) -> int:
    """Insert a prompt for every completion whose observation day has come (within the last
    CATCH_UP_DAYS). One SELECT and batched INSERTs; returns how many were new."""
    today = today or timezone.localdate()
    windows = Q()
    days_by_course = dict(
        CoursePage.objects.filter(manager_observation_days__gte=1).values_list("pk", "manager_observation_days")
    )
    if not days_by_course:
        return 0
    for course_id, days in days_by_course.items():
        # Completed on day D is due on D + days: due within [today - CATCH_UP_DAYS, today].
        last_day = today - datetime.timedelta(days=days)
        windows |= Q(
            course_id=course_id,
            completed_at__gte=_start_of(last_day - datetime.timedelta(days=CATCH_UP_DAYS)),
            completed_at__lt=_start_of(last_day + datetime.timedelta(days=1)),
        )
    candidates = (
        Completion.objects.filter(windows, voided_at__isnull=True)
        .filter(
            user__person__is_active=True,
            user__person__line_manager__isnull=False,
            user__person__line_manager__is_active=True,
        )
        .exclude(Exists(ManagerObservation.objects.filter(completion=OuterRef("pk"))))
        .values_list("pk", "course_id", "completed_at", "user__person__id", "user__person__line_manager_id")
        .order_by("pk")
    )
    rows = [
        ManagerObservation(
            completion_id=completion_id,
            course_id=course_id,
            learner_id=learner_id,
            manager_id=manager_id,
            due_on=timezone.localdate(completed_at) + datetime.timedelta(days=days_by_course[course_id]),
        )
        for completion_id, course_id, completed_at, learner_id, manager_id in candidates.iterator(chunk_size=5000)
    ]
    before = ManagerObservation.objects.count() if rows else 0
    ManagerObservation.objects.bulk_create(rows, batch_size=INSERT_BATCH_SIZE, ignore_conflicts=True)
    return ManagerObservation.objects.count() - before if rows else 0


def observation_record(*, user, observation_id: int, observed_change, notes) -> ManagerObservation:
    """Record a manager's answer, once. Raises PermissionDenied for anyone but the manager it
    was addressed to or the learner's current line manager, ValidationError for bad input or
    an answer already recorded."""
    observation = (
        observations_for_manager(user=user)
        .filter(pk=observation_id, completion__voided_at__isnull=True, learner__is_active=True)
        .first()
    )
    if observation is None:
        raise PermissionDenied("That observation is not yours to record.")
    errors = {}
    if not isinstance(observed_change, str) or observed_change not in ObservedChange.values:
        errors["observed_change"] = "Choose what change you have seen"
    notes = notes.strip() if isinstance(notes, str) else ""
    if len(notes) > MAX_NOTES_LENGTH:
        errors["notes"] = f"Keep what you write under {MAX_NOTES_LENGTH:,} characters"
    if "\x00" in notes:
        errors["notes"] = "Remove the null characters from what you wrote"
    if errors:
        raise ValidationError(errors)
    recorder = Person.objects.get(user=user)
    updated = ManagerObservation.objects.filter(pk=observation.pk, recorded_at__isnull=True).update(
        observed_change=observed_change, notes=notes, recorded_at=timezone.now(), recorded_by=recorder
    )
    if not updated:
        raise ValidationError("This observation has already been recorded.", code="duplicate")
    observation.refresh_from_db()
    # The notes stay out of the trail: it is searchable by administrators, the notes are not theirs.
    audit_event_record(
        action="observation_recorded",
        obj=observation,
        summary=f"Observed behaviour change recorded for {observation.learner.staff_number}",
        source="site",
        actor=user,
        changes={"observed_change": observed_change},
    )
    return observation
