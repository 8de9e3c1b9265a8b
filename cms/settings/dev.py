"""Development and demo: SQLite by default, console email, eager tasks."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR, env_bool

DEBUG = True
SECRET_KEY = SECRET_KEY or "insecure-development-key-only-for-the-local-demo"  # noqa: F405
# The personas sign in with a password alone; SECOND_FACTOR_REQUIRED=1 make demo to try it.
SECOND_FACTOR_REQUIRED = env_bool("SECOND_FACTOR_REQUIRED", False)
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
VAR_DIR.mkdir(parents=True, exist_ok=True)
