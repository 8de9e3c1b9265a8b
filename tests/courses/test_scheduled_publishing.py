"""Scheduled publishing runs from the beat schedule: a course approved with a go-live time goes
live by itself, with no one running `publish_scheduled` by hand."""

import datetime

import pytest
from django.utils import timezone

from courses.models import CoursePage
from courses.tasks import publish_scheduled
from tests.workers import Worker, wait_for

from .conftest import make_course

NEW_TITLE = "Dilemma of the month: December"


def schedule(course: CoursePage, go_live_at: datetime.datetime) -> None:
    """An editor sets a go-live time on a change, and the L&D lead approves it."""
    draft = course.get_latest_revision_as_object()
    draft.title, draft.go_live_at = NEW_TITLE, go_live_at
    draft.save_revision(approved_go_live_at=go_live_at).publish()


def live_title(course: CoursePage) -> str:
    return CoursePage.objects.get(pk=course.pk).title


@pytest.mark.django_db
def test_the_task_publishes_what_has_fallen_due_and_nothing_early(pinned_clock):
    course = make_course(code="DILEMMA-DEC")
    schedule(course, timezone.now() + datetime.timedelta(hours=1))
    publish_scheduled.delay()
    course.refresh_from_db()
    assert course.title != "Dilemma of the month: December"  # not yet: the time has not come
    assert course.has_unpublished_changes
    pinned_clock.shift(datetime.timedelta(hours=1, minutes=1))
    publish_scheduled.delay()
    course.refresh_from_db()
    assert (course.title, course.live, course.has_unpublished_changes) == (
        "Dilemma of the month: December",
        True,
        False,
    )


@pytest.mark.postgres
@pytest.mark.timeout(120)
def test_a_real_worker_and_beat_publish_it_on_schedule(on_postgres, live_site, broker, own_redis, tmp_path):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    course = make_course(code="DILEMMA-DEC")
    schedule(course, timezone.now() + datetime.timedelta(seconds=3))
    # The deployment's schedule, every 5 minutes; made every second here so the test is quick.
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="Courses: scheduled publishing", task="courses.tasks.publish_scheduled", interval=every_second
    )
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    log = tmp_path / "worker.log"
    log.touch()
    worker = Worker(outbox, log, 0, own_redis.url, extra_args=("--beat", "-s", str(tmp_path / "beat-schedule")))
    assert live_title(course) == "Course DILEMMA-DEC"
    try:
        worker.start()
        wait_for(lambda: live_title(course) == NEW_TITLE, timeout=60, what="the beat to publish the course")
    finally:
        worker.kill()
    assert b"courses.tasks.publish_scheduled" in log.read_bytes()
