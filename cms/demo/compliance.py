"""Demo requirements and history, loaded by `load_demo` after people and courses.

One requirement for each programme in the product brief, then past completions (imported,
as from the force's previous platform), one full sync, and a few exemptions, extensions and
a pending request for more time, so every status appears.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from compliance.audit.services import audit_event_record
from compliance.importing.absences import import_absences
from compliance.models import Assignment, AssignmentState, Requirement
from compliance.observations.models import ManagerObservation, ObservedChange
from compliance.observations.services import observation_prompts_create_due, observation_record
from compliance.people.models import Person
from compliance.services.assignments import (
    exemption_grant,
    exemption_request_create,
    extension_grant,
    extension_request_create,
)
from compliance.services.sync import sync_all
from courses.models import CompletionSource, CoursePage
from courses.services.completions import CompletionInput, completions_record_many


def _requirements(today: datetime.date) -> list[dict]:
    """Every date is counted from `today`, so the demo tells the same story on any day of the
    year: a campaign whose deadline passed three weeks ago, another still running, a yearly
    window, monthly dilemmas, new starters."""
    campaign = today - datetime.timedelta(days=21)
    new_starters_from = today - datetime.timedelta(days=400)
    return [
        {
            "name": "Moral Courage stage 1",
            "courses": ["MC-STAGE-1"],
            "description": "Blended learning for every first line leader: creating the right team environment, "
            "behaving as a role model, leading inclusively and challenging behaviour.",
            "include_leadership_levels": ["first_line"],
            "trigger": "fixed_date",
            "fixed_due_date": campaign,
            "trigger_days": 90,
            "active_from": campaign - datetime.timedelta(days=240),
        },
        {
            "name": "Moral Courage XXL (stage 2)",
            "courses": ["MC-STAGE-2-XXL"],
            "description": "The Moral Courage event for senior leaders.",
            "include_leadership_levels": ["senior"],
            "trigger": "fixed_date",
            "fixed_due_date": today + datetime.timedelta(days=75),
            "trigger_days": 90,
            "active_from": today - datetime.timedelta(days=120),
        },
        {
            "name": "Moral Courage stage 3",
            "courses": ["MC-STAGE-3"],
            "description": "The online Moral Courage package for all employees.",
            # A learner's request to be exempted from it goes to their line manager.
            "exemption_decided_by": "line_manager",
            "trigger": "fixed_date",
            "fixed_due_date": today + datetime.timedelta(days=130),
            "trigger_days": 60,
            "active_from": today - datetime.timedelta(days=60),
        },
        {
            "name": "Championing Fairness",
            "courses": ["CHAMPIONING-FAIRNESS"],
            "description": "Part of Passport to Management, for every newly promoted first line leader.",
            "include_leadership_levels": ["first_line"],
            "trigger": "role_start",
            "trigger_days": 90,
            "triggered_on_or_after": today - datetime.timedelta(days=365),
            "active_from": today - datetime.timedelta(days=365),
        },
        {
            "name": "Learning from our History: police staff",
            "courses": ["LFOH-STAFF"],
            "description": "The relationship between our communities and the police, for new police staff.",
            "include_worker_types": ["police_staff", "pcso"],
            "trigger": "joining",
            "trigger_days": 60,
            "triggered_on_or_after": new_starters_from,
            "active_from": new_starters_from,
        },
        {
            "name": "Learning from our History: student officers",
            "courses": ["LFOH-STUDENT"],
            "description": "The relationship between our communities and the police, for student officers.",
            "include_worker_types": ["student_officer"],
            "trigger": "joining",
            "trigger_days": 90,
            "active_from": new_starters_from,
        },
        {
            "name": "Learning from our History: experienced officers",
            "courses": ["LFOH-OFFICER"],
            "description": "The relationship between our communities and the police, for serving officers.",
            "include_worker_types": ["police_officer"],
            "trigger": "requirement_start",
            "trigger_days": 180,
            "active_from": today - datetime.timedelta(days=160),
        },
        {
            "name": "Integrity health check",
            "courses": ["INTEGRITY-HEALTH-CHECK"],
            "description": "The annual integrity health check, for everyone.",
            "trigger": "requirement_start",
            "trigger_days": 90,
            "recurrence": "months",
            "recurrence_months": 12,
            "window_opens_days": 30,
            "active_from": today - datetime.timedelta(days=730),
        },
        {
            "name": "Inclusion training for recruitment assessors",
            "courses": ["ASSESSOR-INCLUSION"],
            "description": "Diversity and inclusion training before sitting on a recruitment panel.",
            "include_functions": ["recruitment-assessor"],
            "trigger": "function_gained",
            "trigger_function": "recruitment-assessor",
            "trigger_days": 30,
            "active_from": today - datetime.timedelta(days=365),
        },
        {
            "name": "Inclusion training for promotion panel members",
            "courses": ["ASSESSOR-INCLUSION"],
            "description": "Diversity and inclusion training before sitting on a promotion panel.",
            "include_functions": ["promotion-panel-member"],
            "trigger": "function_gained",
            "trigger_function": "promotion-panel-member",
            "trigger_days": 30,
            "active_from": today - datetime.timedelta(days=365),
        },
        {
            "name": "Equality assessment training",
            "courses": ["EQUALITY-ASSESSMENT"],
            "description": "For the leaders who own policies and change: refreshed before the end of every "
            "January, ahead of the planning year.",
            "include_leadership_levels": ["middle", "senior"],
            "trigger": "requirement_start",
            "trigger_days": 120,
            "recurrence": "calendar",
            "window_month": 1,
            "window_opens_days": 60,
            "active_from": today - datetime.timedelta(days=400),
        },
        {
            "name": "Dilemma of the month",
            "courses": ["DILEMMA-OF-THE-MONTH"],
            "description": "A short dilemma every month for every leader to work through and discuss with their team.",
            "include_leadership_levels": ["first_line", "middle", "senior"],
            "trigger": "requirement_start",
            "trigger_days": 30,
            "recurrence": "months",
            "recurrence_months": 1,
            "window_opens_days": 7,
            "active_from": today - datetime.timedelta(days=45),
        },
    ]


# Share of the audience with a past completion, and how many days ago (range).
HISTORY = {
    "MC-STAGE-1": (0.55, (5, 200)),
    "MC-STAGE-2-XXL": (0.3, (5, 100)),
    "MC-STAGE-3": (0.2, (1, 55)),
    "CHAMPIONING-FAIRNESS": (0.4, (5, 60)),
    "LFOH-STAFF": (0.4, (1, 40)),
    "LFOH-STUDENT": (0.5, (1, 80)),
    "LFOH-OFFICER": (0.45, (1, 150)),
    "INTEGRITY-HEALTH-CHECK": (0.85, (20, 420)),
    "ASSESSOR-INCLUSION": (0.6, (1, 300)),
    "EQUALITY-ASSESSMENT": (0.5, (30, 330)),
    "DILEMMA-OF-THE-MONTH": (0.6, (1, 25)),
}


def load_compliance_demo(*, seed: int, stdout) -> None:
    """Create the demo requirements and a realistic mix of completions and exceptions."""
    # The SCORM course loads here rather than with the catalogue, whose own test pins its
    # courses and their native screens; no requirement names it.
    from cms.demo.scorm import COURSE_CODE, load_scorm_demo
    from cms.demo.videos import load_video_demo

    load_scorm_demo(stdout=stdout)
    load_video_demo(course_code=COURSE_CODE, stdout=stdout)
    rng = random.Random(seed + 4)
    today = timezone.localdate()
    courses = {c.course_code: c for c in CoursePage.objects.all()}
    admin = get_user_model().objects.filter(username="compliance.admin").first()
    created = []
    for spec in _requirements(today):
        codes = [c for c in spec.pop("courses") if c in courses]
        if not codes:
            stdout.write(f"Skipped requirement '{spec['name']}': its course is not in the catalogue yet.")
            continue
        requirement, made = Requirement.objects.get_or_create(name=spec["name"], defaults=spec)
        if made:
            requirement.courses.set([courses[c] for c in codes])
            audit_event_record(
                action="requirement_created",
                obj=requirement,
                summary=f"Requirement '{requirement.name}' created",
                source="load_demo",
                actor=admin,
            )
            created.append(requirement)
    if not created:
        return
    # First sync, to know each person's obligations; then history for some of them.
    sync_all(today=today, cause="Demo: requirements created.")
    items = []
    # The newly promoted sergeant persona keeps their leadership courses to do, as an example.
    current = (
        Assignment.objects.filter(is_current=True, state=AssignmentState.OPEN)
        .exclude(person__user__username="sergeant", requirement__trigger__in=["role_start", "fixed_date"])
        .values_list("person__user_id", "person__staff_number", "requirement_id", "due_date")
    )
    course_of = {r.pk: courses[r.courses.first().course_code] for r in created}
    for user_id, staff, requirement_id, _due in current:
        course = course_of[requirement_id]
        share, (low, high) = HISTORY.get(course.course_code, (0.3, (1, 100)))
        if rng.random() >= share:
            continue
        done = today - datetime.timedelta(days=rng.randint(low, high))
        items.append(
            CompletionInput(
                user_id=user_id,
                course_id=course.pk,
                completed_at=timezone.make_aware(datetime.datetime.combine(done, datetime.time(10))),
                source=CompletionSource.IMPORT,
                idempotency_key=f"import:{staff}:{course.course_code}:{done.isoformat()}",
                score=None,
                reason="Imported from the previous learning platform",
            )
        )
    items = _observation_history(items, courses, today)
    count = completions_record_many(items=items)
    result = sync_all(today=today, cause="Demo: history imported.")
    stdout.write(f"Loaded {len(created)} requirements and {count} past completions ({result.satisfied} satisfied).")
    if admin is not None:
        _exceptions(rng, admin, today, stdout)
    _observations(seed, today, stdout)


def _exceptions(rng: random.Random, admin, today: datetime.date, stdout) -> None:
    open_ones = list(
        Assignment.objects.filter(is_current=True, state=AssignmentState.OPEN, exemption__isnull=True)
        .exclude(person__user__username__in=["constable", "sergeant"])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    picks = rng.sample(open_ones, min(len(open_ones), 24))
    reasons = ["Long-term sick leave", "Maternity leave", "Career break", "Secondment to another force"]
    for pk in picks[:10]:
        exemption_grant(
            assignment=Assignment(pk=pk),
            reason=rng.choice(reasons),
            actor=admin,
            source="load_demo",
            until=today + datetime.timedelta(days=rng.randint(60, 240)),
        )
    for pk in picks[10:]:
        assignment = Assignment.objects.select_related("requirement").get(pk=pk)
        extension_grant(
            assignment=assignment,
            new_due_date=max(assignment.effective_due_date, today) + datetime.timedelta(days=rng.randint(20, 60)),
            reason=rng.choice(["Operational commitments", "Abstracted to a major incident", "Annual leave"]),
            actor=admin,
            source="load_demo",
        )
    constable = Person.objects.filter(user__username="constable").first()
    if constable is not None:
        mine = (
            Assignment.objects.filter(person=constable, is_current=True, state=AssignmentState.OPEN)
            .filter(Q(exemption__isnull=True))
            .order_by("due_date")
            .first()
        )
        if mine is not None:
            extension_request_create(
                assignment=mine,
                user=constable.user,
                requested_due_date=max(mine.effective_due_date, today) + datetime.timedelta(days=28),
                reason="I am on a month of nights and then annual leave; I can complete it after that.",
            )
        stage3 = Assignment.objects.filter(
            person=constable,
            is_current=True,
            state=AssignmentState.OPEN,
            exemption__isnull=True,
            requirement__name="Moral Courage stage 3",
        ).first()
        if stage3 is not None:
            exemption_request_create(
                assignment=stage3,
                user=constable.user,
                reason="I completed the same Moral Courage package at my last force before transferring here.",
                evidence="Certificate MC3-0419 from my previous force, dated in March; my old sergeant can confirm.",
                today=today,
            )
    stdout.write(
        "Granted 10 exemptions and 14 extensions; the constable has asked their sergeant for more time, "
        "and to be exempted from Moral Courage stage 3."
    )
    # One of the sergeant's team is away on parental leave (HR's absence, no end date yet):
    # nothing reminds them, and the team page says they are absent.
    away = (
        Person.objects.filter(line_manager__user__username="sergeant", is_active=True)
        .exclude(user__username="constable")
        .order_by("staff_number")
        .first()
    )
    if away is not None:
        import_absences(
            f"staff_number,start_date,category\n{away.staff_number},"
            f"{(today - datetime.timedelta(days=45)).isoformat()},parental_leave\n",
            source="load_demo",
        )
        stdout.write(f"{away.full_name}, in the sergeant's team, is away on parental leave.")


def _observation_history(items: list[CompletionInput], courses: dict, today: datetime.date) -> list[CompletionInput]:
    """Up to two of the inspector persona's sergeants (not the newly promoted one, who has not
    done it yet) completed Moral Courage stage 1 just over 90 days ago, so the inspector has an
    observation to record. Returns the history with their stage 1 completions so dated."""
    course = courses.get("MC-STAGE-1")
    if course is None or not course.manager_observation_days:
        return items
    reports = list(
        Person.objects.filter(line_manager__user__username="inspector", is_active=True, leadership_level="first_line")
        .exclude(user__username="sergeant")
        .order_by("staff_number")
        .values_list("user_id", "staff_number")[:2]
    )
    chosen = {user_id for user_id, _ in reports}
    history = [item for item in items if not (item.course_id == course.pk and item.user_id in chosen)]
    for index, (user_id, staff) in enumerate(reports):
        done = today - datetime.timedelta(days=course.manager_observation_days + 3 + 4 * index)
        history.append(
            CompletionInput(
                user_id=user_id,
                course_id=course.pk,
                completed_at=timezone.make_aware(datetime.datetime.combine(done, datetime.time(10))),
                source=CompletionSource.IMPORT,
                idempotency_key=f"import:{staff}:{course.course_code}:{done.isoformat()}",
                reason="Imported from the previous learning platform",
            )
        )
    return history


def _observations(seed: int, today: datetime.date, stdout) -> None:
    """Make the manager-observation prompts now due (the daily task would email them) and
    answer some of those addressed to managers other than the persona logins, so L&D's
    report has numbers. The inspector persona's are left for the demo to answer."""
    rng = random.Random(seed + 5)
    created = observation_prompts_create_due(today=today)
    answers = [
        (ObservedChange.CLEARLY_IMPROVED, "Challenged a disrespectful comment in the briefing and followed it up."),
        (ObservedChange.SOME_CHANGE, "More deliberate about hearing quieter members of the team."),
        (ObservedChange.NO_CHANGE, ""),
        (ObservedChange.NOT_ENOUGH_CONTACT, "On a different shift pattern for most of the period."),
    ]
    others = (
        ManagerObservation.objects.exclude(manager__user__username__in=["inspector", "sergeant", "superintendent"])
        .select_related("manager__user")
        .order_by("pk")
    )
    answered = 0
    for observation in others:
        if rng.random() >= 0.7:
            continue
        change, notes = rng.choices(answers, weights=[4, 4, 2, 1])[0]
        # As if the daily task had emailed the manager on the due day, and they answered.
        emailed = timezone.make_aware(datetime.datetime.combine(observation.due_on, datetime.time(8, 30)))
        ManagerObservation.objects.filter(pk=observation.pk).update(prompted_at=emailed)
        observation_record(
            user=observation.manager.user, observation_id=observation.pk, observed_change=change, notes=notes
        )
        answered += 1
    stdout.write(f"Made {created} manager-observation prompts; {answered} already answered.")
