"""Thin Celery tasks: take ids, call a service. Each is safe to run twice (the sync writes
only what differs)."""

from compliance.models import Requirement
from compliance.services.runs import day_run
from courses.resilient import RETRY_ON_OUTAGE, lms_task


@lms_task(acks_late=True, **RETRY_ON_OUTAGE)
def sync_people(person_ids: list[int]) -> dict:
    from compliance.services.sync import sync_people as run

    result = run(person_ids=person_ids)
    return {"rows_written": result.rows_written, "people": result.people}


@lms_task(acks_late=True, **RETRY_ON_OUTAGE)
def sync_completions(completion_ids: list[int]) -> dict:
    from compliance.services.sync import sync_completions as run

    result = run(completion_ids=completion_ids)
    return {"rows_written": result.rows_written, "people": result.people}


@lms_task(acks_late=True, **RETRY_ON_OUTAGE)
def sync_requirement(requirement_id: int) -> dict:
    from compliance.services.sync import sync_requirement as run

    requirement = Requirement.objects.filter(pk=requirement_id).first()
    if requirement is None:
        return {"rows_written": 0}
    result = run(requirement=requirement)
    return {"rows_written": result.rows_written, "people": result.people}


@lms_task(acks_late=True, **RETRY_ON_OUTAGE)
def sync_all() -> dict:
    """The nightly full sync: people back from an absence have their due dates extended,
    renewals open, expiries are recorded, drift is corrected."""
    from compliance.services.absences import absences_apply_returns
    from compliance.services.sync import sync_all as run

    def work():
        returns = absences_apply_returns()
        result = run()
        return {
            "rows_written": result.rows_written,
            "people": result.people,
            "absences_ended": returns.absences,
            "extended_for_absence": returns.extended,
        }

    return day_run(sync_all.name, work)


@lms_task(acks_late=True, **RETRY_ON_OUTAGE)
def deactivate_leavers() -> dict:
    """Daily: people whose leaving date has come lose their access; their obligations are withdrawn."""
    from django.db import transaction

    from compliance.people.services import people_deactivate_leavers

    def work():
        with transaction.atomic():
            deactivated = people_deactivate_leavers()
        return {"deactivated": len(deactivated)}

    return day_run(deactivate_leavers.name, work)
