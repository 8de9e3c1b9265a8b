"""Thin Celery tasks: take ids, call a service. Each is safe to run twice (the sync writes
only what differs)."""

import smtplib

from compliance.models import Requirement
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
    """The nightly full sync: renewals open, expiries are recorded, drift is corrected."""
    from compliance.services.sync import sync_all as run

    result = run()
    return {"rows_written": result.rows_written, "people": result.people}


@lms_task(acks_late=True, **RETRY_ON_OUTAGE)
def deactivate_leavers() -> dict:
    """Daily: people whose leaving date has come lose their access; their obligations are withdrawn."""
    from django.db import transaction

    from compliance.services.people import people_deactivate_leavers

    with transaction.atomic():
        deactivated = people_deactivate_leavers()
    return {"deactivated": len(deactivated)}


@lms_task(acks_late=True, **RETRY_ON_OUTAGE)
def plan_observation_prompts(today: str | None = None) -> dict:
    """Daily: make the manager-observation prompts that have fallen due and email each
    manager once about theirs (after commit). A second run makes and sends nothing."""
    import datetime

    from compliance.services.observations import observation_prompts_plan

    day = datetime.date.fromisoformat(today) if today else None
    result = observation_prompts_plan(today=day)
    return {"created": result.created, "managers": result.managers, "enqueued": result.enqueued}


@lms_task(
    acks_late=True,
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=60,
    retry_backoff_max=60 * 60,
    retry_jitter=True,
    max_retries=6,
)
def send_observation_prompts(manager_id: int, observation_ids: list[int], as_of: str | None = None) -> int:
    """Email one manager about their due observation prompts, once (the rows are locked and
    marked prompted in the transaction that sends)."""
    import datetime

    from compliance.services.observations import observation_prompts_send

    day = datetime.date.fromisoformat(as_of) if as_of else None
    return observation_prompts_send(manager_id=manager_id, observation_ids=observation_ids, today=day)
