"""Planning and sending every message: reminders, escalations, digests, decisions on requests
for more time, observation and reflection prompts, freed places.

Planning (`reminders_plan`, `observation_prompts_plan`, `reflection_prompts_plan`, and the
decision and booking events) is set-based: rows inserted with
`bulk_create(ignore_conflicts=True)`, in the transaction that made them due. The unique
constraints on `Reminder` make a second run, or two at once, insert nothing. Sending is
enqueued in batches once the rows have committed, so a rolled-back plan sends nothing.

Sending (`reminders_send`) loads a batch in a few queries, then for each row claims it in a
committed transaction (status "sending", the sender's identity, a lease; for an obligation the
claim re-checks the learner's completions), sends the email with a stable Message-ID, and
marks it sent. A failure before the message left puts the row back for a retry; a sender that
died after claiming leaves a lease that the recovery sweep takes back. The cost is a few
queries per email plus a few per batch.
"""

import datetime
import logging
import os
import socket
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import InterfaceError, OperationalError, transaction
from django.db import connection as db_connection
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from compliance.access import user_may_decide_request
from compliance.models import ExtensionRequest, RequestKind
from compliance.observations.models import ManagerObservation
from compliance.observations.selectors import observation_prompts_to_email
from compliance.observations.services import observation_prompts_create_due
from compliance.people.models import Person
from compliance.selectors.assignments import LEARNER, MANAGER, Status, assignment_reason, assignment_status
from courses.conf import lms_setting, site_url
from courses.mail import subject_line
from courses.models import BookingStatus, Completion, ReflectionPromptDelivery

from .models import OBLIGATION_KINDS, DigestFrequency, DigestPreference, Reminder, ReminderKind, ReminderStatus
from .selectors import (
    REMINDABLE,
    digest_frequency,
    digest_lines,
    digest_recipients,
    ld_recipients,
    remindable_assignments,
    reminder_candidates,
    reminder_policies,
    user_notifications,
)
from .workdays import catch_up_days, is_working_day, next_working_day

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
INSERT_BATCH_SIZE = 2000
MAX_ATTEMPTS = 8
# The recovery sweep runs every minute and enqueues again what has waited this long since it
# was last enqueued.
SWEEP_AFTER = datetime.timedelta(minutes=2)


@dataclass
class PlanResult:
    considered: int = 0
    planned: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    enqueued: int = 0


def _long_date(date: datetime.date) -> str:
    return date_format(date, "j F Y")


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
    from .tasks import send_reminders

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


def reminders_sweep(*, older_than: datetime.timedelta = SWEEP_AFTER) -> int:
    """Recovery: take back rows whose sender's lease ran out (it died while sending: sent again
    with the same Message-ID, and the row says so), and enqueue again rows still planned some
    minutes after they were last enqueued (their task was lost: a broker restarted without
    persistence, a worker killed). Claims make this safe while workers are live: a row still
    queued elsewhere is sent by whichever sender claims it first, once."""
    now = timezone.now()
    with transaction.atomic():
        Reminder.objects.filter(status=ReminderStatus.SENDING, lease_until__lt=now).update(
            status=ReminderStatus.PLANNED, claimed_by="", lease_until=None, last_error=UNKNOWN_OUTCOME
        )
        waiting = Reminder.objects.filter(planned_on__lte=timezone.localdate(now)).filter(
            Q(queued_at__lte=now - older_than) | Q(queued_at__isnull=True, created_at__lte=now - older_than)
        )
        return reminders_enqueue(waiting)


# Sending -----------------------------------------------------------------------------------


@dataclass
class SendResult:
    sent: int = 0  # rows
    skipped: int = 0
    already_done: int = 0
    messages: int = 0  # emails: a person's day is one


# Messages that answer something the person did go at once, on their own; everything else a
# person is owed on a day goes in one email.
IMMEDIATE_KINDS = frozenset({ReminderKind.EXTENSION_DECISION, ReminderKind.BOOKING_PLACE})


