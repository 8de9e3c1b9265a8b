"""Imports in the background: a large file is stored with its options as an `ImportJob`, a
worker imports it, and its progress and report are read from the job.

The worker claims a queued job with a conditional update, so two workers (a task delivered
twice) never import one file twice. A job whose worker died is claimed again after
`STALE_AFTER`; the import is one transaction, so a half-run job left nothing behind. Progress
lives in the cache (the import's own transaction would hide it from other connections until
the end); with a per-process cache, a job shows its progress only when it is done.
"""

import contextlib
import datetime
import logging

from django.core.cache import cache
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from compliance.importing.absences import import_absences
from compliance.importing.base import ImportFileError
from compliance.importing.completions import import_completions
from compliance.importing.people import import_people
from compliance.importing.units import import_units
from compliance.models import ImportJob
from courses.resilient import RETRY_ON_OUTAGE, lms_task

logger = logging.getLogger(__name__)
IMPORTERS = {
    ImportJob.Kind.PEOPLE: import_people,
    ImportJob.Kind.UNITS: import_units,
    ImportJob.Kind.COMPLETIONS: import_completions,
    ImportJob.Kind.ABSENCES: import_absences,
}
WITH_PROGRESS = {ImportJob.Kind.PEOPLE, ImportJob.Kind.COMPLETIONS}
STALE_AFTER = datetime.timedelta(hours=1)


def _progress_key(job_id: int) -> str:
    return f"import-job:{job_id}:progress"


def import_job_progress(job: ImportJob) -> dict | None:
    """{"done": rows, "total": rows} while running, if the cache has it."""
    try:
        value = cache.get(_progress_key(job.pk))
    except Exception:  # progress is a courtesy: a cache outage must not break the status
        return None
    return {"done": value[0], "total": value[1]} if value else None


STATUS_MESSAGES = {
    ImportJob.Status.QUEUED: "The file is waiting to be imported.",
    ImportJob.Status.RUNNING: "The file is being imported.",
}


def import_job_summary(job: ImportJob) -> dict:
    """The job as its API answer and its admin page show it (the file itself left out)."""
    if job.status == ImportJob.Status.DONE:
        message = (job.report or {}).get("message", "Imported.")
    elif job.status == ImportJob.Status.FAILED:
        message = job.failure
    else:
        message = STATUS_MESSAGES[job.status]
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "size": job.size,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "progress": import_job_progress(job) if job.status == ImportJob.Status.RUNNING else None,
        "report": job.report,
        "failure": job.failure,
        "message": message,
    }


def import_job_create(
    *, kind: str, data: bytes, mapping: dict, dry_run: bool, skip_invalid: bool, user, source: str = "api"
) -> ImportJob:
    """Store the file and queue its import once the job is committed."""
    job = ImportJob.objects.create(
        kind=kind,
        data=data,
        size=len(data),
        mapping=mapping,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        requested_by=user if getattr(user, "is_authenticated", False) else None,
        source=source,
    )
    transaction.on_commit(lambda: import_job_run.delay(job.pk))
    return job


def import_job_execute(job_id: int, *, resumed: bool = False, now: datetime.datetime | None = None) -> bool:
    """Import one job's file, if this call claims it: a queued job, a running one whose worker
    is long gone, or (`resumed`) the one this task itself was running when the database went
    away. Returns whether it ran."""
    now = now or timezone.now()
    running = Q(status=ImportJob.Status.RUNNING)
    if not resumed:
        running &= Q(started_at__lt=now - STALE_AFTER)
    claimable = Q(status=ImportJob.Status.QUEUED) | running
    if not ImportJob.objects.filter(claimable, pk=job_id).update(status=ImportJob.Status.RUNNING, started_at=now):
        return False
    job = ImportJob.objects.get(pk=job_id)
    importer = IMPORTERS[job.kind]
    options = {}
    if job.kind in WITH_PROGRESS:

        def progress(done: int, total: int) -> None:
            with contextlib.suppress(Exception):  # progress is a courtesy
                cache.set(_progress_key(job.pk), (done, total), timeout=STALE_AFTER.total_seconds())

        options["progress"] = progress
    try:
        report = importer(
            bytes(job.data),
            mapping=job.mapping or None,
            dry_run=job.dry_run,
            skip_invalid=job.skip_invalid,
            source=job.source,
            actor=job.requested_by,
            **options,
        )
    except (OperationalError, InterfaceError):
        raise  # the database went away: the task retries and resumes this job
    except ImportFileError as error:
        _finish(job, status=ImportJob.Status.FAILED, failure=f"{error} Nothing was written.")
        return True
    except Exception:
        logger.exception("Import job %s failed", job.pk)
        _finish(job, status=ImportJob.Status.FAILED, failure="The import failed; nothing was written. Tell support.")
        return True
    if report.refused:  # errors in rows, and nothing written
        _finish(job, status=ImportJob.Status.FAILED, report=report.as_dict(), failure=report.headline())
    else:
        _finish(job, status=ImportJob.Status.DONE, report=report.as_dict())
    return True


def _finish(job: ImportJob, *, status: str, report: dict | None = None, failure: str = "") -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=status, report=report, failure=failure, finished_at=timezone.now(), data=b""
    )
    with contextlib.suppress(Exception):
        cache.delete(_progress_key(job.pk))


@lms_task(bind=True, acks_late=True, **RETRY_ON_OUTAGE)
def import_job_run(self, job_id: int) -> bool:
    return import_job_execute(job_id, resumed=bool(self.request.retries))
