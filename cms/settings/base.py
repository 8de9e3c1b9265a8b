"""Settings shared by every environment.

Everything that differs between machines comes from environment variables, read here
once; dev, test and production only change defaults and hardening.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("INCLUSION_LMS_VAR_DIR", BASE_DIR / "var"))


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "cms",
    "compliance.audit",
    "compliance.people",
    "compliance.equality",
    "compliance",
    "compliance.observations",
    "compliance.reminders",
    "compliance.reporting",
    "compliance.fairness",
    "compliance.talent",
    "compliance.privacy",
    "courses",
    "courses.xapi",
    "api",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cms.security.SessionLifetimeMiddleware",
    "cms.mfa.SecondFactorMiddleware",
    "cms.security.PrivateResponsesMiddleware",
    "cms.security.PermissionsPolicyMiddleware",
    "cms.security.ContentSecurityPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "cms.navigation.navigation",
                "cms.auth.sign_in",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
# A persistent connection is checked before reuse, so a database restart costs no failed request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite: wait for a competing writer instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "cms.auth.AxesBackend",  # the password throttle: first, so it can refuse
    "django.contrib.auth.backends.ModelBackend",
    "compliance.oidc.backend.PersonOIDCBackend",
]
# Single sign-on through the force's OpenID Connect provider (Microsoft Entra ID, ADFS, Okta,
# Keycloak...), on when OIDC_ISSUER and OIDC_CLIENT_ID are set; compliance/oidc/ explains it.
# The provider's endpoints come from its discovery document. Register the callback
# <site>/oidc/callback/ and the post-sign-out address <site>/ with the provider.
OIDC_OP_ISSUER = os.environ.get("OIDC_ISSUER", "")
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_RP_SCOPES = os.environ.get("OIDC_SCOPES", "openid email profile")
# The claim naming the person, and what HR's record holds it in: "email" or "staff_number"
# (with Entra ID: "email", or an "employeeid" optional claim with staff_number).
OIDC_IDENTITY_CLAIM = os.environ.get("OIDC_IDENTITY_CLAIM", "email")
OIDC_IDENTITY_FIELD = os.environ.get("OIDC_IDENTITY_FIELD", "email")
# The provider's lasting name for the person, remembered at the first sign-in and used from then
# on: "sub", or "oid" (the object id) with Entra ID, which is the same across its applications.
OIDC_SUBJECT_CLAIM = os.environ.get("OIDC_SUBJECT_CLAIM", "sub")
# Off: someone the provider knows but HR does not is refused rather than given an account.
OIDC_CREATE_USER = env_bool("OIDC_CREATE_USER", False)
# Signing out here also signs out at the provider (RP-initiated logout), when it offers that.
OIDC_PROVIDER_LOGOUT = env_bool("OIDC_PROVIDER_LOGOUT", True)
OIDC_OP_LOGOUT_URL_METHOD = "compliance.oidc.views.provider_logout_url"

# Sessions (cms/security.py): signed out after 30 idle minutes, and 12 hours after signing in
# whatever the activity. A password reset link works once, for an hour.
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12")) * 60 * 60
PASSWORD_RESET_TIMEOUT = 60 * 60

# Content-Security-Policy (django-csp; cms/security.py adds what the Wagtail admin and the
# identity provider need). Nothing is loaded from another site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
    }
}

# A second factor (an authenticator app) for accounts with rights that sign in with a password
# (cms/mfa.py). The demo turns it off unless SECOND_FACTOR_REQUIRED=1.
SECOND_FACTOR_REQUIRED = env_bool("SECOND_FACTOR_REQUIRED", True)
OTP_TOTP_ISSUER = os.environ.get("SITE_NAME", "Inclusion training")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "compliance:landing"  # administrators' dashboard, a manager's team, a learner's training
LOGOUT_REDIRECT_URL = "/"
# The password throttle (django-axes; cms/auth.py explains it): 5 failures for one username
# from one address hold that pair back for 15 minutes. Behind a reverse proxy, set
# LOGIN_THROTTLE_PROXY_COUNT to the number of proxies (usually 1) that append to X-Forwarded-For.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_THROTTLE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("LOGIN_THROTTLE_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # 15 minutes from the fifth failure
AXES_USERNAME_CALLABLE = "cms.auth.username_key"
AXES_CLIENT_IP_CALLABLE = "cms.auth.client_ip"
AXES_WHITELIST_CALLABLE = "cms.auth.not_a_password_sign_in"
AXES_LOCKOUT_CALLABLE = "cms.auth.locked_out"
AXES_ENABLE_ADMIN = False  # current lockouts are in the Wagtail admin instead
AXES_VERBOSE = False
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "cms.auth.ThrottledPasswordResetForm"
LOGIN_THROTTLE_PROXY_COUNT = int(os.environ.get("LOGIN_THROTTLE_PROXY_COUNT", "0"))

# Cache: per-process memory unless CACHE_URL (or REDIS_URL) names a Redis server. The sign-in
# throttle counts in the database; password-reset limits and import progress are in the cache,
# so production with several web processes needs Redis (`check --deploy` says so).
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    # cms/cache.py: a Redis outage, or a hung Redis, costs under a second and never a 500.
    CACHES = {
        "default": {
            "BACKEND": "cms.cache.DegradingRedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
elif CACHE_URL in ("", "locmem://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured(f"CACHE_URL must be a redis://, rediss:// or unix:// URL, not {CACHE_URL!r}")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# HR files of a whole force arrive through the API.
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Wagtail
WAGTAIL_SITE_NAME = os.environ.get("SITE_NAME", "Inclusion training")
WAGTAILADMIN_BASE_URL = os.environ.get("SITE_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAIL_I18N_ENABLED = False
# The admin shows initials, never avatars fetched from a third-party service.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Nor does its dashboard ask wagtail.org for the latest release (a police network may block it;
# the Content-Security-Policy does).
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"

# Email: console in development, SMTP in production, from the environment.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
# A hung mail server costs a sender 30 s, well inside the lease it holds on a message (3 minutes).
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "outbox"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "inclusion-training@force.example")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: with no broker configured, tasks run eagerly in-process (the demo).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    # Celery still opens a producer before running a task eagerly; keep it in memory.
    CELERY_BROKER_URL = "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "courses.beat:ResilientDatabaseScheduler"
# Redis hands an unacknowledged task (its worker died) to another worker after this long: well
# above the longest task (a batch of reminders), well below the default hour.
# Short socket timeouts: a hung Redis makes publishing fail in seconds (and the work then runs
# in the web process, courses/resilient.py), not hold a web worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 15 * 60, "socket_timeout": 5, "socket_connect_timeout": 2}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True

# The plugin's options (courses/conf.py lists them all with their defaults).
INCLUSION_LMS = {
    # Fairness analytics: a count of people below this is suppressed (with secondary suppression).
    "FAIRNESS_THRESHOLD": int(os.environ.get("FAIRNESS_THRESHOLD", "10")),
    # Reminders wait for a working day in this nation's calendar ("none": weekends only).
    "BANK_HOLIDAYS": None
    if os.environ.get("BANK_HOLIDAYS", "england-and-wales") == "none"
    else os.environ.get("BANK_HOLIDAYS", "england-and-wales"),
    # xAPI statements to a learning record store; none recorded while the endpoint is unset.
    "XAPI_LRS_ENDPOINT": os.environ.get("XAPI_LRS_ENDPOINT") or None,
    "XAPI_LRS_USERNAME": os.environ.get("XAPI_LRS_USERNAME", ""),
    "XAPI_LRS_PASSWORD": os.environ.get("XAPI_LRS_PASSWORD", ""),
}

# The API's own DRF and schema settings (a host site with other DRF APIs can merge them).
from api.conf import REST_FRAMEWORK, SPECTACULAR_SETTINGS  # noqa: E402, F401

# Error reports hide every form field, query value and traceback variable (cms/security.py).
DEFAULT_EXCEPTION_REPORTER_FILTER = "cms.security.PersonalDataReporterFilter"
DEFAULT_EXCEPTION_REPORTER = "cms.security.PersonalDataExceptionReporter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Wagtail logs every page created or published at INFO: noise in imports and benchmarks.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
if CELERY_TASK_ALWAYS_EAGER:
    # Tasks run inside commands and requests: a line per task succeeded is noise there.
    LOGGING["loggers"]["celery.app.trace"] = {"level": "WARNING"}