def _messages(to_send: list[tuple[Reminder, object]]) -> list[list[tuple[Reminder, object]]]:
    """The emails these rows make: one per row of an immediate kind, and one per recipient
    and planning day for the rest."""
    groups: dict[tuple, list] = defaultdict(list)
    for reminder, payload in to_send:
        key = (
            ("row", reminder.pk)
            if reminder.kind in IMMEDIATE_KINDS
            else ("day", reminder.recipient_email.lower(), reminder.planned_on)
        )
        groups[key].append((reminder, payload))
    return list(groups.values())


def _base_url() -> str:
    return site_url()


def _course_links(requirement) -> list[tuple[str, str]]:
    links = []
    for course in requirement.courses.all():
        if not course.live:
            continue
        url = course.get_url()
        if url:
            links.append((course.title, url if url.startswith("http") else _base_url() + url))
    return links


def _item_subject(reminder: Reminder, today: datetime.date, payload=None) -> str:
    """The subject of one row's message (and its title in the notifications list)."""
    return subject_line(_item_subject_text(reminder, today, payload))


def _item_subject_text(reminder: Reminder, today: datetime.date, payload) -> str:
    kind = reminder.kind
    if kind == ReminderKind.MANAGER_DIGEST:
        overdue = sum(1 for line in payload if line.status == Status.OVERDUE)
        return f"Your team's training: {overdue} overdue, {len(payload) - overdue} due soon"
    if kind == ReminderKind.OBSERVATION_PROMPT:
        if len(payload) == 1:
            return f"What change have you seen in {payload[0].learner.full_name} since {payload[0].course.title}?"
        return f"{len(payload)} people in your team finished training a while ago: what change have you seen?"
    if kind == ReminderKind.EXTENSION_DECISION:
        return _decision_message(reminder.extension_request)[0]
    if kind == ReminderKind.EXTENSION_REQUEST:
        request = reminder.extension_request
        asks = "to be exempted from" if request.kind == RequestKind.EXEMPTION else "for more time for"
        return f"{request.assignment.person.full_name} asks {asks} {request.assignment.requirement.name}"
    if kind == ReminderKind.REFLECTION_PROMPT:
        return f"Time to reflect: {reminder.reflection_prompt.completion.course.title}"
    if kind == ReminderKind.BOOKING_PLACE:
        return f"You have a place: {reminder.booking.session.course.title}"
    a = reminder.assignment
    name = a.requirement.name
    due = a.effective_due_date
    days = (today - due).days
    if kind == ReminderKind.ASSIGNED:
        if days > 0:  # never "overdue since" a day before they were asked
            return f"New required training: {name}, please complete it as soon as you can"
        return f"New required training: {name}, due by {_long_date(due)}"
    if kind == ReminderKind.BEFORE_DUE:
        return f"{name} is due in {-days} days, by {_long_date(due)}"
    if kind == ReminderKind.DUE_TODAY:
        return f"{name} is due today" if days <= 0 else f"{name} was due on {_long_date(due)}"
    if kind == ReminderKind.OVERDUE:
        return f"{name} is overdue: it was due on {_long_date(due)}"
    return f"{a.person.full_name} is {days} days overdue with {name}"


def _decision_message(request: ExtensionRequest) -> tuple[str, str]:
    """The subject and body of the email telling a learner their request was decided."""
    decider_user = request.decided_by
    decider_person = Person.objects.filter(user=decider_user).first() if decider_user else None
    if decider_person:  # a manager's HR name; an administrator may have none
        decider = decider_person.full_name
    elif decider_user:
        decider = decider_user.get_full_name() or decider_user.get_username()
    else:
        decider = "Your manager"
    name = request.assignment.requirement.name
    on = _long_date(timezone.localdate(request.requested_at))
    if request.kind == RequestKind.EXEMPTION:
        until = f" until {_long_date(request.exempt_until)}" if request.exempt_until else ""
        asked = f"You asked on {on} to be exempted from {name}{until}."
        if request.status == ExtensionRequest.Status.APPROVED:
            subject = f"Exemption approved: you are exempt from {name}{until}"
            body = f"{asked}\n\n{decider} approved your request: you are exempt from it{until}."
            if request.decision_note:
                body += f"\n\nTheir note: {request.decision_note}"
        else:
            subject = f"Exemption refused for {name}: {request.decision_note}"
            due = _long_date(request.assignment.effective_due_date)
            body = f"{asked}\n\n{decider} refused your request: {request.decision_note}\n\nIt is still due by {due}."
        return subject_line(subject), body
    asked = f"You asked on {on} for more time for {name}"
    if request.status == ExtensionRequest.Status.APPROVED:
        subject = f"More time approved: {name} is now due by {_long_date(request.requested_due_date)}"
        body = (
            f"{asked}, until {_long_date(request.requested_due_date)}.\n\n"
            f"{decider} approved your request: it is now due by {_long_date(request.requested_due_date)}."
        )
        if request.decision_note:
            body += f"\n\nTheir note: {request.decision_note}"
    else:
        subject = f"More time refused for {name}: {request.decision_note}"
        due = _long_date(request.assignment.effective_due_date)
        body = (
            f"{asked}, until {_long_date(request.requested_due_date)}.\n\n"
            f"{decider} refused your request: {request.decision_note}\n\nIt is still due by {due}."
        )
    return subject_line(subject), body


