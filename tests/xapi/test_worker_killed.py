"""Exactly once under a real Celery worker killed with SIGKILL mid-send: PostgreSQL, a Redis of
the test's own, a real LRS (Ralph). The worker pauses after each statement the LRS took and
before recording it, so the kill lands where a statement is in the LRS and its row still says
"sending"; the sweep sends it again under the same id, and the LRS keeps one."""

import datetime
import os
import signal
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from courses.models import ModulePage
from courses.services.learning import knowledge_check_submit, module_complete, module_visit
from courses.xapi.models import Statement, StatementStatus
from courses.xapi.services import statements_sweep
from tests.courses.conftest import correct_answers, make_course
from tests.factories import UserFactory
from tests.workers import CELERY, ROOT, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(420)]


class XapiWorker:
    """`celery -A cms worker` (2 prefork processes) with the xAPI worker settings; killed by its
    process group at the end."""

    def __init__(self, log: Path, broker_url: str, lrs, pause: float):
        self.log, self.broker_url, self.lrs, self.pause = log, broker_url, lrs, pause
        self.process = None

    def start(self) -> None:
        db = settings.DATABASES["default"]
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.xapi.worker_settings",
            "CELERY_BROKER_URL": self.broker_url,
            "DATABASE_URL": (
                f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db.get('HOST') or '127.0.0.1'}:"
                f"{db.get('PORT') or 5432}/{db['NAME']}"
            ),
            "XAPI_LRS_ENDPOINT": self.lrs.endpoint,
            "XAPI_LRS_USERNAME": self.lrs.username,
            "XAPI_LRS_PASSWORD": self.lrs.password,
            "XAPI_TEST_PAUSE_AFTER_PUT": str(self.pause),
            # The worker's clock starts where this test's pinned clock is now.
            "LMS_TEST_NOW": timezone.now().isoformat(),
            "PYTHONPATH": str(ROOT),
        }
        start = self.log.stat().st_size if self.log.exists() else 0
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
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(lambda: b"ready." in self.log.read_bytes()[start:], timeout=30, what="the worker to start")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)
        self.process = None


@pytest.fixture
def workers(tmp_path, broker, own_redis, lrs):
    started = []
    log = tmp_path / "worker.log"
    log.touch()

    def make(pause: float) -> XapiWorker:
        worker = XapiWorker(log, own_redis.url, lrs, pause)
        started.append(worker)
        worker.start()
        return worker

    try:
        yield make
    finally:
        for worker in started:
            worker.kill()
        if os.environ.get("XAPI_TEST_SHOW_LOG"):
            print(log.read_text(errors="replace")[-5000:])


def test_a_worker_killed_mid_send_loses_and_duplicates_nothing(live_site, workers, lrs):
    course = make_course()
    first, second = ModulePage.objects.child_of(course).order_by("path")
    worker = workers(pause=0.25)
    # Eight learners through the course: each transaction enqueues its statements on commit.
    for number in range(8):
        user = UserFactory(username=f"L{number:03d}")
        for screen in (1, 2, 3):
            module_visit(user=user, module=first, screen=screen)
        knowledge_check_submit(user=user, module=first, answers=correct_answers(first))
        module_visit(user=user, module=second, screen=1)
        module_complete(user=user, module=second)
    expected = Statement.objects.count()
    assert expected == 8 * 12

    def in_the_window() -> bool:
        """Some statements sent, and one the LRS holds whose row still says "sending"."""
        held = {s["id"] for s in lrs.statements()}
        sending = Statement.objects.filter(status=StatementStatus.SENDING).values_list("pk", flat=True)
        return len(held) >= 10 and bool(held & {str(pk) for pk in sending})

    wait_for(in_the_window, timeout=120, what="a statement in the LRS and not yet recorded as sent")
    worker.kill()

    in_lrs = {s["id"] for s in lrs.statements()}
    assert len(in_lrs) < expected, "the worker finished before it could be killed"
    claimed = {str(pk) for pk in Statement.objects.filter(status=StatementStatus.SENDING).values_list("pk", flat=True)}
    # The window that matters was hit: the LRS has a statement its dead sender never recorded.
    assert claimed & in_lrs, "the kill did not land between the LRS's answer and the record of it"

    workers(pause=0)
    # A dead sender's rows wait for their lease to end (70 s here): now, for the test.
    Statement.objects.filter(status=StatementStatus.SENDING).update(
        lease_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    statements_sweep(older_than=datetime.timedelta(0))
    wait_for(
        lambda: not Statement.objects.exclude(status=StatementStatus.SENT).exists(),
        timeout=150,
        what="every statement to be sent",
    )
    held = lrs.statements()
    counts = Counter(s["id"] for s in held)
    assert [sid for sid, n in counts.items() if n > 1] == []
    assert set(counts) == {str(pk) for pk in Statement.objects.values_list("pk", flat=True)}
    assert len(held) == expected
    # Per learner: one course completion, one pass, two launches, one per screen seen.
    per_learner = Counter((s["actor"]["account"]["name"], s["verb"]["id"].rsplit("/", 1)[-1]) for s in held)
    for number in range(8):
        name = f"L{number:03d}"
        assert {verb: n for (who, verb), n in per_learner.items() if who == name} == {
            "launched": 2,
            "experienced": 4,
            "answered": 2,
            "passed": 1,
            "completed": 3,
        }
