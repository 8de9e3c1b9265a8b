"""Thin Celery tasks for the outbox: take statement ids (or nothing), call a service, safe to
run twice. `send_statements` acknowledges late and goes back to the queue if its worker dies;
a statement it had claimed is taken back by the sweep when its lease runs out."""

import logging

from kombu.exceptions import OperationalError as BrokerUnavailable

from courses.resilient import RETRY_ON_OUTAGE, lms_task

from .services import statements_send, statements_sweep

logger = logging.getLogger(__name__)


@lms_task(acks_late=True, reject_on_worker_lost=True, **RETRY_ON_OUTAGE)
def send_statements(statement_ids: list[str]) -> dict:
    result = statements_send(statement_ids=statement_ids)
    if result.retry:
        # The back-off: tried again when the first of them is due (the sweep catches a lost one).
        try:
            send_statements.apply_async((result.retry,), countdown=result.retry_in.total_seconds())
        except BrokerUnavailable:
            logger.warning("Broker unavailable: the sweep will send %d statement(s) later", len(result.retry))
    return {"sent": result.sent, "failed": result.failed, "retry": len(result.retry), "not_due": result.not_due}


@lms_task(acks_late=True, reject_on_worker_lost=True, **RETRY_ON_OUTAGE)
def sweep_statements(older_than_minutes: float | None = None) -> dict:
    """Every minute: statements whose sender died are sent again, lost tasks enqueued again."""
    import datetime

    options = {"older_than": datetime.timedelta(minutes=older_than_minutes)} if older_than_minutes is not None else {}
    return {"enqueued": statements_sweep(**options)}