def _common_context(today: datetime.date, introduction: bool) -> dict:
    base = _base_url()
    return {
        "today": today,
        "base_url": base,
        "site_name": lms_setting("SITE_NAME"),
        "notifications_url": f"{base}/notifications/",
        "my_training_url": f"{base}/my-training/",
        "team_url": f"{base}/team/",
        "requests_url": base + reverse("compliance:extension-requests"),
        "introduction": introduction,
    }


def _request_item(request: ExtensionRequest) -> dict:
    return {
        "person": request.assignment.person,
        "requirement": request.assignment.requirement.name,
        "exemption": request.kind == RequestKind.EXEMPTION,
        "requested": request.requested_due_date,
        "until": request.exempt_until,
        "due": request.assignment.effective_due_date,
        "reason": request.reason,
        "evidence": request.evidence,
    }


def _request_text(item: dict) -> str:
    """What a request asks, in a line for the manager's message."""
    if item["exemption"]:
        until = f" until {_long_date(item['until'])}" if item["until"] else ""
        evidence = f" Evidence they describe: {item['evidence']}" if item["evidence"] else ""
        return (
            f"asks to be exempted from {item['requirement']}{until} (due {_long_date(item['due'])}). "
            f"Their reason: {item['reason']}{evidence}"
        )
    return (
        f"asks for more time for {item['requirement']}: until {_long_date(item['requested'])} instead of "
        f"{_long_date(item['due'])}. Their reason: {item['reason']}"
    )


def _observation_items(prompts, base: str) -> list[dict]:
    return [
        {
            "learner_name": p.learner.full_name,
            "course_title": p.course.title,
            "completed_on": timezone.localdate(p.completion.completed_at),
            "days": (p.due_on - timezone.localdate(p.completion.completed_at)).days,
            "url": base + reverse("compliance:observation-record", args=[p.pk]),
        }
        for p in prompts
    ]


def _obligation_context(reminder: Reminder, today: datetime.date, base: str) -> dict:
    a = reminder.assignment
    due = a.effective_due_date
    context = {
        "headline": _item_subject(reminder, today),
        "assignment": a,
        "requirement": a.requirement,
        "person": a.person,
        "due_date": due,
        "due_passed_before_assigned": due < timezone.localdate(a.created_at),
        "days_overdue": max((today - due).days, 0),
        "days_left": max((due - today).days, 0),
        # Escalations go to managers and L&D: the reason in the third person.
        "why": assignment_reason(
            assignment=a, perspective=LEARNER if reminder.recipient_person_id == a.person_id else MANAGER
        ),
        "courses": _course_links(a.requirement),
    }
    if reminder.kind == ReminderKind.ESCALATION_LD:
        context["admin_url"] = f"{base}/admin/compliance_assignment/inspect/{a.pk}/"
    return context


