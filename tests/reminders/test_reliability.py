"""Reliability with a real Celery worker process, Redis and PostgreSQL.

Each test starts `celery -A cms worker` against the test database and a dedicated Redis
database, writes emails to files, and counts every message by its reminder id: each reminder
must be sent exactly once, whatever happens to the worker or the broker in between.
"""

import datetime
import os
import signal
import threading
import time
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.utils import timezone

from compliance.models import AssignmentState
from compliance.reminders import planning, sending
from compliance.reminders.models import Reminder, ReminderPolicy, ReminderStatus
from compliance.reminders.planning import reminders_plan
from compliance.reminders.sending import reminders_sweep
from compliance.reminders.tasks import plan_reminders
from tests.compliance.factories import make_requirement
from tests.factories import make_person
from tests.workers import Worker, wait_for

from .backends import count_messages
from .helpers import make_assignment, make_chain

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(180)]


@pytest.fixture
def worker_factory(tmp_path, broker, own_redis):
    workers = []
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    log = tmp_path / "worker.log"
    log.touch()

    def make(delay: float = 0.0) -> Worker:
        worker = Worker(outbox, log, delay, own_redis.url)
        workers.append(worker)
        return worker

    make.outbox = outbox
    make.log = log
    try:
        yield make
    finally:
        for worker in workers:
            worker.kill()
        if os.environ.get("REMINDERS_TEST_SHOW_LOG"):
            print(log.read_text(errors="replace")[-5000:])


