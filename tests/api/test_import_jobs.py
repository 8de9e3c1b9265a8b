"""Large HR files are imported in the background: the API answers 202 at once with the job,
whose address gives its progress and, at the end, its report. A job is imported once, even if
its task is delivered twice, and one whose worker died is taken up again."""

import datetime

import pytest
from django.utils import timezone

from compliance.importing import jobs
from compliance.importing.jobs import import_job_execute
from compliance.models import ImportJob
from compliance.people.models import Person
from tests.api.conftest import client_for
from tests.api.test_hr_api import PEOPLE_IMPORT, assert_error_shape
from tests.compliance.test_import_people import UNITS, row, to_csv, tree_rows
from tests.workers import Worker, wait_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_threshold(settings):
    settings.INCLUSION_LMS = {**settings.INCLUSION_LMS, "IMPORT_BACKGROUND_BYTES": 1000}


def joiners(count: int, first: int = 5000) -> str:
    return to_csv([row(str(first + n)) for n in range(count)])


def test_a_large_file_is_answered_at_once_and_imported_in_the_background(
    hr, small_threshold, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = hr.post(PEOPLE_IMPORT, joiners(30), content_type="text/csv")
    assert response.status_code == 202
    job = response.json()
    assert response["Location"] == job["url"] == f"/api/v1/imports/{job['id']}/"
    assert (job["kind"], job["status"], job["report"], job["message"]) == (
        "people",
        "queued",
        None,
        "The file is waiting to be imported.",
    )
    assert not Person.objects.filter(staff_number="5000").exists()
    assert hr.get(job["url"]).json()["status"] == "queued"
    for callback in queued:  # the worker's turn (tasks run in-process here)
        callback()
    done = hr.get(job["url"]).json()
    assert (done["status"], done["report"]["created"], done["failure"]) == ("done", 30, "")
    assert done["message"] == done["report"]["message"] and done["finished_at"]
    assert Person.objects.filter(staff_number__in=[str(5000 + n) for n in range(30)]).count() == 30
    assert ImportJob.objects.get(pk=job["id"]).data == b""  # the file is not kept


def test_any_file_goes_to_the_background_when_asked(hr, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = hr.post(PEOPLE_IMPORT + "?background=true", joiners(1), content_type="text/csv")
    assert response.status_code == 202
    assert hr.get(response["Location"]).json()["report"]["created"] == 1


def test_a_background_file_with_bad_rows_fails_and_writes_nothing(hr, django_capture_on_commit_callbacks):
    rows = [row("6000"), row("6001", email="not-an-email")]
    with django_capture_on_commit_callbacks(execute=True):
        response = hr.post(PEOPLE_IMPORT + "?background=1", to_csv(rows), content_type="text/csv")
    job = hr.get(response["Location"]).json()
    assert job["status"] == "failed"
    assert job["failure"] == "1 error(s) in 1 of 2 row(s): nothing was written."
    assert [(e["row"], e["column"]) for e in job["report"]["errors"]] == [(3, "email")]
    assert not Person.objects.filter(staff_number="6000").exists()


def test_a_background_file_that_cannot_be_read_fails_with_the_reason(hr, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = hr.post(PEOPLE_IMPORT + "?background=1", "just,some,columns\n1,2,3\n", content_type="text/csv")
    job = hr.get(response["Location"]).json()
    assert job["status"] == "failed" and job["report"] is None
    assert "staff_number" in job["failure"] and job["failure"].endswith("Nothing was written.")


def test_only_those_who_may_make_the_import_see_the_job(hr, django_capture_on_commit_callbacks):
    from rest_framework.test import APIClient

    from compliance.access import Role

    with django_capture_on_commit_callbacks(execute=True):
        url = hr.post(PEOPLE_IMPORT + "?background=1", joiners(1), content_type="text/csv")["Location"]
    assert client_for(roles=[Role.HR_SERVICE]).get(url).status_code == 200  # another HR account
    assert_error_shape(client_for(roles=[Role.COMPLIANCE_ADMIN]).get(url), 404)
    assert_error_shape(client_for().get(url), 404)
    assert_error_shape(APIClient().get(url), 401)
    assert_error_shape(hr.get("/api/v1/imports/999999/"), 404)


def test_a_job_is_imported_once_and_a_dead_workers_job_is_taken_up_again(force):
    job = ImportJob.objects.create(kind="people", data=joiners(2).encode(), size=10)
    assert import_job_execute(job.pk) is True
    assert import_job_execute(job.pk) is False  # delivered twice: the second finds it done
    assert Person.objects.filter(staff_number__in=["5000", "5001"]).count() == 2
    # A worker died while running this one, half an hour ago: too soon to take it over...
    now = timezone.now()
    stuck = ImportJob.objects.create(
        kind="people",
        data=joiners(1, first=7000).encode(),
        status="running",
        started_at=now - datetime.timedelta(minutes=30),
    )
    assert import_job_execute(stuck.pk, now=now) is False
    # ...unless it is the same task, retrying after the database went away; or after an hour.
    assert import_job_execute(stuck.pk, now=now, resumed=True) is True
    stale = ImportJob.objects.create(
        kind="people",
        data=joiners(1, first=7100).encode(),
        status="running",
        started_at=now - datetime.timedelta(hours=2),
    )
    assert import_job_execute(stale.pk, now=now) is True
    assert set(ImportJob.objects.values_list("status", flat=True)) == {"done"}


def test_progress_is_shown_while_a_job_runs(force, monkeypatch):
    from django.core.cache import cache

    job = ImportJob.objects.create(kind="people", data=joiners(50).encode(), size=10)
    seen = []
    real_set = cache.set

    def watch(key, value, *args, **kwargs):  # a spy: records what the job reports, and stores it
        real_set(key, value, *args, **kwargs)
        if key.startswith("import-job:"):
            running = ImportJob.objects.defer("data").get(pk=job.pk)
            seen.append(jobs.import_job_progress(running))

    monkeypatch.setattr(cache, "set", watch)
    import_job_execute(job.pk)
    assert seen and seen[-1] == {"done": 50, "total": 50}
    assert all(p["total"] == 50 and 0 <= p["done"] <= 50 for p in seen)
    assert jobs.import_job_progress(job) is None  # gone once done


@pytest.mark.postgres
@pytest.mark.timeout(120)
def test_a_real_worker_imports_a_large_file(transactional_db, broker, own_redis, tmp_path, settings):
    from compliance.access import Role
    from compliance.importing.people import import_people
    from compliance.importing.units import import_units
    from tests.conftest import restore_migration_data

    restore_migration_data()
    import_units(UNITS)
    import_people(to_csv(tree_rows()))
    hr = client_for(roles=[Role.HR_SERVICE])
    worker = Worker(tmp_path / "outbox", tmp_path / "worker.log", 0.0, own_redis.url)
    (tmp_path / "outbox").mkdir()
    (tmp_path / "worker.log").touch()
    worker.start()
    try:
        body = joiners(3000, first=10000)
        assert len(body) > 1024 * 1024 / 4
        settings.INCLUSION_LMS = {**settings.INCLUSION_LMS, "IMPORT_BACKGROUND_BYTES": 64 * 1024}
        response = hr.post(PEOPLE_IMPORT, body, content_type="text/csv")
        assert response.status_code == 202
        url = response["Location"]
        job = wait_for(
            lambda: (answer := hr.get(url).json())["status"] in ("done", "failed") and answer,
            timeout=90,
            what="the worker to import the file",
        )
    finally:
        worker.kill()
    assert (job["status"], job["report"]["created"]) == ("done", 3000), job
    assert Person.objects.filter(staff_number__startswith="1").count() >= 3000