def _compose(reminder: Reminder, today: datetime.date, payload, introduction: bool = False):
    """The subject, plain text and HTML (None: plain text only) of one row's email, from the
    record as it is now. `payload` is what the batch loaded for it (a digest's lines, an
    observation prompt's prompts). `introduction`: the recipient's first message."""
    context = _common_context(today, introduction)
    base = context["base_url"]
    subject = _item_subject(reminder, today, payload)
    context.update(reminder=reminder, subject=subject)
    kind = reminder.kind
    if kind == ReminderKind.EXTENSION_DECISION:
        body = _decision_message(reminder.extension_request)[1]
        return subject, f"{body}\n\nSee your training: {base}/my-training/\n", None
    if kind == ReminderKind.EXTENSION_REQUEST:
        item = _request_item(reminder.extension_request)
        text = (
            f"{item['person'].full_name} ({item['person'].staff_number}) {_request_text(item)}\n\n"
            f"Approve or refuse it: {context['requests_url']}\n"
        )
        return subject, text, None
    if kind == ReminderKind.REFLECTION_PROMPT:
        delivery = reminder.reflection_prompt
        course = delivery.completion.course
        text = (
            f"It is {delivery.weeks} weeks since you completed {course.title}.\n\n"
            f"{course.reflection_prompt}\n\n"
            f"Write your reflection (only you can read it): "
            f"{site_url(reverse('courses:reflection_prompt', args=[delivery.pk]))}\n"
        )
        return subject, text, None
    if kind == ReminderKind.BOOKING_PLACE:
        session = reminder.booking.session
        text = (
            f"A place came free on {session.course.title} on {session.starts_at:%A %d %B %Y at %H:%M} "
            f"({session.where}), and it is now yours.\n\n"
            f"If you can no longer go, cancel it from My learning so the next person can have it: "
            f"{site_url(reverse('courses:my_learning'))}\n"
        )
        return subject, text, None
    if kind == ReminderKind.OBSERVATION_PROMPT:
        template = "compliance/email/observation_prompt"
        context.update(
            manager=reminder.recipient_person,
            items=_observation_items(payload, base),
            list_url=base + reverse("compliance:observations"),
        )
    elif kind == ReminderKind.MANAGER_DIGEST:
        template = "reminders/email/digest"
        context.update(
            lines=payload,
            overdue=[line for line in payload if line.status == Status.OVERDUE],
            due_soon=[line for line in payload if line.status != Status.OVERDUE],
            recipient_name=reminder.recipient_person.first_name if reminder.recipient_person else "",
        )
    else:
        context.update(_obligation_context(reminder, today, base))
        escalation = kind in (ReminderKind.ESCALATION_SECOND_LINE, ReminderKind.ESCALATION_LD)
        template = "reminders/email/escalation" if escalation else "reminders/email/learner"
    text, html = (render_to_string(f"{template}.{ext}", context) for ext in ("txt", "html"))
    return subject, text, html


def _compose_day(rows: list[tuple[Reminder, object]], today: datetime.date, introduction: bool):
    """One email for everything a person is owed today: their own training, their guided
    reflections, their team, observation prompts and escalations, each in its section."""
    context = _common_context(today, introduction)
    base = context["base_url"]
    mine, reflections, observations, escalations, requests, digest = [], [], [], [], [], None
    for reminder, payload in rows:
        kind = reminder.kind
        if kind == ReminderKind.EXTENSION_REQUEST:
            item = _request_item(reminder.extension_request)
            requests.append({**item, "text": _request_text(item)})
        elif kind == ReminderKind.MANAGER_DIGEST:
            digest = {
                "overdue": [line for line in payload if line.status == Status.OVERDUE],
                "due_soon": [line for line in payload if line.status != Status.OVERDUE],
            }
        elif kind == ReminderKind.OBSERVATION_PROMPT:
            observations.extend(_observation_items(payload, base))
        elif kind == ReminderKind.REFLECTION_PROMPT:
            delivery = reminder.reflection_prompt
            reflections.append(
                {
                    "course_title": delivery.completion.course.title,
                    "weeks": delivery.weeks,
                    "prompt": delivery.completion.course.reflection_prompt,
                    "url": site_url(reverse("courses:reflection_prompt", args=[delivery.pk])),
                }
            )
        elif kind in (ReminderKind.ESCALATION_SECOND_LINE, ReminderKind.ESCALATION_LD):
            escalations.append(_obligation_context(reminder, today, base))
        else:
            mine.append(_obligation_context(reminder, today, base))
    first = rows[0][0]
    count = sum(map(len, (mine, reflections, observations, escalations, requests))) + (1 if digest else 0)
    subject = subject_line(f"Your training update for {date_format(today, 'l j F')}: {count} items")
    context.update(
        subject=subject,
        recipient_name=first.recipient_person.first_name if first.recipient_person else "",
        mine=mine,
        reflections=reflections,
        digest=digest,
        observations=observations,
        observations_url=base + reverse("compliance:observations"),
        escalations=escalations,
        requests=requests,
        requests_heading=(
            "Requests to decide" if any(r["exemption"] for r in requests) else "Requests for more time to decide"
        ),
    )
    text, html = (render_to_string(f"reminders/email/day.{ext}", context) for ext in ("txt", "html"))
    return subject, text, html


