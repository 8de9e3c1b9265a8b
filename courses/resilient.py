"""The Celery task base every task of the plugin uses, whatever the host's Celery app.

Declared on each task (`@lms_task`) rather than on the host's app, so a force's own Celery
app runs the plugin's tasks with the same guarantee."""

import functools
import importlib
import logging

from celery import current_app, shared_task
from celery.contrib.django.task import DjangoTask
from django.db import InterfaceError, OperationalError, transaction
from kombu.exceptions import OperationalError as BrokerUnavailable

logger = logging.getLogger(__name__)


class ResilientTask(DjangoTask):
    """Enqueued after commit; when the broker cannot be reached the task runs here instead.

    Every task is idempotent (workers ack late and may run one twice), so running it in the
    caller's process gives the same result, only later in that request: a learner finishing a
    course during a broker outage still sees their obligation met, and never gets an error for
    work that has already been saved."""

    def delay_or_run(self, *args, **kwargs):
        try:
            return self.apply_async(args, kwargs)
        except BrokerUnavailable:
            logger.warning("Broker unavailable: running %s in this process", self.name, exc_info=True)
            return self.apply(args, kwargs)

    def delay_on_commit(self, *args, **kwargs) -> None:
        transaction.on_commit(functools.partial(self.delay_or_run, *args, **kwargs))


# For idempotent work (syncs, planning runs, sweeps): a database or broker blip when the beat
# fires costs minutes, not the day; the task is tried again, with backoff, for about an hour.
RETRY_ON_OUTAGE = {
    "autoretry_for": (OperationalError, InterfaceError, ConnectionError, TimeoutError),
    "retry_backoff": 10,
    "retry_backoff_max": 5 * 60,
    "retry_jitter": True,
    "max_retries": 20,
}


def lms_task(*args, **options):
    """`shared_task` with `ResilientTask` as its base: `@lms_task` or `@lms_task(acks_late=True)`."""
    options.setdefault("base", ResilientTask)
    return shared_task(*args, **options)


def task_named(name: str) -> ResilientTask:
    """The task registered under its dotted name ("compliance.tasks.sync_requirement").

    Services enqueue work by name, as a link reverses a URL by name, so they never import the
    task modules that call them: tasks sit above services and imports run one way."""
    importlib.import_module(name.rsplit(".", 1)[0])
    return current_app.tasks[name]
