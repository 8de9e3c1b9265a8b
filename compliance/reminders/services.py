"""Planning and sending reminders.

Planning (`reminders_plan`) is set-based: one query for the assignments that might be owed
something today, one for the managers owed a digest, rules applied in memory, rows inserted
with `bulk_create(ignore_conflicts=True)`. The unique constraints on `Reminder` make a
second run, or two at once, insert nothing. Sending is enqueued in batches once the rows
have committed.

Sending (`reminders_send`) loads a batch in a few queries, then for each row, in its own
transaction, flips it from planned to sent with a conditional UPDATE that also re-checks the
assignment's status, and sends the email before committing. If the mail server fails the
transaction rolls back (the row stays planned, the task retries); if the worker dies the
database rolls back the same way and the redelivered task, or the recovery sweep, sends it.
Two workers given the same row: the second UPDATE waits for the first to commit, then
matches nothing. The cost is one query per email plus a few per batch.
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
from django.core.mail import EmailMultiAlternatives, get_connection, send_mail
from django.db import InterfaceError, OperationalError, transaction
from django.db import connection as db_connection
from django.db.models import Case, Count, Exists, F, OuterRef, Value, When
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateformat import format as date_format

from compliance.models import ExtensionRequest, Person
from compliance.selectors.assignments import LEARNER, MANAGER, Status, assignment_reason, assignment_status
from courses.conf import lms_setting, site_url
from courses.mail import subject_line
from courses.models import Completion

from .models import DigestFrequency, DigestPreference, Reminder, ReminderKind, ReminderStatus
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
from .workdays import catch_up_days, is_working_day

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
INSERT_BATCH_SIZE = 2000
MAX_ATTEMPTS = 8


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
        if enqueue:
            ids = list(
                Reminder.objects.filter(status=ReminderStatus.PLANNED, planned_on=today)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            # A day other than today (a simulation, a re-run) is sent as of that day too.
            as_of = today if today != timezone.localdate() else None
            result.enqueued = reminders_enqueue(reminder_ids=ids, as_of=as_of)
    # What this day holds, however many runs inserted it (a re-run shows the same, and enqueues
    # only what is still planned).
    result.by_kind = dict(
        Reminder.objects.filter(planned_on=today).values_list("kind").annotate(count=Count("pk")).order_by()
    )
    result.planned = sum(result.by_kind.values())
    return result


def reminders_enqueue(*, reminder_ids: list[int], as_of: datetime.date | None = None) -> int:
    """Enqueue sending in batches once the current transaction commits (never before: a
    rolled-back plan must send nothing). A broker that is down is logged, not raised: the rows
    are safe in the database and the recovery sweep sends them."""
    from .tasks import send_reminders

    day = as_of.isoformat() if as_of else None
    for start in range(0, len(reminder_ids), BATCH_SIZE):
        chunk = reminder_ids[start : start + BATCH_SIZE]
        transaction.on_commit(lambda chunk=chunk: send_reminders.delay(chunk, day), robust=True)
    return len(reminder_ids)


def reminders_sweep(*, older_than: datetime.timedelta = datetime.timedelta(minutes=5)) -> int:
    """Recovery: re-enqueue reminders still planned some minutes after they were created (their
    task was lost: a broker restarted without persistence, a worker killed), and take back rows
    whose sender's lease ran out (it died while sending: sent again with the same Message-ID,
    and the row says so). Claims make this safe while workers are live: a row still queued
    elsewhere is sent by whichever sender claims it first, once."""
    now = timezone.now()
    with transaction.atomic():
        Reminder.objects.filter(status=ReminderStatus.SENDING, lease_until__lt=now).update(
            status=ReminderStatus.PLANNED, claimed_by="", lease_until=None, last_error=UNKNOWN_OUTCOME
        )
        ids = list(
            Reminder.objects.filter(status=ReminderStatus.PLANNED, created_at__lte=now - older_than)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        reminders_enqueue(reminder_ids=ids)
    return len(ids)


# Sending -----------------------------------------------------------------------------------


@dataclass
class SendResult:
    sent: int = 0
    skipped: int = 0
    already_done: int = 0


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


def _subject(reminder: Reminder, today: datetime.date, lines=None) -> str:
    return subject_line(_subject_text(reminder, today, lines))


def _subject_text(reminder: Reminder, today: datetime.date, lines=None) -> str:
    if reminder.kind == ReminderKind.MANAGER_DIGEST:
        overdue = sum(1 for line in lines if line.status == Status.OVERDUE)
        due_soon = len(lines) - overdue
        return f"Your team's training: {overdue} overdue, {due_soon} due soon"
    a = reminder.assignment
    name = a.requirement.name
    due = a.effective_due_date
    days = (today - due).days
    if reminder.kind == ReminderKind.ASSIGNED:
        if days > 0:
            return f"New required training: {name}, overdue since {_long_date(due)}"
        return f"New required training: {name}, due by {_long_date(due)}"
    if reminder.kind == ReminderKind.BEFORE_DUE:
        return f"{name} is due in {-days} days, by {_long_date(due)}"
    if reminder.kind == ReminderKind.DUE_TODAY:
        return f"{name} is due today" if days <= 0 else f"{name} was due on {_long_date(due)}"
    if reminder.kind == ReminderKind.OVERDUE:
        return f"{name} is overdue: it was due on {_long_date(due)}"
    person = a.person.full_name
    return f"{person} is {days} days overdue with {name}"


def _message(reminder: Reminder, today: datetime.date, connection, lines=None) -> EmailMultiAlternatives:
    base = _base_url()
    context = {
        "reminder": reminder,
        "today": today,
        "base_url": base,
        "site_name": lms_setting("SITE_NAME"),
        "notifications_url": f"{base}/notifications/",
    }
    if reminder.kind == ReminderKind.MANAGER_DIGEST:
        template = "digest"
        context.update(
            lines=lines,
            overdue=[line for line in lines if line.status == Status.OVERDUE],
            due_soon=[line for line in lines if line.status != Status.OVERDUE],
            team_url=f"{base}/team/",
            recipient_name=reminder.recipient_person.first_name if reminder.recipient_person else "",
        )
    else:
        a = reminder.assignment
        due = a.effective_due_date
        context.update(
            assignment=a,
            requirement=a.requirement,
            person=a.person,
            due_date=due,
            days_overdue=max((today - due).days, 0),
            days_left=max((due - today).days, 0),
            # Escalations go to managers and L&D: the reason in the third person.
            why=assignment_reason(
                assignment=a, perspective=LEARNER if reminder.recipient_person_id == a.person_id else MANAGER
            ),
            courses=_course_links(a.requirement),
            my_training_url=f"{base}/my-training/",
            team_url=f"{base}/team/",
        )
        if reminder.kind == ReminderKind.ESCALATION_SECOND_LINE:
            template = "escalation"
        elif reminder.kind == ReminderKind.ESCALATION_LD:
            template = "escalation"
            context["admin_url"] = f"{base}/admin/compliance_assignment/inspect/{a.pk}/"
        else:
            template = "learner"
    subject = _subject(reminder, today, lines)
    context["subject"] = subject
    text = render_to_string(f"reminders/email/{template}.txt", context)
    html = render_to_string(f"reminders/email/{template}.html", context)
    domain = base.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[reminder.recipient_email],
        connection=connection,
        # A stable Message-ID: should a message ever be handed over twice, mail systems
        # (and our tests) recognise the copy.
        headers={"Message-ID": f"<reminder-{reminder.pk}@{domain}>", "X-Reminder-Id": str(reminder.pk)},
    )
    message.attach_alternative(html, "text/html")
    return message


def _skip(ids_by_reason: dict[str, list[int]]) -> int:
    count = 0
    for reason, ids in ids_by_reason.items():
        count += Reminder.objects.filter(pk__in=ids, status=ReminderStatus.PLANNED).update(
            status=ReminderStatus.SKIPPED, skip_reason=reason[:255]
        )
    return count


# How long a sender holds a claimed row; longer than MARK_SENT_PATIENCE, so the sweep never
# takes back a row whose sender is still trying to record it as sent.
LEASE = datetime.timedelta(minutes=10)
MARK_SENT_PATIENCE = 180  # seconds to wait for the database to record a message as sent
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


def _mark_sent(reminder_id: int, sender: str) -> None:
    """Record a message that has left as sent, waiting out a database restart rather than
    letting the task retry (which must never send it again)."""
    deadline = time.monotonic() + MARK_SENT_PATIENCE
    while True:
        try:
            with transaction.atomic():
                Reminder.objects.filter(pk=reminder_id, status=ReminderStatus.SENDING, claimed_by=sender).update(
                    status=ReminderStatus.SENT, sent_at=timezone.now(), lease_until=None
                )
            return
        except (OperationalError, InterfaceError):
            if time.monotonic() > deadline:
                # Left claimed: the sweep resends it with the same Message-ID once the lease ends.
                logger.exception("Could not record reminder %s as sent", reminder_id)
                raise
            if not db_connection.in_atomic_block:
                db_connection.close()  # a dropped connection is reopened by the next query
            time.sleep(2)


def _release_after_failure(reminder_id: int, sender: str, error: Exception) -> None:
    """The message did not leave: back to planned for a retry (or failed after MAX_ATTEMPTS)."""
    Reminder.objects.filter(pk=reminder_id, status=ReminderStatus.SENDING, claimed_by=sender).update(
        last_error=f"{type(error).__name__}: {error}"[:500],
        claimed_by="",
        lease_until=None,
        status=Case(
            When(attempts__gte=MAX_ATTEMPTS, then=Value(ReminderStatus.FAILED)),
            default=Value(ReminderStatus.PLANNED),
        ),
    )


def reminders_send(*, reminder_ids: Iterable[int], today: datetime.date | None = None) -> SendResult:
    """Send the planned reminders among these ids; a second call with the same ids sends nothing.

    Each row is claimed (status "sending", this sender's identity and a lease) in a committed
    transaction before its message leaves, and marked sent after; the claim re-checks the
    learner's completions directly. So a retry, a second worker or a second batch never sends a
    row again, and a failure before the message left puts it back for a retry. The one window
    left, a sender that dies after the message left and before it was recorded, ends in the
    sweep sending it again with the same Message-ID, logged on the row (README, Reminders)."""
    today = today or timezone.localdate()
    result = SendResult()
    ids = sorted(set(reminder_ids))
    rows = list(
        Reminder.objects.filter(pk__in=ids, status=ReminderStatus.PLANNED)
        .select_related("assignment__requirement", "assignment__person", "recipient_person")
        .prefetch_related("assignment__requirement__courses")
        .order_by("pk")
    )
    result.already_done = len(ids) - len(rows)
    if not rows:
        return result

    policy = reminder_policies().default
    digests = [r for r in rows if r.kind == ReminderKind.MANAGER_DIGEST]
    lines_by_manager = (
        digest_lines(
            manager_ids=[r.recipient_person_id for r in digests], today=today, due_soon_days=policy.digest_due_soon_days
        )
        if digests
        else {}
    )

    skips: dict[str, list[int]] = defaultdict(list)
    to_send = []
    for reminder in rows:
        if reminder.assignment_id:
            status = assignment_status(assignment=reminder.assignment, today=today)
            if status not in REMINDABLE:
                skips[f"Not sent: by then the training was {Status.LABELS[status].lower()}."].append(reminder.pk)
                continue
            if not reminder.assignment.person.is_active:
                skips["Not sent: the person has left."].append(reminder.pk)
                continue
            to_send.append((reminder, None))
        else:
            lines = lines_by_manager.get(reminder.recipient_person_id, [])
            if not lines:
                skips["Not sent: nothing in the team is overdue or due soon any more."].append(reminder.pk)
                continue
            to_send.append((reminder, lines))
    result.skipped += _skip(skips)

    still_owed = _still_owed(today)
    sender = _sender_identity()
    gone: list[int] = []
    connection = get_connection()
    with connection:
        for reminder, lines in to_send:
            subject = _subject(reminder, today, lines)
            claim = Reminder.objects.filter(pk=reminder.pk, status=ReminderStatus.PLANNED)
            if reminder.assignment_id:
                claim = claim.filter(still_owed)
            with transaction.atomic():
                # Row-locking UPDATE, committed before the message leaves: a concurrent sender
                # waits here, then matches nothing.
                claimed = claim.update(
                    status=ReminderStatus.SENDING,
                    claimed_by=sender,
                    lease_until=timezone.now() + LEASE,
                    attempts=F("attempts") + 1,
                    subject=subject[:255],
                    # A resend after an unknown outcome keeps saying so; earlier errors are over.
                    last_error=Case(When(last_error=UNKNOWN_OUTCOME, then=F("last_error")), default=Value("")),
                )
            if not claimed:
                gone.append(reminder.pk)
                continue
            try:
                _message(reminder, today, connection, lines).send()
            except Exception as error:
                _release_after_failure(reminder.pk, sender, error)
                raise
            _mark_sent(reminder.pk, sender)
            result.sent += 1
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


def _decision_message(request: ExtensionRequest, decider: str) -> tuple[str, str]:
    """The subject (also the notification's title) and the email body."""
    name = request.assignment.requirement.name
    asked = f"You asked on {_long_date(timezone.localdate(request.requested_at))} for more time for {name}"
    if request.status == ExtensionRequest.Status.APPROVED:
        subject = f"More time approved: {name} is now due by {_long_date(request.requested_due_date)}"
        body = (
            f"{asked}, until {_long_date(request.requested_due_date)}.\n\n"
            f"{decider} approved your request: it is now due by {_long_date(request.requested_due_date)}."
        )
    else:
        subject = f"More time refused for {name}: {request.decision_note}"
        due = _long_date(request.assignment.effective_due_date)
        body = (
            f"{asked}, until {_long_date(request.requested_due_date)}.\n\n"
            f"{decider} refused your request: {request.decision_note}\n\nIt is still due by {due}."
        )
    if request.decision_note and request.status == ExtensionRequest.Status.APPROVED:
        body += f"\n\nTheir note: {request.decision_note}"
    return subject_line(subject), body


def extension_decision_notify(*, request: ExtensionRequest, actor) -> None:
    """An in-app notification for the learner, and an email once the decision is committed."""
    person = request.assignment.person
    email = person.email or getattr(person.user, "email", "")
    if not email:
        return
    decider_person = getattr(actor, "person", None)  # a manager's HR name; an administrator may have none
    decider = decider_person.full_name if decider_person else (actor.get_full_name() or actor.get_username())
    subject, body = _decision_message(request, decider)
    now = timezone.now()
    # A second decision on the same date (asked, refused, asked again) reuses the row: the
    # unique constraint on reminders allows one per assignment, kind, date and recipient.
    Reminder.objects.update_or_create(
        assignment=request.assignment,
        kind=ReminderKind.EXTENSION_DECISION,
        due_on=request.requested_due_date,
        offset_days=0,
        recipient_email=email,
        defaults={
            "recipient_person": person,
            "recipient_user": person.user,
            "status": ReminderStatus.SENT,
            "planned_on": timezone.localdate(),
            "sent_at": now,
            "read_at": None,
            "attempts": 1,
            "subject": subject[:255],
            "reason": f"Request for more time {request.get_status_display().lower()}"[:500],
        },
    )
    url = site_url("/my-training/")

    def send():
        try:
            send_mail(
                subject=subject[:255],
                message=f"{body}\n\nSee your training: {url}\n",
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[email],
            )
        except Exception:  # the decision stands; the notification is in the site
            logger.exception("Could not email the decision on extension request %s", request.pk)

    transaction.on_commit(send)
