"""Daily jobs' runs. Each daily job records its run for the day (`day_run`); the recovery
sweep (`daily_runs_catch_up`, every minute) runs again, the same day, a job whose beat time has
passed and whose run has not finished: its task was lost with a broker, its worker died, every
retry failed while a service was down, or the beat itself was down at that time. The jobs are
idempotent, so running one again is safe."""

import datetime
import logging
import zoneinfo

from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone

from compliance.models import DayRun
from courses.resilient import task_named

logger = logging.getLogger(__name__)

# The daily jobs that record their runs (task names, as the beat schedules them).
DAILY_JOBS = (
    "compliance.tasks.deactivate_leavers",
    "compliance.tasks.sync_all",
    "compliance.reminders.tasks.plan_reminders",
    "compliance.privacy.tasks.apply_retention",
)
# A run missing this long after its beat time is redone; one started (or enqueued again) and
# not finished after STALE is taken to be lost.
GRACE = datetime.timedelta(minutes=10)
STALE = datetime.timedelta(minutes=30)


def day_run(job: str, work, *, day: datetime.date | None = None):
    """Run `work()` as `job`'s run for `day` (today), recording its start, end and any error."""
    day = day or timezone.localdate()
    with transaction.atomic():
        run, _ = DayRun.objects.get_or_create(job=job, day=day)
        DayRun.objects.filter(pk=run.pk).update(
            started_at=timezone.now(), finished_at=None, attempts=F("attempts") + 1, last_error=""
        )
    try:
        result = work()
    except Exception as error:
        try:
            DayRun.objects.filter(pk=run.pk).update(last_error=f"{type(error).__name__}: {error}"[:500])
        except DatabaseError:  # the database is what failed: the sweep sees an unfinished run
            logger.warning("Could not record the failure of %s", job, exc_info=True)
        raise
    DayRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), result=result or {})
    return result


def _due_at(crontab, now: datetime.datetime) -> datetime.datetime | None:
    """Today's beat time of a once-a-day crontab, in its own time zone; None for other schedules."""
    if not (str(crontab.minute).isdigit() and str(crontab.hour).isdigit()):
        return None
    if (crontab.day_of_week, crontab.day_of_month, crontab.month_of_year) != ("*", "*", "*"):
        return None
    local = now.astimezone(zoneinfo.ZoneInfo(str(crontab.timezone)))
    return local.replace(hour=int(crontab.hour), minute=int(crontab.minute), second=0, microsecond=0)


def daily_runs_catch_up(*, now: datetime.datetime | None = None) -> list[str]:
    """Enqueue again every daily job whose run today is missing or lost. Returns their names."""
    from django_celery_beat.models import PeriodicTask

    now = now or timezone.now()
    again = []
    for periodic in PeriodicTask.objects.filter(
        enabled=True, task__in=DAILY_JOBS, crontab__isnull=False
    ).select_related("crontab"):
        due_at = _due_at(periodic.crontab, now)
        if due_at is None or now < due_at + GRACE:
            continue
        run = DayRun.objects.filter(job=periodic.task, day=due_at.date()).first()
        if run is not None:
            latest = max(t for t in (run.started_at, run.queued_at, due_at) if t is not None)
            if run.finished_at or latest > now - STALE:
                continue
        DayRun.objects.update_or_create(job=periodic.task, day=due_at.date(), defaults={"queued_at": now})
        task_named(periodic.task).delay_on_commit()
        logger.warning("Daily job %s had not finished today: enqueued again", periodic.task)
        again.append(periodic.task)
    return again