def _email(rows: list[Reminder], subject: str, text: str, html: str | None, connection) -> EmailMultiAlternatives:
    """The message for these rows (one, or a person's day). A stable Message-ID made from its
    first row: should a message ever be handed over twice, mail systems (and our tests)
    recognise the copy. X-Reminder-Id lists every row it carries."""
    domain = _base_url().split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
    first = min(row.pk for row in rows)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[rows[0].recipient_email],
        connection=connection,
        headers={
            "Message-ID": f"<reminder-{first}@{domain}>",
            "X-Reminder-Id": ",".join(str(pk) for pk in sorted(row.pk for row in rows)),
        },
    )
    if html is not None:
        message.attach_alternative(html, "text/html")
    return message


def _skip(ids_by_reason: dict[str, list[int]]) -> int:
    count = 0
    for reason, ids in ids_by_reason.items():
        count += Reminder.objects.filter(pk__in=ids, status=ReminderStatus.PLANNED).update(
            status=ReminderStatus.SKIPPED, skip_reason=reason[:255]
        )
    return count


# How long a sender holds a claimed row; longer than the mail server's timeout plus
# MARK_SENT_PATIENCE, so the sweep never takes back a row whose sender is still trying to
# record it as sent.
LEASE = datetime.timedelta(minutes=3)
MARK_SENT_PATIENCE = 120  # seconds to wait for the database to record a message as sent
UNKNOWN_OUTCOME = (
    "Outcome unknown: its sender stopped after claiming it, so it was sent again with the same "
    "Message-ID (a mail relay that de-duplicates keeps one copy)."
)


def _sender_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _still_owed(today: datetime.date) -> Exists:
    """The truth at send time, read directly: the assignment is open, remindable, and has no
    valid completion of one of its courses since the cycle began (a completion saved a second
    ago counts, before the sync has caught up with it)."""
    completed = Completion.objects.filter(
        user=OuterRef("person__user"),
        course__requirements=OuterRef("requirement"),
        voided_at__isnull=True,
        completed_at__date__gte=Coalesce(OuterRef("counts_from"), Value(datetime.date(1900, 1, 1))),
    )
    owed = remindable_assignments(today=today).filter(pk=OuterRef("assignment_id")).exclude(Exists(completed))
    return Exists(owed)


def _after_sent(reminder: Reminder, payload) -> None:
    """What a sent message changes beyond its own row (in the transaction that records it)."""
    now = timezone.now()
    if reminder.kind == ReminderKind.OBSERVATION_PROMPT:
        ManagerObservation.objects.filter(pk__in=[p.pk for p in payload], prompted_at__isnull=True).update(
            prompted_at=now
        )
    elif reminder.kind == ReminderKind.REFLECTION_PROMPT:
        ReflectionPromptDelivery.objects.filter(pk=reminder.reflection_prompt_id, sent_at__isnull=True).update(
            sent_at=now
        )