@pytest.fixture
def due_reminders(live_site):
    """`n` reminders today: learners with `per_person` items each due in 14 days, so one email
    per learner carrying `per_person` reminders."""

    def make(n: int, per_person: int = 1):
        ReminderPolicy.objects.create(digest_enabled=False)
        _, manager, _ = make_chain()
        requirements = [make_requirement(name=f"Requirement {i + 1}", courses=()) for i in range(per_person)]
        today = timezone.localdate()
        for _ in range(n // per_person):
            learner = make_person(manager=manager)
            for requirement in requirements:
                make_assignment(person=learner, requirement=requirement, due=today + datetime.timedelta(days=14))
        return today

    return make


def planned_ids() -> set[int]:
    return set(Reminder.objects.values_list("pk", flat=True))


def all_sent() -> bool:
    return not Reminder.objects.filter(status=ReminderStatus.PLANNED).exists()


def assert_sent_exactly_once(outbox: Path, expected: set[int]) -> None:
    total, ids = count_messages(outbox)
    assert ids == expected
    assert total == len(expected), f"{total - len(expected)} message(s) sent twice"
    assert set(Reminder.objects.filter(status=ReminderStatus.SENT).values_list("pk", flat=True)) == expected


def test_daily_run_twice_sends_each_reminder_once(transactional_db, worker_factory, due_reminders):
    today = due_reminders(20)
    worker = worker_factory()
    worker.start()
    plan_reminders.delay(today.isoformat())
    wait_for(lambda: Reminder.objects.count() == 20 and all_sent(), timeout=30, what="the first run")
    plan_reminders.delay(today.isoformat())
    time.sleep(3)
    wait_for(all_sent, timeout=20, what="the second run")
    assert Reminder.objects.count() == 20
    assert_sent_exactly_once(worker_factory.outbox, planned_ids())


def test_two_planners_at_once_create_and_send_nothing_twice(transactional_db, worker_factory, due_reminders):
    today = due_reminders(40)
    worker = worker_factory()
    worker.start()
    barrier = threading.Barrier(2)
    errors = []

    def planner():
        try:
            barrier.wait(timeout=10)
            reminders_plan(today=today)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=planner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    wait_for(lambda: Reminder.objects.count() == 40 and all_sent(), timeout=30, what="both runs to be sent")
    assert_sent_exactly_once(worker_factory.outbox, planned_ids())


@pytest.mark.parametrize("per_person", [1, 3], ids=["one item each", "a day of three items each"])
def test_worker_killed_mid_batch_then_restarted_sends_everything_once(
    transactional_db, worker_factory, due_reminders, monkeypatch, per_person
):
    monkeypatch.setattr(planning, "BATCH_SIZE", 10)
    today = due_reminders(60, per_person=per_person)
    worker = worker_factory(delay=0.1)
    worker.start()
    reminders_plan(today=today)
    wait_for(lambda: count_messages(worker_factory.outbox)[0] >= 15, timeout=30, what="sending to start")
    worker.kill(signal.SIGKILL)
    sent_before = count_messages(worker_factory.outbox)[0]
    assert sent_before < 60, "the worker finished before it could be killed"
    assert Reminder.objects.filter(status=ReminderStatus.PLANNED).exists()

    restarted = worker_factory(delay=0.01)
    restarted.start()
    # The lost batches come back through the recovery sweep (beat runs it every 5 minutes). The
    # row the killed worker had claimed waits for its lease to run out: ten minutes, here now.
    Reminder.objects.filter(status=ReminderStatus.SENDING).update(
        lease_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    reminders_sweep(older_than=datetime.timedelta(0))
    wait_for(all_sent, timeout=40, what="the restarted worker to finish")
    time.sleep(1)
    # Every reminder went out. A second copy is possible only for a row whose sender died
    # after its message left and before it was recorded: such a row says so, and its copy
    # carries the same Message-ID (README, Reminders).
    total, ids = count_messages(worker_factory.outbox)
    assert ids == planned_ids()
    declared = Reminder.objects.filter(last_error=sending.UNKNOWN_OUTCOME).count()
    # At most one message in flight per pool process, carrying one person's day.
    assert declared <= 2 * per_person and total - len(ids) <= declared
    assert not Reminder.objects.exclude(status=ReminderStatus.SENT).exists()


def test_redis_restarted_during_a_run_loses_and_duplicates_nothing(
    transactional_db, worker_factory, due_reminders, monkeypatch, own_redis
):
    monkeypatch.setattr(planning, "BATCH_SIZE", 10)
    today = due_reminders(60)
    worker = worker_factory(delay=0.1)
    worker.start()
    reminders_plan(today=today)
    wait_for(lambda: count_messages(worker_factory.outbox)[0] >= 10, timeout=30, what="sending to start")
    try:
        own_redis.stop()  # our own server, by its PID: nothing kept
        time.sleep(1)
    finally:
        own_redis.start()
    # Redis kept nothing: the queued batches are gone. The database still has every row.
    reminders_sweep(older_than=datetime.timedelta(0))
    wait_for(all_sent, timeout=45, what="every reminder to be sent after the restart")
    time.sleep(1)
    assert_sent_exactly_once(worker_factory.outbox, planned_ids())


def test_reminders_enqueued_in_a_rolled_back_transaction_are_never_sent(
    transactional_db, worker_factory, due_reminders
):
    from compliance.reminders.tasks import send_reminders

    today = due_reminders(5)
    worker = worker_factory()
    worker.start()
    with pytest.raises(RuntimeError), transaction.atomic():
        reminders_plan(today=today)  # enqueues on commit: never
        ids = list(Reminder.objects.values_list("pk", flat=True))
        assert len(ids) == 5
        send_reminders.delay(ids)  # even a message sent straight away finds nothing committed
        time.sleep(2)
        raise RuntimeError("rolled back")
    reminders_sweep(older_than=datetime.timedelta(0))
    time.sleep(3)
    assert Reminder.objects.count() == 0
    assert count_messages(worker_factory.outbox) == (0, set())


def test_completed_between_planning_and_sending_is_not_sent(transactional_db, worker_factory, due_reminders):
    """Through the real path: the completions are recorded as the site records them, and the
    sync they cause is queued behind the sending batches, so only the send-time check of the
    learner's completions can stop the reminders."""
    from compliance.models import Assignment
    from courses.services.completions import completion_record
    from tests.compliance.factories import make_course

    today = due_reminders(6)
    reminders_plan(today=today)  # the broker holds the batches; no worker yet
    done = list(Assignment.objects.order_by("pk")[:2])
    for number, assignment in enumerate(done):
        course = make_course(f"DONE-{number}")
        assignment.requirement.courses.add(course)
        completion_record(
            user=assignment.person.user,
            course=course,
            source="online",
            idempotency_key=f"done-{number}",
            completed_at=timezone.now(),
        )
    assert Assignment.objects.filter(pk__in=[a.pk for a in done], state=AssignmentState.OPEN).count() == 2
    worker = worker_factory()
    worker.start()
    wait_for(all_sent, timeout=30, what="the batch to be processed")
    skipped = Reminder.objects.filter(status=ReminderStatus.SKIPPED)
    assert set(skipped.values_list("assignment_id", flat=True)) == {a.pk for a in done}
    sent = set(Reminder.objects.filter(status=ReminderStatus.SENT).values_list("pk", flat=True))
    assert len(sent) == 4
    assert_sent_exactly_once(worker_factory.outbox, sent)
