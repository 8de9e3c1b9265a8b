"""Redis going away, or hanging, costs the site seconds, never a 500: the cache degrades
(cms/cache.py), `/health/` answers within its timeout, and work enqueued while the broker hangs
runs in the web process. Each test uses a Redis of its own (tests/workers.py), stopped with
SIGKILL or frozen with SIGSTOP by its PID; no shared service is touched."""

import os
import signal
import time
from contextlib import contextmanager

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(120)]


@pytest.fixture
def redis_cache(own_redis, settings):
    if not own_redis.up():
        own_redis.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "cms.cache.DegradingRedisCache",
            "LOCATION": own_redis.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    yield own_redis
    if not own_redis.up():
        own_redis.start()


@contextmanager
def frozen(redis):
    """Redis still accepts connections but answers nothing: a hung server."""
    os.kill(redis.process.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(redis.process.pid, signal.SIGCONT)


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_the_cache_works_while_redis_answers(redis_cache):
    from django.core.cache import cache

    cache.set("probe", 41)
    assert cache.incr("probe") == 42 and cache.get("probe") == 42
    assert redis_cache.cli("dbsize").stdout.strip() != "0"


def test_pages_are_served_with_redis_stopped(client, redis_cache):
    redis_cache.stop()
    home, seconds = timed(lambda: client.get("/"))
    assert home.status_code == 200 and seconds < 3
    assert client.get("/accounts/login/").status_code == 200
    # The password-reset throttle counts in the cache: without it, the answer is unchanged.
    reset = client.post("/admin/password_reset/", {"email": "someone@force.example"})
    assert (reset.status_code, reset["Location"]) == (302, "/admin/password_reset/done/")


def test_pages_are_served_with_redis_hung(client, redis_cache):
    client.get("/")  # warm
    with frozen(redis_cache):
        home, seconds = timed(lambda: client.get("/"))
    assert home.status_code == 200 and seconds < 5


def test_health_names_a_hung_broker_within_seconds(client, own_redis, settings):
    if not own_redis.up():
        own_redis.start()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = own_redis.url
    assert client.get("/health/").json()["broker"] == "ok"
    with frozen(own_redis):
        response, seconds = timed(lambda: client.get("/health/"))
    assert (response.status_code, response.json()["broker"]) == (503, "unavailable")
    assert seconds < 10


def test_work_enqueued_while_the_broker_hangs_runs_in_the_web_process(broker, own_redis):
    from celery.result import EagerResult

    from compliance.tasks import sync_people

    with frozen(own_redis):
        result, seconds = timed(lambda: sync_people.delay_or_run([]))
    assert isinstance(result, EagerResult) and result.successful()
    assert seconds < 20
