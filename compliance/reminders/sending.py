"""Sending every planned message, exactly once, and recovering from a sender that died.

`reminders_send` loads a batch in a few queries, then for each row claims it in a committed
transaction (status "sending", the sender's identity, a lease; for an obligation the claim
re-checks the learner's completions), sends the email with a stable Message-ID, and marks it
sent. A failure before the message left puts the row back for a retry; a sender that died
after claiming leaves a lease that the recovery sweep (`reminders_sweep`) takes back. The cost
is a few queries per email plus a few per batch. What each email says is `messages`.
"""

import datetime
import logging
import os
import socket
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.mail import get_connection
from django.db import InterfaceError, OperationalError, transaction
from django.db import connection as db_connection
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from compliance.access import user_may_decide_request
from compliance.models import ExtensionRequest
from compliance.observations.models import ManagerObservation
from compliance.observations.selectors import observation_prompts_to_email
from compliance.people.models import Hold
from compliance.selectors.assignments import Status, assignment_status
from courses.models import BookingStatus, Completion, ReflectionPromptDelivery

from .messages import compose, compose_day, email_message, item_subject
from .models import OBLIGATION_KINDS, Reminder, ReminderKind, ReminderStatus
from .planning import reminders_enqueue
from .selectors import (
    REMINDABLE,
    digest_lines,
    remindable_assignments,
    reminder_policies,
)

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# The recovery sweep runs every minute and enqueues again what has waited this long since it
# was last enqueued.
SWEEP_AFTER = datetime.timedelta(minutes=2)


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
    # A restriction stops every message to the person, and every message about them (a manager's
    # or L&D's escalation of their training).
    about = {r.recipient_person_id for r in rows} | {r.assignment.person_id for r in rows if r.assignment_id}
    restricted = Hold.objects.restricted_person_ids(about - {None})
    for reminder in rows:
        kind, payload, reason = reminder.kind, None, None
        if restricted and (
            reminder.recipient_person_id in restricted
            or (reminder.assignment_id and reminder.assignment.person_id in restricted)
        ):
            reason = "Not sent: the person asked for the processing of their records to be restricted."
        elif kind in OBLIGATION_KINDS:
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
                subject = item_subject(reminder, today, payload)
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
                subject, text, html = compose(reminder, today, payload, introduction)
            else:
                subject, text, html = compose_day(claimed, today, introduction)
            try:
                email_message([r for r, _ in claimed], subject, text, html, connection).send()
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
