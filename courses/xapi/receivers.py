"""Learning events (signals from the courses services, sent inside their transactions) become
xAPI statements in the outbox, in the same transaction."""

import logging

from django.core.exceptions import ImproperlyConfigured
from django.dispatch import receiver
from django.utils import timezone

from courses import signals

from . import statements as build
from .lrs import lrs_config
from .services import statements_record

logger = logging.getLogger(__name__)


def _on() -> bool:
    """An LRS is configured. A wrong configuration (which `manage.py check` reports) records
    nothing and is logged: it never stops a learner's work from being saved."""
    try:
        return lrs_config() is not None
    except ImproperlyConfigured:
        logger.exception("xAPI: the LRS options are wrong; no statement recorded")
        return False


@receiver(signals.module_visited, dispatch_uid="xapi_module_visited")
def on_module_visited(sender, progress, screen, created, **kwargs):
    if not _on():
        return
    enrolment, module, now = progress.enrolment, progress.module, timezone.now()
    rows = []
    if created:
        rows.append(build.module_launched(enrolment=enrolment, module=module, moment=now))
    if screen:
        rows.append(build.screen_experienced(enrolment=enrolment, module=module, screen=screen, moment=now))
    statements_record(statements=rows)


@receiver(signals.knowledge_check_marked, dispatch_uid="xapi_knowledge_check_marked")
def on_knowledge_check_marked(sender, attempt, questions, **kwargs):
    if _on():
        statements_record(statements=build.knowledge_check_statements(attempt=attempt, questions=questions))


@receiver(signals.module_completed, dispatch_uid="xapi_module_completed")
def on_module_completed(sender, enrolment, module, completed_at, **kwargs):
    if _on():
        statements_record(statements=[build.module_completed(enrolment=enrolment, module=module, moment=completed_at)])


@receiver(signals.course_completed, dispatch_uid="xapi_course_completed")
def on_course_completed(sender, enrolment, completion, **kwargs):
    if _on():
        statements_record(statements=[build.course_completed(enrolment=enrolment, completion=completion)])


@receiver(signals.scorm_initialized, dispatch_uid="xapi_scorm_initialized")
def on_scorm_initialized(sender, attempt, step, **kwargs):
    if _on():
        statements_record(
            statements=build.scorm_session_started(
                attempt=attempt, step=step, module=attempt.module, moment=timezone.now()
            )
        )


@receiver(signals.scorm_committed, dispatch_uid="xapi_scorm_committed")
def on_scorm_committed(sender, attempt, step, terminate, **kwargs):
    if _on():
        statements_record(
            statements=build.scorm_commit_statements(
                attempt=attempt, step=step, module=attempt.module, terminate=terminate, moment=timezone.now()
            )
        )
