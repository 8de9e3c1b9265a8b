"""Settings for the real Celery worker the reliability tests start: the test settings, with
tasks going through the broker and emails written to files the test can count."""

import os

import time_machine

from cms.settings.test import *  # noqa: F403

# The same pinned clock as the test that started this worker (tests/conftest.py).
time_machine.travel(os.environ["LMS_TEST_NOW"], tick=True).start()

CELERY_TASK_ALWAYS_EAGER = False
EMAIL_BACKEND = "tests.reminders.backends.SlowFileBackend"
EMAIL_FILE_PATH = os.environ["REMINDERS_TEST_OUTBOX"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
