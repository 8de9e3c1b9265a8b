"""A real Celery worker (and beat) against the test database and a Redis of the test's own.

Redis is started on a free port and stopped by its PID: a test restarts it at will and never
touches a Redis the machine shares. The worker runs the test settings (tests/reminders/
worker_settings.py) on the suite's pinned clock.
"""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

# One set of process helpers for the tests and the chaos suite (which runs without pytest).
from tests.chaos.services import HOST, free_port, port_open, wait_for  # noqa: F401

ROOT = Path(settings.BASE_DIR)
CELERY = str(Path(sys.executable).with_name("celery"))
REDIS_HOST = HOST


class OwnRedis:
    """A Redis server of the test's own, on a free port, started and stopped by its
    PID: the tests restart it at will and never touch a Redis the machine shares."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://{REDIS_HOST}:{self.port}/0"

    def cli(self, *args, timeout=5) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["redis-cli", "-h", REDIS_HOST, "-p", str(self.port), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def up(self) -> bool:
        try:
            return self.cli("ping").stdout.strip() == "PONG"
        except (OSError, subprocess.TimeoutExpired):
            return False

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--bind", REDIS_HOST, "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.up, timeout=15, what="our Redis to start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture(scope="module")
def own_redis():
    if not shutil.which("redis-server"):
        if os.environ.get("REQUIRE_ALL") == "1":
            pytest.fail("REQUIRE_ALL=1 but redis-server is not installed")
        pytest.skip("needs redis-server (apt-get install redis-server)")
    redis = OwnRedis()
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


@pytest.fixture
def broker(on_postgres, own_redis, monkeypatch):
    """Our own Redis running and empty, and this process publishing to it."""
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", own_redis.url)
    if not own_redis.up():
        own_redis.start()
    from cms.celery import app

    own_redis.cli("flushall")
    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = own_redis.url
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield app
    finally:
        if not own_redis.up():
            own_redis.start()
        own_redis.cli("flushall")
        app.conf.task_always_eager, app.conf.broker_url = saved
        app._pool = None
        app.amqp._producer_pool = None


class Worker:
    """A `celery -A cms worker` process group (with `--beat` among `extra_args`, a beat too);
    always killed at the end of the test."""

    def __init__(self, outbox: Path, log: Path, delay: float, broker_url: str, extra_args: tuple = ()):
        self.outbox, self.log, self.delay, self.broker_url = outbox, log, delay, broker_url
        self.extra_args = list(extra_args)
        self.process = None

    def start(self) -> None:
        db = settings.DATABASES["default"]
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.reminders.worker_settings",
            "CELERY_BROKER_URL": self.broker_url,
            "DATABASE_URL": (
                f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db.get('HOST') or '127.0.0.1'}:"
                f"{db.get('PORT') or 5432}/{db['NAME']}"
            ),
            "REMINDERS_TEST_OUTBOX": str(self.outbox),
            "REMINDERS_TEST_EMAIL_DELAY": str(self.delay),
            "PYTHONPATH": str(ROOT),
        }
        self.process = subprocess.Popen(
            [
                CELERY,
                "-A",
                "cms",
                "worker",
                "--pool=prefork",
                "-c",
                "2",
                "-l",
                "info",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                *self.extra_args,
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(lambda: b"ready." in self.log.read_bytes(), timeout=30, what="the worker to start")

    def kill(self, sig=signal.SIGKILL) -> None:
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self.process = None
