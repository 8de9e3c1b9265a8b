"""The test suite: fast hashing, in-memory email, eager tasks unless a broker is given."""

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = False
SECRET_KEY = "test-key-not-for-any-real-deployment"
# On only in the tests of the second factor itself (tests/cms/test_second_factor.py).
SECOND_FACTOR_REQUIRED = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
VAR_DIR.mkdir(parents=True, exist_ok=True)
# Tasks run in-process unless a test starts a real worker (those tests set this themselves).
CELERY_TASK_ALWAYS_EAGER = True