def _mark_sent(rows: list[tuple[Reminder, object]], sender: str) -> None:
    """Record a message that has left as sent (every row it carried), waiting out a database
    restart rather than letting the task retry (which must never send it again)."""
    ids = [reminder.pk for reminder, _ in rows]
    deadline = time.monotonic() + MARK_SENT_PATIENCE
    while True:
        try:
            with transaction.atomic():
                Reminder.objects.filter(pk__in=ids, status=ReminderStatus.SENDING, claimed_by=sender).update(
                    status=ReminderStatus.SENT, sent_at=timezone.now(), lease_until=None
                )
                for reminder, payload in rows:
                    _after_sent(reminder, payload)
            return
        except (OperationalError, InterfaceError):
            if time.monotonic() > deadline:
                # Left claimed: the sweep resends it with the same Message-ID once the lease ends.
                logger.exception("Could not record reminders %s as sent", ids)
                raise
            if not db_connection.in_atomic_block:
                db_connection.close()  # a dropped connection is reopened by the next query
            time.sleep(2)


def _release_after_failure(ids: list[int], sender: str, error: Exception) -> None:
    """The message did not leave: back to planned for a retry (or failed after MAX_ATTEMPTS)."""
    Reminder.objects.filter(pk__in=ids, status=ReminderStatus.SENDING, claimed_by=sender).update(
        last_error=f"{type(error).__name__}: {error}"[:500],
        claimed_by="",
        lease_until=None,
        status=Case(
            When(attempts__gte=MAX_ATTEMPTS, then=Value(ReminderStatus.FAILED)),
            default=Value(ReminderStatus.PLANNED),
        ),
    )


def _prepare(rows: list[Reminder], today: datetime.date) -> tuple[list[tuple[Reminder, object]], dict]:
    """Which of the batch still need sending, each with what its message lists, and why the
    others do not (by reason)."""
    policy = reminder_policies().default
    digests = [r.recipient_person_id for r in rows if r.kind == ReminderKind.MANAGER_DIGEST]
    lines_by_manager = (
        digest_lines(manager_ids=digests, today=today, due_soon_days=policy.digest_due_soon_days) if digests else {}
    )
    managers = [r.recipient_person_id for r in rows if r.kind == ReminderKind.OBSERVATION_PROMPT]
    prompts_by_manager = defaultdict(list)
    if managers:
        for prompt in (
            observation_prompts_to_email(today=today)
            .filter(manager_id__in=managers)
            .select_related("learner", "course", "completion")
            .order_by("due_on", "pk")
        ):
            prompts_by_manager[prompt.manager_id].append(prompt)

    skips: dict[str, list[int]] = defaultdict(list)
    to_send = []
    for reminder in rows:
        kind, payload, reason = reminder.kind, None, None
        if kind in OBLIGATION_KINDS:
            status = assignment_status(assignment=reminder.assignment, today=today)
            if status not in REMINDABLE:
                reason = f"Not sent: by then the training was {Status.LABELS[status].lower()}."
            elif not reminder.assignment.person.is_active:
                reason = "Not sent: the person has left."
        elif kind == ReminderKind.EXTENSION_DECISION:
            if not reminder.assignment.person.is_active:
                reason = "Not sent: the person has left."
        elif kind == ReminderKind.EXTENSION_REQUEST:
            if reminder.extension_request.status != ExtensionRequest.Status.PENDING:
                reason = "Not sent: the request was decided or closed before the message went."
            elif not (reminder.recipient_person and reminder.recipient_person.is_active):
                reason = "Not sent: the manager has left."
            elif reminder.recipient_user_id is None or not user_may_decide_request(
                user=reminder.recipient_user, request=reminder.extension_request
            ):
                reason = "Not sent: the manager no longer decides this request."
        elif kind == ReminderKind.MANAGER_DIGEST:
            payload = lines_by_manager.get(reminder.recipient_person_id, [])
            if not payload:
                reason = "Not sent: nothing in the team is overdue or due soon any more."
        elif kind == ReminderKind.OBSERVATION_PROMPT:
            payload = prompts_by_manager.get(reminder.recipient_person_id, [])
            if not payload:
                reason = "Not sent: every prompt was answered, sent or is no longer needed."
        elif kind == ReminderKind.REFLECTION_PROMPT:
            if reminder.reflection_prompt.completion.voided_at is not None:
                reason = "Not sent: the completion was voided."
            elif reminder.reflection_prompt.sent_at is not None:
                reason = "Not sent: this prompt was already sent."
        elif kind == ReminderKind.BOOKING_PLACE:
            booking = reminder.booking
            if booking.status != BookingStatus.BOOKED:
                reason = "Not sent: the place is no longer theirs."
            elif booking.session.starts_at <= timezone.now():
                reason = "Not sent: the session has begun."
        if reason:
            skips[reason].append(reminder.pk)
        else:
            to_send.append((reminder, payload))
    return to_send, skips


