"""The nightly retention task, run by a real Celery worker through the broker against PostgreSQL:
the records past their period go, the day's run is recorded, and running it again changes
nothing more."""

import datetime

import pytest

from compliance.audit.models import AuditEvent
from compliance.equality.models import EqualityRecord
from compliance.models import DayRun
from compliance.people.models import Person
from compliance.privacy.models import RetentionRun
from compliance.privacy.tasks import apply_retention
from compliance.services.sync import sync_people
from courses.models import Reflection
from tests.factories import make_person
from tests.workers import Worker, wait_for

from .records import at, give_records

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(180)]

TODAY = datetime.date(2026, 6, 17)  # the pinned day, in the worker too
JOB = "compliance.privacy.tasks.apply_retention"


@pytest.fixture
def worker(live_site, broker, own_redis, tmp_path):
    (tmp_path / "outbox").mkdir()
    (tmp_path / "worker.log").touch()
    worker = Worker(tmp_path / "outbox", tmp_path / "worker.log", 0.0, own_redis.url)
    worker.start()
    try:
        yield worker
    finally:
        worker.kill()


def _finished(attempts: int):
    run = DayRun.objects.filter(job=JOB, day=TODAY, finished_at__isnull=False, attempts=attempts).first()
    return run or False


def test_a_real_worker_applies_the_retention_rules(worker):
    manager = make_person(first_name="Morgan", last_name="Sergeant")
    gone = make_person(first_name="Long", last_name="Gone", end_date=datetime.date(2019, 1, 31), is_active=False)
    records = give_records(gone, manager=manager, on=datetime.date(2018, 6, 1))
    # Their ledger as the sync left it when they left (their open training withdrawn): the run's
    # own sync of the people it anonymises then has nothing to write.
    sync_people(person_ids=[gone.pk], today=TODAY)
    serving = make_person(first_name="Still", last_name="Serving")
    kept = give_records(serving, manager=manager, on=TODAY)

    apply_retention.delay()
    run = wait_for(lambda: _finished(1), timeout=90, what="the worker to apply the retention rules")

    assert not EqualityRecord.objects.filter(pk__in=records.ids["equality.EqualityRecord"]).exists()
    assert not Reflection.objects.filter(pk__in=records.ids["courses.Reflection"]).exists()
    assert Person.objects.get(pk=gone.pk).anonymised_on == TODAY
    assert EqualityRecord.objects.filter(pk__in=kept.ids["equality.EqualityRecord"]).exists()
    assert Reflection.objects.filter(pk__in=kept.ids["courses.Reflection"], created_at=at(TODAY)).exists()
    assert Person.objects.get(pk=serving.pk).anonymised_on is None
    retention_run = RetentionRun.objects.get()
    assert run.result == {"run": retention_run.pk, "counts": retention_run.counts}
    assert run.last_error == ""
    assert retention_run.counts["people.Person"] == {"action": "anonymise", "rows": 1}

    # Again the same day (the catch-up sweep, a retried task): recorded, and nothing more changes.
    apply_retention.delay()
    again = wait_for(lambda: _finished(2), timeout=60, what="the second run")
    assert again.result["counts"] == {}
    assert RetentionRun.objects.count() == 2


def test_apply_the_rules_now_hands_the_run_to_the_worker(worker, client, dpo):
    gone = make_person(first_name="Long", last_name="Gone", end_date=datetime.date(2019, 1, 31), is_active=False)
    records = give_records(gone, manager=make_person(), on=datetime.date(2018, 6, 1))
    client.force_login(dpo)

    response = client.post("/admin/privacy/retention/")
    assert response.status_code == 302 and response["Location"] == "/admin/privacy/retention/"
    run = wait_for(
        lambda: RetentionRun.objects.filter(finished_at__isnull=False).first() or False,
        timeout=90,
        what="the worker to apply the rules asked for on the page",
    )
    assert not Reflection.objects.filter(pk__in=records.ids["courses.Reflection"]).exists()
    assert Person.objects.get(pk=gone.pk).anonymised_on == TODAY
    assert AuditEvent.objects.get(action="retention_applied", object_id=str(run.pk)).actor == dpo
    assert not DayRun.objects.filter(job=JOB).exists()  # tonight's run is still to come
