"""The Celery application. Workers start with `celery -A cms worker`, one beat with `-A cms beat`."""

import functools
import logging
import os

from celery import Celery
from celery.contrib.django.task import DjangoTask
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerUnavailable

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
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


app = Celery("inclusion_lms", task_cls=ResilientTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
