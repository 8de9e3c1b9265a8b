"""Reads for manager observations: who may answer which prompt, and L&D's totals.

Who may see and answer a prompt: the manager it was addressed to, and whoever is the
learner's line manager now (a manager who moves on leaves the prompt with their successor).
A recorded answer is also shown to the learner's chain of command on their team page. Not
to the learner, L&D or the D&I analyst: L&D see per-course totals only.
"""

import datetime

from django.db.models import Count, Q, QuerySet

from compliance.observations.models import ManagerObservation, ObservedChange
from compliance.people.models import Person

# A prompt is made (and its email retried) up to this many days after it fell due; a course
# that starts asking for observations does not prompt about completions from long ago.
CATCH_UP_DAYS = 30
# Shares of answers are shown to L&D only from this many answers per course up, so a
# single manager's view of a single learner cannot be read off the report.
MIN_ANSWERS_FOR_SHARES = 5


def _active_person(user) -> Person | None:
    if not user or not user.is_authenticated:
        return None
    return Person.objects.filter(user=user, is_active=True).only("pk").first()


def observation_prompts_to_email(*, today: datetime.date) -> QuerySet[ManagerObservation]:
    """Prompts still to email: not yet emailed, unanswered, recent, the completion valid and
    both people serving."""
    return ManagerObservation.objects.filter(
        prompted_at__isnull=True,
        recorded_at__isnull=True,
        due_on__gte=today - datetime.timedelta(days=CATCH_UP_DAYS),
        due_on__lte=today,
        completion__voided_at__isnull=True,
        learner__is_active=True,
        manager__is_active=True,
    )


def observations_for_manager(*, user) -> QuerySet[ManagerObservation]:
    """Every prompt this user may answer (pending or recorded)."""
    person = _active_person(user)
    if person is None:
        return ManagerObservation.objects.none()
    return ManagerObservation.objects.filter(Q(manager=person) | Q(learner__line_manager=person)).exclude(
        learner=person
    )


def observations_pending_for(*, user) -> QuerySet[ManagerObservation]:
    """Prompts waiting for this manager's answer: due, not answered, the completion still
    valid and the learner still serving."""
    return (
        observations_for_manager(user=user)
        .filter(recorded_at__isnull=True, completion__voided_at__isnull=True, learner__is_active=True)
        .select_related("learner", "course", "completion")
        .order_by("due_on", "pk")
    )


def observations_recorded_for(*, user, limit: int = 20) -> list[ManagerObservation]:
    """The most recent answers this user may see as the answering manager."""
    return list(
        observations_for_manager(user=user)
        .filter(recorded_at__isnull=False)
        .select_related("learner", "course", "recorded_by")
        .order_by("-recorded_at", "-pk")[:limit]
    )


def observations_recorded_about(*, person: Person) -> list[ManagerObservation]:
    """Recorded answers about one learner, for the team page of someone in their chain (the
    caller has checked that the viewer manages them)."""
    return list(
        ManagerObservation.objects.filter(learner=person, recorded_at__isnull=False, completion__voided_at__isnull=True)
        .select_related("course", "recorded_by")
        .order_by("-recorded_at", "-pk")
    )


def observation_pending_count(*, user) -> int:
    return observations_pending_for(user=user).count()


def observation_rates_by_course() -> list[dict]:
    """Per course, in one grouped query: prompts made, emailed, answered, the response rate,
    and the share of each answer (only from MIN_ANSWERS_FOR_SHARES answers up). No names."""
    answer_counts = {choice.value: Count("pk", filter=Q(observed_change=choice.value)) for choice in ObservedChange}
    rows = (
        ManagerObservation.objects.filter(completion__voided_at__isnull=True)
        .values("course_id", "course__title", "course__course_code")
        .annotate(
            due=Count("pk"),
            prompted=Count("pk", filter=Q(prompted_at__isnull=False)),
            recorded=Count("pk", filter=Q(recorded_at__isnull=False)),
            **answer_counts,
        )
        .order_by("course__title", "course_id")
    )

    def percent(part: int, whole: int) -> int | None:
        return round(100 * part / whole) if whole else None

    report = []
    for row in rows:
        recorded = row["recorded"]
        shares_shown = recorded >= MIN_ANSWERS_FOR_SHARES
        report.append(
            {
                "title": row["course__title"],
                "course_code": row["course__course_code"],
                "due": row["due"],
                "prompted": row["prompted"],
                "recorded": recorded,
                "response_rate": percent(recorded, row["due"]),
                "shares_shown": shares_shown,
                "shares": [
                    (choice.label, percent(row[choice.value], recorded) if shares_shown else None)
                    for choice in ObservedChange
                ],
                "improved_share": (
                    percent(row[ObservedChange.CLEARLY_IMPROVED] + row[ObservedChange.SOME_CHANGE], recorded)
                    if shares_shown
                    else None
                ),
            }
        )
    return report
