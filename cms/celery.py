"""The Celery application. Workers start with `celery -A cms worker`, one beat with `-A cms beat`."""

import os

from celery import Celery

from courses.resilient import ResilientTask

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")


app = Celery("inclusion_lms", task_cls=ResilientTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
