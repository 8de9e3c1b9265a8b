"""The outbox and its delivery to the LRS.

* `statements_record`, called by the receivers inside the learning event's transaction, inserts
  the statements (one INSERT; a statement id already there is left as it is, so an event
  recorded twice is one row) and enqueues their sending after commit. With no LRS configured it
  records nothing.
* `statements_send` claims each due row (status "sending", this sender's identity and a lease)
  in a committed transaction, PUTs it to the LRS under its id, and marks it sent. A failure the
  LRS may get over (it cannot be reached, times out, answers 5xx, 401, 403, 404 or 429) puts
  the row back with an exponential back-off, 30 s doubling up to an hour, until
  `XAPI_MAX_ATTEMPTS`; a statement the LRS refuses (400, 409, 413) or that ran out of attempts
  is a dead letter ("failed"), kept with its last error for an administrator to send again.
* `statements_sweep` (every minute) takes back rows whose sender's lease ran out (a worker
  killed mid-send: the statement is sent again under the same id, which the LRS keeps once), and
  enqueues due rows whose task was lost.
"""

import datetime
import logging
import os
import socket
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from courses.conf import lms_setting
from courses.resilient import task_named

from .lrs import LrsError, lrs_config, lrs_session, statement_put
from .models import Statement, StatementStatus
from .statements import BuiltStatement

logger = logging.getLogger(__name__)

BATCH_SIZE = 50
BACKOFF_FIRST = datetime.timedelta(seconds=30)
BACKOFF_MAX = datetime.timedelta(hours=1)
# A row due this long and still waiting had its task lost (a broker restart, a killed worker).
SWEEP_AFTER = datetime.timedelta(minutes=2)
UNKNOWN_OUTCOME = (
    "Outcome unknown: its sender stopped while sending it, so it was sent again under the same "
    "statement id (the LRS keeps one)."
)


def lease_length() -> datetime.timedelta:
    """How long a sender holds a row: the LRS's timeout and a margin to record the answer."""
    config = lrs_config()
    return datetime.timedelta(seconds=(config.timeout if config else 10) + 60)


def backoff(attempts: int) -> datetime.timedelta:
    """The wait after the `attempts`-th failed try: 30 s, 1, 2, 4... minutes, at most an hour."""
    return min(BACKOFF_FIRST * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


def max_attempts() -> int:
    return max(int(lms_setting("XAPI_MAX_ATTEMPTS")), 1)


def statements_enqueue(*, ids: list, countdown: float | None = None) -> None:
    """Enqueue sending after the current transaction commits (now, outside one)."""
    if not ids:
        return
    keys = [str(pk) for pk in ids]

    send_statements = task_named("courses.xapi.tasks.send_statements")

    def push():
        Statement.objects.filter(pk__in=keys, status=StatementStatus.PENDING).update(queued_at=timezone.now())
        for start in range(0, len(keys), BATCH_SIZE):
            chunk = keys[start : start + BATCH_SIZE]
            if countdown:
                send_statements.apply_async((chunk,), countdown=countdown)
            else:
                send_statements.delay_or_run(chunk)

    transaction.on_commit(push)


def statements_record(*, statements: Iterable[BuiltStatement]) -> int:
    """Keep the statements of a learning event, in its transaction; nothing without an LRS.
    Returns how many were new."""
    rows = list({built.id: built for built in statements}.values())
    if not rows or lrs_config() is None:
        return 0
    existing = set(Statement.objects.filter(pk__in=[row.id for row in rows]).values_list("pk", flat=True))
    fresh = [row for row in rows if row.id not in existing]
    Statement.objects.bulk_create(
        [
            Statement(
                id=row.id,
                event_key=row.event_key[:255],
                verb=row.verb,
                activity=row.activity[:500],
                user_id=row.user_id,
                statement=row.statement,
                created_at=row.created_at,
            )
            for row in fresh
        ],
        ignore_conflicts=True,
    )
    statements_enqueue(ids=[row.id for row in fresh])
    return len(fresh)


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0  # dead letters now
    retry: list = field(default_factory=list)  # ids put back for a later try
    not_due: int = 0  # sent, claimed or waiting elsewhere: left alone
    retry_in: datetime.timedelta | None = None


def _sender_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _due(now: datetime.datetime) -> Q:
    """Waiting and due: a first try (no time set, so no two machines' clocks are compared) or a
    retry whose back-off has passed."""
    return Q(status=StatementStatus.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))


