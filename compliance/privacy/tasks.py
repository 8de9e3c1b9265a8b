"""The nightly retention task: thin, as every task is; the rules are in `retention.py`."""

from compliance.services.runs import day_run
from courses.resilient import RETRY_ON_OUTAGE, lms_task


@lms_task(acks_late=True, **RETRY_ON_OUTAGE)
def apply_retention() -> dict:
    """Nightly: records past their retention period are deleted, blanked or anonymised. Safe to
    interrupt (each batch commits on its own) and to run twice (nothing more changes)."""
    from .retention import retention_apply

    def work():
        run = retention_apply()
        return {"run": run.pk, "counts": run.counts}

    return day_run(apply_retention.name, work)
