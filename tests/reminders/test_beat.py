"""The beat keeps scheduling through a database outage (courses/beat.py). The outage is real:
the beat's connection is pointed at a port where no database listens, and given back."""

import time

import pytest
from django.db import connection
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from courses.beat import RETRY_SECONDS, ResilientDatabaseScheduler
from tests.workers import free_port, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(120)]


def queued(own_redis) -> int:
    return int(own_redis.cli("llen", "celery").stdout.strip() or 0)


def test_the_beat_rides_out_a_database_outage_and_carries_on(transactional_db, broker, own_redis):
    every_second = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(name="probe", task="inclusion_lms.probe", interval=every_second)
    scheduler = ResilientDatabaseScheduler(app=broker)

    def beat_until(condition, what):
        def step():
            scheduler.tick()
            return condition()

        wait_for(step, timeout=30, what=what, interval=0.3)

    beat_until(lambda: queued(own_redis) >= 1, "the beat to send the probe")
    port = connection.settings_dict["PORT"]
    try:
        connection.settings_dict["PORT"] = str(free_port())
        connection.close()
        scheduler._last_full_sync = scheduler._last_full_sync.replace(year=2000)  # a full reload is due
        started = time.monotonic()
        # The database is gone: no tick raises (django-celery-beat's own reload would, and the beat
        # process would exit); the reload's failure makes the beat wait and try again.
        waits = [scheduler.tick() for _ in range(3)]
        assert RETRY_SECONDS in waits
        assert time.monotonic() - started < 20
    finally:
        connection.settings_dict["PORT"] = port
        connection.close()
    sent = queued(own_redis)
    beat_until(lambda: queued(own_redis) > sent, "the beat to carry on once the database is back")
    scheduler.close()  # saves the run times, as a beat does when it stops
