"""The manager observation prompt: creating the due prompts, emailing managers, recording
the answer.

Planning (`observation_prompts_plan`, daily) is set-based: one query finds every valid
completion whose course asks for an observation and whose day has come, for a learner who
is still serving and has an active line manager; the prompts are inserted with
`bulk_create(ignore_conflicts=True)`, and the one-to-one on the completion makes a second run,
or two at once, insert nothing. The emails are enqueued once the rows have committed, one task
per manager covering all their prompts, so a manager whose whole team did the course on the
same day gets one email.

Sending (`observation_prompts_send`) locks the manager's unsent rows, sends one email and
marks them prompted in the same transaction: a retried or duplicated task finds them
prompted and sends nothing; a failed send rolls back and is retried (and the next daily run
enqueues anything still unsent, for `CATCH_UP_DAYS`).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from compliance.models import ManagerObservation, ObservedChange, Person
from compliance.selectors.observations import observations_for_manager
from compliance.services.audit import audit_event_record
from courses.conf import lms_setting, site_url
from courses.models import Completion, CoursePage

# A prompt is made (and its email retried) up to this many days after it fell due; a course
# that starts asking for observations does not prompt about completions from long ago.
CATCH_UP_DAYS = 30
INSERT_BATCH_SIZE = 2000
MAX_NOTES_LENGTH = 5000


@dataclass
class ObservationPlanResult:
    created: int = 0
    managers: int = 0
    enqueued: int = 0


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


def _sendable(*, today: datetime.date):
    """Prompts still to email: unsent, unanswered, recent, completion valid, both people serving."""
    return ManagerObservation.objects.filter(
        prompted_at__isnull=True,
        recorded_at__isnull=True,
        due_on__gte=today - datetime.timedelta(days=CATCH_UP_DAYS),
        due_on__lte=today,
        completion__voided_at__isnull=True,
        learner__is_active=True,
        manager__is_active=True,
    )


def observation_prompts_plan(*, today: datetime.date | None = None, enqueue: bool = True) -> ObservationPlanResult:
    """The daily run: create the due prompts, then (after commit) one email task per manager."""
    from compliance.tasks import send_observation_prompts

    today = today or timezone.localdate()
    result = ObservationPlanResult()
    with transaction.atomic():
        result.created = observation_prompts_create_due(today=today)
        if not enqueue:
            return result
        by_manager: dict[int, list[int]] = defaultdict(list)
        for manager_id, pk in _sendable(today=today).order_by("manager_id", "pk").values_list("manager_id", "pk"):
            by_manager[manager_id].append(pk)
        as_of = today.isoformat()
        for manager_id, ids in by_manager.items():
            send_observation_prompts.delay_on_commit(manager_id, ids, as_of)
        result.managers = len(by_manager)
        result.enqueued = sum(len(ids) for ids in by_manager.values())
    return result


def _base_url() -> str:
    return site_url()


def observation_email_subject(*, prompts: list[ManagerObservation]) -> str:
    if len(prompts) == 1:
        prompt = prompts[0]
        return f"What change have you seen in {prompt.learner.full_name} since {prompt.course.title}?"
    return f"{len(prompts)} people in your team finished training a while ago: what change have you seen?"


def observation_email(*, manager: Person, prompts: list[ManagerObservation], today: datetime.date):
    base = _base_url()
    subject = observation_email_subject(prompts=prompts)
    items = [
        {
            "learner_name": p.learner.full_name,
            "course_title": p.course.title,
            "completed_on": timezone.localdate(p.completion.completed_at),
            "days": (p.due_on - timezone.localdate(p.completion.completed_at)).days,
            "url": base + reverse("compliance:observation-record", args=[p.pk]),
        }
        for p in prompts
    ]
    context = {
        "subject": subject,
        "site_name": lms_setting("SITE_NAME"),
        "base_url": base,
        "notifications_url": f"{base}/notifications/",
        "manager": manager,
        "items": items,
        "list_url": base + reverse("compliance:observations"),
        "today": today,
    }
    text = render_to_string("compliance/email/observation_prompt.txt", context)
    html = render_to_string("compliance/email/observation_prompt.html", context)
    domain = base.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
    first = min(p.pk for p in prompts)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[manager.email or manager.user.email],
        headers={"Message-ID": f"<observation-{manager.pk}-{first}@{domain}>"},
    )
    message.attach_alternative(html, "text/html")
    return message


def observation_prompts_send(*, manager_id: int, observation_ids: list[int], today: datetime.date | None = None) -> int:
    """Email a manager about these prompts, once. Returns how many prompts the email covered
    (0 if they were already sent, answered or are no longer needed)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        prompts = list(
            _sendable(today=today)
            .select_for_update(of=("self",))
            .filter(pk__in=observation_ids, manager_id=manager_id)
            .select_related("learner", "course", "completion", "manager__user")
            .order_by("due_on", "pk")
        )
        if not prompts:
            return 0
        manager = prompts[0].manager
        if not (manager.email or manager.user.email):
            return 0
        observation_email(manager=manager, prompts=prompts, today=today).send()
        ManagerObservation.objects.filter(pk__in=[p.pk for p in prompts]).update(prompted_at=timezone.now())
    return len(prompts)


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
