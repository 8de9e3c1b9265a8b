"""Planning every message: reminders, escalations, digests, observation and reflection
prompts, and the rows that decisions and freed places make.

Planning (`reminders_plan`, `observation_prompts_plan`, `reflection_prompts_plan`) is
set-based: rows inserted with `bulk_create(ignore_conflicts=True)`, in the transaction that
made them due. The unique constraints on `Reminder` make a second run, or two at once, insert
nothing. Sending is enqueued in batches once the rows have committed (`reminders_enqueue`),
so a rolled-back plan sends nothing.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from compliance.observations.selectors import observation_prompts_to_email
from compliance.observations.services import observation_prompts_create_due
from courses.models import ReflectionPromptDelivery
from courses.resilient import task_named

from .models import DigestFrequency, Reminder, ReminderKind, ReminderStatus
from .selectors import (
    digest_frequency,
    digest_recipients,
    ld_recipients,
    reminder_candidates,
    reminder_policies,
)
from .workdays import catch_up_days, is_working_day

BATCH_SIZE = 200
INSERT_BATCH_SIZE = 2000


@dataclass
class PlanResult:
    considered: int = 0
    planned: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    enqueued: int = 0


def _policy_label(policy) -> str:
    return f"policy for {policy.requirement}" if policy.requirement_id else "force-wide policy"


def _assignment_rows(candidate, policies, today, ld_cache, catch_up: int) -> list[Reminder]:
    (
        assignment_id,
        requirement_id,
        due_date,
        due,
        created_at,
        person_id,
        user_id,
        email,
        second_line_id,
        second_line_user_id,
        second_line_email,
        second_line_active,
    ) = candidate
    policy = policies.for_requirement(requirement_id)
    label = _policy_label(policy)
    created_on = timezone.localdate(created_at)
    days = (today - due).days  # negative before the due date
    rows = []

    def learner(kind, due_on, offset, reason):
        rows.append(
            Reminder(
                kind=kind,
                assignment_id=assignment_id,
                due_on=due_on,
                offset_days=offset,
                recipient_person_id=person_id,
                recipient_user_id=user_id,
                recipient_email=email,
                planned_on=today,
                reason=reason,
            )
        )

    if policy.learner_on_assignment and created_on >= today - datetime.timedelta(days=catch_up):
        # Keyed on the original due date: an extension does not announce the assignment again.
        learner(ReminderKind.ASSIGNED, due_date, 0, f"Newly assigned ({label}).")
    n = policy.learner_days_before
    if n and 0 < -days <= n and -days > n - catch_up and created_on < due - datetime.timedelta(days=n):
        learner(ReminderKind.BEFORE_DUE, due, -n, f"{n} days before the due date ({label}).")
    if policy.learner_on_due_date and 0 <= days < catch_up and created_on < due:
        learner(ReminderKind.DUE_TODAY, due, 0, f"On the due date ({label}).")
    m = policy.learner_days_overdue
    if m and m <= days < m + catch_up:
        learner(ReminderKind.OVERDUE, due, m, f"{m} days overdue ({label}).")
    e = policy.escalate_second_line_days
    if e and e <= days < e + catch_up and second_line_id and second_line_active and second_line_email:
        rows.append(
            Reminder(
                kind=ReminderKind.ESCALATION_SECOND_LINE,
                assignment_id=assignment_id,
                due_on=due,
                offset_days=e,
                recipient_person_id=second_line_id,
                recipient_user_id=second_line_user_id,
                recipient_email=second_line_email,
                planned_on=today,
                reason=f"{e} days overdue: escalated to the second-line manager ({label}).",
            )
        )
    lim = policy.escalate_ld_days
    if lim and lim <= days < lim + catch_up:
        if policy.pk not in ld_cache:
            ld_cache[policy.pk] = ld_recipients(policy=policy)
        for ld_user_id, ld_email in ld_cache[policy.pk]:
            rows.append(
                Reminder(
                    kind=ReminderKind.ESCALATION_LD,
                    assignment_id=assignment_id,
                    due_on=due,
                    offset_days=lim,
                    recipient_user_id=ld_user_id,
                    recipient_email=ld_email,
                    planned_on=today,
                    reason=f"{lim} days overdue: escalated to Learning and Development ({label}).",
                )
            )
    return rows


def _digest_rows(*, today: datetime.date, policies) -> list[Reminder]:
    policy = policies.default
    if not policy.digest_enabled:
        return []
    # From the digest day on, all week: a digest whose day was a holiday, or passed during an
    # outage, goes out late, once (one row per manager and week).
    weekly_today = today.weekday() >= policy.digest_weekday
    week_start = today - datetime.timedelta(days=today.weekday())
    rows = []
    for person_id, user_id, email, frequency in digest_recipients(
        today=today, due_soon_days=policy.digest_due_soon_days
    ):
        frequency = digest_frequency(frequency)
        if frequency == DigestFrequency.DAILY:
            period, reason = today, "Daily team digest (the manager's choice)."
        elif weekly_today:
            period, reason = week_start, f"Weekly team digest, sent on {policy.get_digest_weekday_display()}s."
        else:
            continue
        if not email:
            continue
        rows.append(
            Reminder(
                kind=ReminderKind.MANAGER_DIGEST,
                period=period,
                recipient_person_id=person_id,
                recipient_user_id=user_id,
                recipient_email=email,
                planned_on=today,
                reason=reason,
            )
        )
    return rows


def reminders_plan(*, today: datetime.date | None = None, enqueue: bool = True) -> PlanResult:
    """Insert every reminder due today (once, however often this runs) and enqueue sending.
    On a weekend or bank holiday nothing is planned: the next working day's run covers every
    day since the last one."""
    today = today or timezone.localdate()
    result = PlanResult()
    if not is_working_day(today):
        return result
    catch_up = catch_up_days(today)
    policies = reminder_policies()
    ld_cache: dict = {}
    pending: list[Reminder] = []

    def flush():
        if pending:
            Reminder.objects.bulk_create(pending, batch_size=INSERT_BATCH_SIZE, ignore_conflicts=True)
            pending.clear()

    with transaction.atomic():
        candidates = reminder_candidates(today=today, policies=policies, catch_up=catch_up)
        for candidate in candidates.iterator(chunk_size=5000):
            result.considered += 1
            pending.extend(_assignment_rows(candidate, policies, today, ld_cache, catch_up))
            if len(pending) >= INSERT_BATCH_SIZE:
                flush()
        pending.extend(_digest_rows(today=today, policies=policies))
        flush()
        observation_prompts_plan(today=today, enqueue=False)
        reflection_prompts_plan(today=today, enqueue=False)
        if enqueue:
            # A day other than today (a simulation, a re-run) is sent as of that day too.
            as_of = today if today != timezone.localdate() else None
            result.enqueued = reminders_enqueue(Reminder.objects.filter(planned_on=today), as_of=as_of)
    # What this day holds, however many runs inserted it (a re-run shows the same, and enqueues
    # only what is still planned).
    result.by_kind = dict(
        Reminder.objects.filter(planned_on=today).values_list("kind").annotate(count=Count("pk")).order_by()
    )
    result.planned = sum(result.by_kind.values())
    return result


def reminders_enqueue(rows, *, as_of: datetime.date | None = None) -> int:
    """Enqueue sending of the planned rows among `rows` (a queryset) in batches once the current
    transaction commits (never before: a rolled-back plan must send nothing). A batch holds
    all of a recipient's rows, so their day goes in one email. A broker that is down is logged,
    not raised: the rows are safe in the database and the recovery sweep sends them."""
    send_reminders = task_named("compliance.reminders.tasks.send_reminders")
    day = as_of.isoformat() if as_of else None
    now = timezone.now()
    pairs = list(
        rows.filter(status=ReminderStatus.PLANNED)
        .order_by("recipient_email", "pk")
        .values_list("pk", "recipient_email")
    )

    def push(chunk):
        Reminder.objects.filter(pk__in=chunk).update(queued_at=now)
        transaction.on_commit(lambda: send_reminders.delay(chunk, day), robust=True)

    chunk: list[int] = []
    for index, (pk, email) in enumerate(pairs):
        if len(chunk) >= BATCH_SIZE and email != pairs[index - 1][1]:
            push(chunk)
            chunk = []
        chunk.append(pk)
    if chunk:
        push(chunk)
    return len(pairs)


@dataclass
class ObservationPlanResult:
    created: int = 0
    managers: int = 0
    enqueued: int = 0


def observation_prompts_plan(*, today: datetime.date | None = None, enqueue: bool = True) -> ObservationPlanResult:
    """Make the observation prompts that have fallen due, then plan one message to each manager
    with prompts not yet emailed (unless one is already on its way), all of theirs in it.
    Part of the daily planning; set-based, and a second run, or two at once, plans nothing new."""
    today = today or timezone.localdate()
    result = ObservationPlanResult()
    with transaction.atomic():
        result.created = observation_prompts_create_due(today=today)
        on_its_way = Reminder.objects.filter(
            kind=ReminderKind.OBSERVATION_PROMPT,
            recipient_person=OuterRef("manager_id"),
            status__in=[ReminderStatus.PLANNED, ReminderStatus.SENDING],
        )
        managers = (
            observation_prompts_to_email(today=today)
            .exclude(Exists(on_its_way))
            .values_list("manager_id", "manager__user_id", "manager__email", "manager__user__email")
            .distinct()
            .order_by()
        )
        rows = [
            Reminder(
                kind=ReminderKind.OBSERVATION_PROMPT,
                period=today,
                recipient_person_id=manager_id,
                recipient_user_id=user_id,
                recipient_email=email or user_email,
                planned_on=today,
                reason="Observation prompts about their team that have fallen due.",
            )
            for manager_id, user_id, email, user_email in managers
            if email or user_email
        ]
        Reminder.objects.bulk_create(rows, batch_size=INSERT_BATCH_SIZE, ignore_conflicts=True)
        planned = Reminder.objects.filter(kind=ReminderKind.OBSERVATION_PROMPT, period=today)
        result.managers = planned.filter(status=ReminderStatus.PLANNED).count()
        if enqueue:
            as_of = today if today != timezone.localdate() else None
            result.enqueued = reminders_enqueue(planned, as_of=as_of)
    return result


def reflection_prompts_plan(*, today: datetime.date | None = None, enqueue: bool = True) -> int:
    """Plan a message for every guided-reflection prompt due by the end of `today` and not yet
    sent (one per prompt, however often this runs). Part of the daily planning. Returns how
    many are planned and unsent."""
    today = today or timezone.localdate()
    tomorrow = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time.min))
    due = (
        ReflectionPromptDelivery.objects.filter(
            sent_at__isnull=True, due_at__lt=tomorrow, completion__voided_at__isnull=True
        )
        .exclude(completion__user__email="")
        .values_list("pk", "weeks", "completion__user_id", "completion__user__email", "completion__user__person__id")
        .order_by("due_at", "pk")
    )
    with transaction.atomic():
        rows = [
            Reminder(
                kind=ReminderKind.REFLECTION_PROMPT,
                reflection_prompt_id=pk,
                recipient_person_id=person_id,
                recipient_user_id=user_id,
                recipient_email=email,
                planned_on=today,
                reason=f"Guided reflection, {weeks} weeks after completing the course.",
            )
            for pk, weeks, user_id, email, person_id in due.iterator(chunk_size=5000)
        ]
        Reminder.objects.bulk_create(rows, batch_size=INSERT_BATCH_SIZE, ignore_conflicts=True)
        planned = Reminder.objects.filter(
            kind=ReminderKind.REFLECTION_PROMPT,
            status=ReminderStatus.PLANNED,
            reflection_prompt_id__in=[r.reflection_prompt_id for r in rows],
        )
        if enqueue:
            return reminders_enqueue(planned, as_of=today if today != timezone.localdate() else None)
        return planned.count()