def reminders_send(*, reminder_ids: Iterable[int], today: datetime.date | None = None) -> SendResult:
    """Send the planned reminders among these ids; a second call with the same ids sends nothing.

    Each row is claimed (status "sending", this sender's identity and a lease) in a committed
    transaction before its message leaves, and marked sent after; the claim of a reminder about
    an obligation re-checks the learner's completions directly. So a retry, a second worker or a
    second batch never sends a row again, and a failure before the message left puts it back
    for a retry. The one window left, a sender that dies after the message left and before it
    was recorded, ends in the sweep sending it again with the same Message-ID, logged on the
    row (README, Reminders)."""
    today = today or timezone.localdate()
    result = SendResult()
    ids = sorted(set(reminder_ids))
    rows = list(
        # A row planned for a later day (a request for the manager's next daily message) waits.
        Reminder.objects.filter(pk__in=ids, status=ReminderStatus.PLANNED, planned_on__lte=today)
        .select_related(
            "assignment__requirement",
            "assignment__person",
            "recipient_person",
            "recipient_user",
            "extension_request__decided_by",
            "extension_request__assignment__requirement",
            "extension_request__assignment__person",
            "reflection_prompt__completion__course",
            "booking__session__course",
        )
        .prefetch_related("assignment__requirement__courses")
        .order_by("pk")
    )
    result.already_done = len(ids) - len(rows)
    if not rows:
        return result

    to_send, skips = _prepare(rows, today)
    result.skipped += _skip(skips)

    still_owed = _still_owed(today)
    sender = _sender_identity()
    gone: list[int] = []
    known = set(
        Reminder.objects.filter(recipient_email__in={r.recipient_email for r, _ in to_send}, status=ReminderStatus.SENT)
        .values_list("recipient_email", flat=True)
        .distinct()
    )
    connection = get_connection()
    with connection:
        for group in _messages(to_send):
            claimed = []
            for reminder, payload in group:
                subject = _item_subject(reminder, today, payload)
                claim = Reminder.objects.filter(pk=reminder.pk, status=ReminderStatus.PLANNED)
                if reminder.kind in OBLIGATION_KINDS:
                    claim = claim.filter(still_owed)
                with transaction.atomic():
                    # Row-locking UPDATE, committed before the message leaves: a concurrent
                    # sender waits here, then matches nothing.
                    taken = claim.update(
                        status=ReminderStatus.SENDING,
                        claimed_by=sender,
                        lease_until=timezone.now() + LEASE,
                        attempts=F("attempts") + 1,
                        subject=subject[:255],
                        # A resend after an unknown outcome keeps saying so; earlier errors are over.
                        last_error=Case(When(last_error=UNKNOWN_OUTCOME, then=F("last_error")), default=Value("")),
                    )
                if taken:
                    claimed.append((reminder, payload))
                else:
                    gone.append(reminder.pk)
            if not claimed:
                continue
            introduction = claimed[0][0].recipient_email not in known
            if len(claimed) == 1:
                (reminder, payload) = claimed[0]
                subject, text, html = _compose(reminder, today, payload, introduction)
            else:
                subject, text, html = _compose_day(claimed, today, introduction)
            try:
                _email([r for r, _ in claimed], subject, text, html, connection).send()
            except Exception as error:
                _release_after_failure([r.pk for r, _ in claimed], sender, error)
                raise
            _mark_sent(claimed, sender)
            known.add(claimed[0][0].recipient_email)
            result.sent += len(claimed)
            result.messages += 1
    if gone:
        # Sent by someone else meanwhile, or no longer needed: only the latter is still planned.
        skipped = _skip({"Not sent: the training was completed, exempted or withdrawn before sending.": gone})
        result.skipped += skipped
        result.already_done += len(gone) - skipped
    return result


# Notifications and preferences ---------------------------------------------------------------


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
