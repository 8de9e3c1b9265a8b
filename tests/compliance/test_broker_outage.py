"""When the broker cannot be reached, work saved in a request is never answered with an error
and never left undone: the task runs in the caller's process instead. The broker here is real
configuration pointing at a port where nothing listens."""

import contextlib
import datetime
import logging
import os

import pytest
from django.utils import timezone

from compliance.models import Assignment
from compliance.people.signals import people_changed
from compliance.selectors.assignments import Status, assignment_status
from compliance.services.requirements import requirement_save
from courses.services.completions import completion_record
from tests.compliance.factories import make_course, make_requirement
from tests.factories import make_person

UNREACHABLE = "redis://127.0.0.1:1/0"


@contextlib.contextmanager
def publishing_to(url: str):
    """This process publishes its tasks to `url` instead of running them eagerly."""
    from cms.celery import app

    saved = (app.conf.task_always_eager, app.conf.broker_url, os.environ.get("CELERY_BROKER_URL"))
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
    os.environ["CELERY_BROKER_URL"] = url
    app.conf.task_always_eager, app.conf.broker_url = False, url
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield app
    finally:
        app.conf.task_always_eager, app.conf.broker_url, environ = saved
        if environ is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = environ
        app._pool = None
        app.amqp._producer_pool = None


@pytest.fixture
def broker_down(db):
    with publishing_to(UNREACHABLE):
        yield


def test_a_completion_during_an_outage_still_meets_the_obligation(
    broker_down, django_capture_on_commit_callbacks, caplog
):
    person = make_person(start_date=timezone.localdate() - datetime.timedelta(days=10))
    requirement = make_requirement(courses=["LFOH-STAFF"], trigger="joining", trigger_days=60)
    with django_capture_on_commit_callbacks(execute=True):
        people_changed.send(sender=None, person_ids=[person.pk])
    assignment = Assignment.objects.get(person=person, requirement=requirement)
    with caplog.at_level(logging.WARNING, logger="courses.resilient"), django_capture_on_commit_callbacks(execute=True):
        completion_record(user=person.user, course=make_course("LFOH-STAFF"), source="online", idempotency_key="k1")
    assignment.refresh_from_db()
    assert assignment_status(assignment=assignment, today=timezone.localdate()) == Status.COMPLETED
    assert "Broker unavailable: running compliance.tasks.sync_completions in this process" in caplog.text


def test_a_requirement_saved_during_an_outage_assigns_its_audience(broker_down, django_capture_on_commit_callbacks):
    people = [make_person() for _ in range(3)]
    requirement = make_requirement(trigger="requirement_start", trigger_days=30)
    requirement.name = "Renamed during the outage"
    with django_capture_on_commit_callbacks(execute=True):
        requirement_save(requirement=requirement)
    assert set(Assignment.objects.filter(requirement=requirement).values_list("person_id", flat=True)) == {
        p.pk for p in people
    }


def test_with_a_broker_up_the_task_is_enqueued_not_run_here(db, django_capture_on_commit_callbacks):
    """The fallback is only for an outage: with Redis answering, nothing runs in the caller."""
    broker = os.environ.get("CELERY_BROKER_URL")
    if not broker:
        pytest.skip("no broker: CI's PostgreSQL pass sets CELERY_BROKER_URL")
    with publishing_to(broker) as app:
        try:
            person = make_person()
            make_requirement(trigger="joining")
            with django_capture_on_commit_callbacks(execute=True):
                people_changed.send(sender=None, person_ids=[person.pk])
            # No worker consumes this test's message: had it run here, the assignment would exist.
            assert not Assignment.objects.filter(person=person).exists()
        finally:
            app.control.purge()
