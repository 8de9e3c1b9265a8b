"""`/health/` for load balancers and monitoring: 200 when the database answers (and the broker,
when one is configured), 503 naming the part that does not. No sign-in; it reveals nothing
beyond whether each part answers."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu import Connection

BROKER_TIMEOUT = 2  # seconds: a monitor polls again; never hold a web worker for long


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any failure to answer is "unavailable": the reason is for the logs
        return "unavailable"
    return "ok"


def broker_status() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "not used (tasks run in the web process)"
    try:
        # Short socket timeouts too: a hung (not stopped) Redis answers nothing.
        options = {"socket_timeout": BROKER_TIMEOUT, "socket_connect_timeout": BROKER_TIMEOUT}
        url = settings.CELERY_BROKER_URL
        with Connection(url, connect_timeout=BROKER_TIMEOUT, transport_options=options) as broker:
            broker.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT)
    except Exception:
        return "unavailable"
    return "ok"


@never_cache
@require_safe
def health(request):
    parts = {"database": database_status(), "broker": broker_status()}
    healthy = "unavailable" not in parts.values()
    return JsonResponse({"status": "ok" if healthy else "unavailable", **parts}, status=200 if healthy else 503)
