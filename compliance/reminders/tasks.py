"""Thin Celery tasks for every message: take ids or nothing, call a service, safe to run twice.

`send_reminders` acknowledges late and is rejected back to the queue if its worker dies, so
a batch interrupted by a crash runs again; rows already sent are not sent again because each
row is claimed, in a committed transaction, before its message leaves (services.reminders_send).
Planning retries on database and broker errors, and records each day's run: a blip at 06:00
costs minutes, not the day, and a run lost altogether is redone by the sweep the same day.
"""

import datetime
import logging
import smtplib

from django.db import InterfaceError, OperationalError, connection

from compliance.services.runs import daily_runs_catch_up, day_run
from courses.resilient import RETRY_ON_OUTAGE, lms_task

from .planning import reminders_plan
from .sending import reminders_send, reminders_sweep

logger = logging.getLogger(__name__)

RETRYABLE = (smtplib.SMTPException, ConnectionError, TimeoutError, OperationalError, InterfaceError)


class QueryCounter:
    """Counts the statements a task runs (logged, and read by the benchmark)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@lms_task(acks_late=True, reject_on_worker_lost=True, **RETRY_ON_OUTAGE)
def plan_reminders(today: str | None = None) -> dict:
    """The daily run: plan everything due today (reminders, escalations, digests, observation
    and reflection prompts) and enqueue sending, a person's day in one email."""
    day = datetime.date.fromisoformat(today) if today else None

    def work():
        result = reminders_plan(today=day)
        return {"considered": result.considered, "planned": result.planned, "enqueued": result.enqueued}

    return day_run(plan_reminders.name, work, day=day)


@lms_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=RETRYABLE,
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=6,
)
def send_reminders(reminder_ids: list[int], as_of: str | None = None) -> dict:
    day = datetime.date.fromisoformat(as_of) if as_of else None
    queries = QueryCounter()
    with connection.execute_wrapper(queries):
        result = reminders_send(reminder_ids=reminder_ids, today=day)
    logger.info(
        "reminders batch: sent=%d skipped=%d already_done=%d queries=%d",
        result.sent,
        result.skipped,
        result.already_done,
        queries.count,
    )
    return {"sent": result.sent, "skipped": result.skipped, "already_done": result.already_done}


@lms_task(acks_late=True, reject_on_worker_lost=True, **RETRY_ON_OUTAGE)
def sweep_reminders(older_than_minutes: float | None = None) -> dict:
    """Recovery, every minute: enqueue again messages still planned minutes after they were
    enqueued, take back rows whose sender died while sending, and redo any daily job whose run
    today was lost or failed."""
    options = {"older_than": datetime.timedelta(minutes=older_than_minutes)} if older_than_minutes else {}
    return {"enqueued": reminders_sweep(**options), "daily_jobs_redone": daily_runs_catch_up()}
