"""Reads for reminders: the policy that applies, what is due today, digest contents, the log.

Status always comes from the compliance engine's one definition
(`compliance.selectors.assignments.status_expression`), never from a rule of our own.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from compliance.access import Role
from compliance.models import Assignment, AssignmentState
from compliance.people.models import Person
from compliance.selectors.assignments import Status, assignments_with_status
from compliance.services.absences import absent_on

from .models import DigestFrequency, Notification, Reminder, ReminderPolicy

# Statuses a learner can still act on; never remind about anything else.
REMINDABLE = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.DUE_SOON, Status.OVERDUE, Status.EXTENDED)


@dataclass(frozen=True)
class Policies:
    default: ReminderPolicy
    by_requirement: dict[int, ReminderPolicy]

    def for_requirement(self, requirement_id: int) -> ReminderPolicy:
        return self.by_requirement.get(requirement_id, self.default)

    @property
    def all(self) -> list[ReminderPolicy]:
        return [self.default, *self.by_requirement.values()]


def reminder_policies() -> Policies:
    """The force-wide policy (its defaults if nobody has saved one) and the overrides: one query."""
    default = None
    overrides = {}
    for policy in ReminderPolicy.objects.all():
        if policy.requirement_id is None:
            default = policy
        else:
            overrides[policy.requirement_id] = policy
    return Policies(default=default or ReminderPolicy(), by_requirement=overrides)


def remindable_assignments(*, today: datetime.date) -> QuerySet[Assignment]:
    """Current, open assignments of active people whose status a learner can still act on.
    Never those of someone absent today (HR's absences): no reminder, escalation or digest
    line about them until they are back, when their due dates have been extended."""
    qs = Assignment.objects.filter(is_current=True, state=AssignmentState.OPEN, person__is_active=True).exclude(
        absent_on(day=today)
    )
    return assignments_with_status(qs, today=today).filter(status__in=REMINDABLE)


def reminder_candidates(*, today: datetime.date, policies: Policies, catch_up: int):
    """Every assignment that might be owed a reminder today, as tuples, in one query.

    The window is the widest any policy needs, reaching `catch_up` days back (the days since
    the last working day); the exact rule per assignment is applied in Python by the planner
    on these rows, so no further query is made per person.
    """
    before = max((p.learner_days_before or 0) for p in policies.all)
    after = max(
        max(p.learner_days_overdue or 0, p.escalate_second_line_days or 0, p.escalate_ld_days or 0)
        for p in policies.all
    )
    since = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=catch_up), datetime.time()))
    return (
        remindable_assignments(today=today)
        .filter(
            Q(
                effective_due__gte=today - datetime.timedelta(days=after + catch_up),
                effective_due__lte=today + datetime.timedelta(days=before),
            )
            | Q(created_at__gte=since)
        )
        .order_by()
        .values_list(
            "pk",
            "requirement_id",
            "due_date",
            "effective_due",
            "created_at",
            "person_id",
            "person__user_id",
            "person__email",
            "person__line_manager__line_manager_id",
            "person__line_manager__line_manager__user_id",
            "person__line_manager__line_manager__email",
            "person__line_manager__line_manager__is_active",
        )
    )


def digest_items_filter(*, today: datetime.date, due_soon_days: int) -> Q:
    return Q(status=Status.OVERDUE) | Q(effective_due__lte=today + datetime.timedelta(days=due_soon_days))


def digest_recipients(*, today: datetime.date, due_soon_days: int) -> list[tuple[int, int | None, str, str]]:
    """Active line managers with someone reporting directly to them who is overdue or due
    soon, with their digest frequency: one query."""
    team_items = (
        remindable_assignments(today=today)
        .filter(person__line_manager_id=OuterRef("pk"))
        .filter(digest_items_filter(today=today, due_soon_days=due_soon_days))
    )
    return list(
        Person.objects.filter(is_active=True)
        .filter(Exists(team_items))
        .order_by()
        .values_list("pk", "user_id", "email", "digest_preference__frequency")
    )


def ld_recipients(*, policy: ReminderPolicy) -> list[tuple[int | None, str]]:
    """Where escalations to L&D go: the policy's address, or every active L&D lead."""
    if policy.ld_email:
        return [(None, policy.ld_email)]
    users = get_user_model().objects.filter(groups__name=Role.LD_LEAD, is_active=True).exclude(email="")
    return list(users.order_by("pk").values_list("pk", "email").distinct())


@dataclass
class DigestLine:
    name: str
    staff_number: str
    requirement: str
    due_date: datetime.date
    days_overdue: int
    status: str

    @property
    def status_label(self) -> str:
        return Status.LABELS[self.status]


def digest_lines(*, manager_ids: list[int], today: datetime.date, due_soon_days: int) -> dict[int, list[DigestLine]]:
    """What each manager's digest lists, read at send time: one query for a whole batch."""
    rows = (
        remindable_assignments(today=today)
        .filter(person__line_manager_id__in=manager_ids)
        .filter(digest_items_filter(today=today, due_soon_days=due_soon_days))
        .order_by("effective_due", "person__last_name", "person__first_name")
        .values_list(
            "person__line_manager_id",
            "person__first_name",
            "person__last_name",
            "person__staff_number",
            "requirement__name",
            "effective_due",
            "status",
        )
    )
    lines: dict[int, list[DigestLine]] = defaultdict(list)
    for manager_id, first, last, staff_number, requirement, due, status in rows:
        lines[manager_id].append(
            DigestLine(
                name=f"{first} {last}",
                staff_number=staff_number,
                requirement=requirement,
                due_date=due,
                days_overdue=max((today - due).days, 0),
                status=status,
            )
        )
    return lines


def digest_frequency(value: str | None) -> str:
    return value or DigestFrequency.WEEKLY


def user_notifications(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient_user=user).order_by("-sent_at", "-pk")


def user_unread_count(*, user) -> int:
    return user_notifications(user=user).filter(read_at__isnull=True).count()


def reminder_log() -> QuerySet[Reminder]:
    return Reminder.objects.select_related(
        "assignment__requirement",
        "assignment__person",
        "recipient_person",
        "recipient_user",
        "reflection_prompt__completion__course",
        "booking__session__course",
    )
