"""The beat's scheduler: django-celery-beat's database scheduler, kept running through a
database outage.

django-celery-beat already rides out an outage in its change check and when it saves run
times, but its full reload (every five minutes) raises, and the beat process exits: nothing is
scheduled again until someone restarts it. Here a tick that meets a database error logs it,
drops the broken connection and asks to be called again in `RETRY_SECONDS`; when the database
answers again the schedule carries on, and a task whose time passed during the outage runs
once, late (the beat compares each task's last run with its schedule).
"""

import logging

from django.db import DatabaseError, InterfaceError, close_old_connections
from django_celery_beat.schedulers import DatabaseScheduler

logger = logging.getLogger(__name__)
RETRY_SECONDS = 5.0


class ResilientDatabaseScheduler(DatabaseScheduler):
    def tick(self, *args, **kwargs):
        try:
            return super().tick(*args, **kwargs)
        except (DatabaseError, InterfaceError) as error:
            logger.warning("Beat: the database is not answering (%s); trying again in %s s", error, RETRY_SECONDS)
            close_old_connections()
            return RETRY_SECONDS
