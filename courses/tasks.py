"""Thin Celery tasks: take ids, re-fetch, call a service. Safe to run twice. (The messages
courses gives cause to, freed places and reflection prompts, are sent by the reminders app.)"""

from django.core.management import call_command

from courses.resilient import RETRY_ON_OUTAGE, lms_task


@lms_task(acks_late=True, **RETRY_ON_OUTAGE)
def publish_scheduled() -> None:
    """Wagtail's scheduled publishing: pages approved with a go-live time go live, and pages
    past their expiry time are unpublished. The beat runs it every few minutes."""
    call_command("publish_scheduled", verbosity=0)
