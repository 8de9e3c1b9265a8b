"""The nightly retention task: thin, as every task is; the rules are in `retention.py`."""

from compliance.services.runs import day_run
from courses.resilient import RETRY_ON_OUTAGE, lms_task


@lms_task(acks_late=True, **RETRY_ON_OUTAGE)
def apply_retention() -> dict:
    """Nightly: records past their retention period are deleted, erased or anonymised. Safe to
    interrupt (each batch commits on its own) and to run twice (nothing more changes)."""
    from .retention import retention_apply

    def work():
        run = retention_apply()
        return {"run": run.pk, "counts": run.counts}

    return day_run(apply_retention.name, work)


@lms_task(acks_late=True, **RETRY_ON_OUTAGE)
def apply_retention_now(actor_id: int) -> dict:
    """Asked for on the retention page: the same run, by the person who asked, whenever the
    worker reaches it (the nightly run's record for the day is left alone)."""
    from django.contrib.auth import get_user_model

    from .retention import retention_apply

    run = retention_apply(actor=get_user_model().objects.filter(pk=actor_id).first())
    return {"run": run.pk, "counts": run.counts}
