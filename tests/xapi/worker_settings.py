"""Settings for the real Celery worker the xAPI reliability test starts: the test settings on
the suite's pinned clock, tasks through the broker, the LRS from XAPI_LRS_* (cms/settings/base.py
reads them), and a pause after each statement the LRS has taken and before it is recorded as
sent, so that a worker killed mid-send is killed in the window that matters."""

import os
import time

import time_machine

from cms.settings.test import *  # noqa: F403

time_machine.travel(os.environ["LMS_TEST_NOW"], tick=True).start()

CELERY_TASK_ALWAYS_EAGER = False
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

_PAUSE = float(os.environ.get("XAPI_TEST_PAUSE_AFTER_PUT", "0"))
if _PAUSE:
    from courses.xapi import lrs as _lrs

    _put = _lrs.statement_put

    def _slow_put(**kwargs):
        _put(**kwargs)
        time.sleep(_PAUSE)

    _lrs.statement_put = _slow_put