def _claim(pk, sender: str, lease: datetime.timedelta) -> bool:
    """Take one due row for this sender, in a committed transaction, before it leaves."""
    now = timezone.now()
    with transaction.atomic():
        return bool(
            Statement.objects.filter(_due(now), pk=pk).update(
                status=StatementStatus.SENDING,
                claimed_by=sender,
                lease_until=now + lease,
                attempts=F("attempts") + 1,
            )
        )


def _settle(pk, sender: str, *, error: LrsError | None, attempts: int) -> str:
    """Record what the LRS said about a claimed row: sent, back for a retry, or a dead letter."""
    now = timezone.now()
    mine = Statement.objects.filter(pk=pk, status=StatementStatus.SENDING, claimed_by=sender)
    if error is None:
        mine.update(status=StatementStatus.SENT, sent_at=now, lease_until=None, claimed_by="", last_error="")
        return StatementStatus.SENT
    if error.permanent or attempts >= max_attempts():
        mine.update(
            status=StatementStatus.FAILED,
            failed_at=now,
            lease_until=None,
            claimed_by="",
            last_error=error.message[:2000],
        )
        return StatementStatus.FAILED
    due = now + backoff(attempts)
    mine.update(
        status=StatementStatus.PENDING,
        next_attempt_at=due,
        queued_at=due,
        lease_until=None,
        claimed_by="",
        last_error=error.message[:2000],
    )
    return StatementStatus.PENDING


def statements_send(*, statement_ids: Iterable) -> SendResult:
    """Send the due statements among these ids, each claimed first; a second call with the same
    ids sends nothing again. Rows sent, failed, claimed by another sender or not yet due are
    left alone."""
    result = SendResult()
    config = lrs_config()
    ids = sorted({str(pk) for pk in statement_ids})
    if config is None or not ids:
        return result
    rows = list(
        Statement.objects.filter(_due(timezone.now()), pk__in=ids)
        .order_by("created_at", "pk")
        .values_list("pk", "statement", "attempts")
    )
    result.not_due = len(ids) - len(rows)
    sender = _sender_identity()
    lease = lease_length()
    with lrs_session(config) as session:
        for pk, statement, attempts in rows:
            if not _claim(pk, sender, lease):
                result.not_due += 1
                continue
            try:
                statement_put(session=session, config=config, statement=statement)
            except LrsError as error:
                outcome = _settle(pk, sender, error=error, attempts=attempts + 1)
                logger.warning("xAPI statement %s not sent (try %d): %s", pk, attempts + 1, error.message)
                if outcome == StatementStatus.FAILED:
                    result.failed += 1
                else:
                    result.retry.append(str(pk))
                    wait = backoff(attempts + 1)
                    result.retry_in = wait if result.retry_in is None else min(result.retry_in, wait)
                continue
            _settle(pk, sender, error=None, attempts=attempts + 1)
            result.sent += 1
    return result


def statements_sweep(*, older_than: datetime.timedelta = SWEEP_AFTER) -> int:
    """Recovery: rows whose sender's lease ran out go back to waiting (sent again under the same
    id), and rows due for some minutes whose task never came are enqueued again. Returns how
    many were enqueued."""
    if lrs_config() is None:
        return 0
    now = timezone.now()
    with transaction.atomic():
        Statement.objects.filter(status=StatementStatus.SENDING, lease_until__lt=now).update(
            status=StatementStatus.PENDING,
            claimed_by="",
            lease_until=None,
            next_attempt_at=None,
            queued_at=None,
            last_error=UNKNOWN_OUTCOME,
        )
        waiting = list(
            Statement.objects.filter(_due(now))
            .filter(Q(queued_at__isnull=True) | Q(queued_at__lte=now - older_than))
            .order_by(F("next_attempt_at").asc(nulls_first=True), "created_at", "pk")
            .values_list("pk", flat=True)[:5000]
        )
        statements_enqueue(ids=waiting)
    return len(waiting)


def statements_retry(*, ids: Iterable | None = None) -> int:
    """Dead letters sent again (these ids, or all of them): back to waiting with their tries
    counted afresh, enqueued now. Returns how many."""
    rows = Statement.objects.filter(status=StatementStatus.FAILED)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    with transaction.atomic():
        chosen = list(rows.select_for_update().values_list("pk", flat=True))
        Statement.objects.filter(pk__in=chosen, status=StatementStatus.FAILED).update(
            status=StatementStatus.PENDING, attempts=0, next_attempt_at=None, failed_at=None
        )
        statements_enqueue(ids=chosen)
    return len(chosen)
