"""Benchmark: a force of N people, the daily planning and the sending of every reminder due,
by a real Celery worker writing emails to files; then the same day again, which must send 0.

Measured: the planning time and queries (in this process), the sending queries (each batch
logs its own count in the worker), emails sent, queries per email, the whole run's time; and,
as the reference, the time of one raw SQL statement selecting the same reminders.

Needs Redis (CELERY_BROKER_URL, default redis://127.0.0.1:6379/8) and a database the worker can
reach: PostgreSQL is what it is meant for. It refuses to run on a database that already holds
people (its data would mix with real reminders), creates its own force, and removes it at the end.
"""

import datetime
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from compliance.models import Assignment, Requirement
from compliance.people.models import Person
from compliance.reminders.models import Reminder, ReminderKind, ReminderPolicy, ReminderStatus
from compliance.reminders.planning import reminders_plan
from compliance.reminders.tasks import QueryCounter
from compliance.reminders.workdays import catch_up_days, is_working_day, previous_working_day

from .force import build_synthetic_force, remove_synthetic_force

PREFIX = "BENCHR"
LD_EMAIL = "ld-bench@force.example"
DEFAULT_BROKER = "redis://127.0.0.1:6379/8"


@dataclass
class BenchResult:
    people: int
    assignments: int
    setup_seconds: float
    plan_seconds: float
    plan_queries: int
    planned: int
    send_seconds: float
    send_queries: int
    emails_sent: int
    queries_per_email: float
    run_seconds: float
    second_run_planned: int
    second_run_sent: int
    reference_sql_seconds: float
    reference_sql_rows: int


def _count_messages(outbox: Path) -> int:
    return sum(
        path.read_text(errors="replace").count("\nX-Reminder-Id: ") for path in outbox.iterdir() if path.is_file()
    )


def _count_rows_carried(outbox: Path) -> int:
    """How many reminder rows the messages carry: a person's day is one message listing its
    rows in X-Reminder-Id (a long header folded over several lines)."""
    import re

    header = re.compile(r"\nX-Reminder-Id: ([^\n]*(?:\n[ \t][^\n]*)*)")
    return sum(
        len(re.findall(r"\d+", match))
        for path in outbox.iterdir()
        if path.is_file()
        for match in header.findall(path.read_text(errors="replace"))
    )


def _build_force(people: int, today: datetime.date) -> int:
    """The synthetic force, one requirement, and one assignment each with due dates spread over
    six months either side."""
    force = build_synthetic_force(people=people, prefix=PREFIX, today=today)
    requirement = Requirement.objects.create(
        name=f"{PREFIX} inclusion essentials", active_from=datetime.date(2020, 1, 1)
    )
    ReminderPolicy.objects.create(requirement=requirement, ld_email=LD_EMAIL)
    spread = 180
    assignments = [
        Assignment(
            person_id=pk,
            requirement=requirement,
            trigger="joining",
            trigger_date=today - datetime.timedelta(days=90),
            due_date=today + datetime.timedelta(days=(i * 7919) % spread - 60),
        )
        for i, pk in enumerate(force.person_ids)
    ]
    Assignment.objects.bulk_create(assignments, batch_size=5000)
    old = timezone.now() - datetime.timedelta(days=200)
    Assignment.objects.filter(requirement=requirement).update(created_at=old)
    # One in a hundred was assigned today (and is due in three months).
    recent = force.person_ids[::100]
    Assignment.objects.filter(requirement=requirement, person_id__in=recent).update(
        created_at=timezone.now(), due_date=today + datetime.timedelta(days=90)
    )
    return len(assignments)


def _remove_force() -> None:
    requirement = Requirement.objects.filter(name__startswith=PREFIX)
    Reminder.objects.filter(recipient_email__startswith=PREFIX.lower()).delete()
    Reminder.objects.filter(assignment__requirement__in=requirement).delete()
    Assignment.objects.filter(requirement__in=requirement).delete()
    ReminderPolicy.objects.filter(requirement__in=requirement).delete()
    for r in requirement:
        r.courses.clear()
    requirement.delete()
    remove_synthetic_force(prefix=PREFIX)


REFERENCE_SQL = """
WITH a AS (
  SELECT a.id, COALESCE(a.extended_due_date, a.due_date) AS due, a.created_at, p.line_manager_id
  FROM compliance_assignment a
  JOIN people_person p ON p.id = a.person_id
  WHERE a.is_current AND a.state = 'open' AND p.is_active AND a.requirement_id = %(requirement)s
    AND NOT (a.exemption_id IS NOT NULL AND (a.exempt_until IS NULL OR a.exempt_until >= %(today)s))
)
SELECT a.id, 'assigned' FROM a WHERE a.created_at >= %(since)s
UNION ALL SELECT a.id, 'before_due' FROM a WHERE a.due > %(before_lo)s AND a.due <= %(before_hi)s
UNION ALL SELECT a.id, 'due_today' FROM a WHERE a.due > %(due_lo)s AND a.due <= %(today)s
UNION ALL SELECT a.id, 'overdue' FROM a WHERE a.due > %(over_lo)s AND a.due <= %(over_hi)s
UNION ALL SELECT a.id, 'second_line' FROM a
  JOIN people_person m ON m.id = a.line_manager_id
  JOIN people_person s ON s.id = m.line_manager_id AND s.is_active
  WHERE a.due > %(esc_lo)s AND a.due <= %(esc_hi)s
UNION ALL SELECT a.id, 'ld' FROM a WHERE a.due > %(ld_lo)s AND a.due <= %(ld_hi)s
"""


def _reference(requirement: Requirement, today: datetime.date) -> tuple[float, int]:
    """The raw SQL selecting the same assignment reminders (default windows of PRODUCT.md)."""
    d = datetime.timedelta
    CATCH_UP_DAYS = catch_up_days(today)

    def window(days_overdue: int) -> tuple[datetime.date, datetime.date]:
        return today - d(days=days_overdue + CATCH_UP_DAYS), today - d(days=days_overdue)

    params = {
        "requirement": requirement.pk,
        "today": today,
        "since": timezone.make_aware(datetime.datetime.combine(today - d(days=CATCH_UP_DAYS), datetime.time())),
        "before_lo": today + d(days=14 - CATCH_UP_DAYS),
        "before_hi": today + d(days=14),
        "due_lo": today - d(days=CATCH_UP_DAYS),
    }
    for name, days in (("over", 7), ("esc", 14), ("ld", 30)):
        params[f"{name}_lo"], params[f"{name}_hi"] = window(days)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(REFERENCE_SQL, params)
        rows = cursor.fetchall()
    return time.perf_counter() - started, len(rows)


def _start_worker(outbox: Path, log: Path, broker: str, concurrency: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "CELERY_BROKER_URL": broker,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(outbox),
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "cms.settings.dev"),
    }
    env["DATABASE_URL"] = _database_url()
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "cms",
            "worker",
            "--pool=prefork",
            "-c",
            str(concurrency),
            "-l",
            "info",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while b"ready." not in log.read_bytes():
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError(f"the worker did not start: {log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.2)
    return process


def _database_url() -> str:
    """The URL of the database this process uses (a scratch one, usually), for the worker."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait_until_sent(timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while Reminder.objects.filter(status=ReminderStatus.PLANNED).exists():
        if time.monotonic() > deadline:
            raise RuntimeError("reminders were still waiting to be sent when the time ran out")
        time.sleep(0.5)


def _worker_queries(log: Path) -> int:
    return sum(int(m) for m in re.findall(r"reminders batch: .*? queries=(\d+)", log.read_text(errors="replace")))


def run_reminders_bench(*, people: int = 50_000, stdout=None, concurrency: int = 4) -> BenchResult:
    stdout = stdout or sys.stdout
    from celery import current_app as app

    if Person.objects.exclude(staff_number__startswith=PREFIX).exists():
        raise RuntimeError(
            "The reminders benchmark needs a database with no people in it (it would send their reminders). "
            "Run it against an empty, migrated database, e.g. DATABASE_URL=postgres://.../inclusion_lms_bench."
        )
    broker = os.environ.get("CELERY_BROKER_URL") or DEFAULT_BROKER
    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager, app.conf.broker_url = False, broker
    app._pool = None
    app.amqp._producer_pool = None
    # A working day (reminders are planned on no other): today, or the last one before it.
    today = timezone.localdate()
    if not is_working_day(today):
        today = previous_working_day(today)
    _remove_force()
    worker = None
    try:
        with tempfile.TemporaryDirectory(prefix="reminders-bench-") as tmp:
            outbox = Path(tmp) / "outbox"
            outbox.mkdir()
            log = Path(tmp) / "worker.log"
            log.touch()
            started = time.perf_counter()
            with transaction.atomic():
                assignments = _build_force(people, today)
            setup = time.perf_counter() - started
            stdout.write(f"force of {people} people, {assignments} assignments built in {setup:.1f}s\n")
            requirement = Requirement.objects.get(name__startswith=PREFIX)
            reference_seconds, reference_rows = _reference(requirement, today)
            worker = _start_worker(outbox, log, broker, concurrency)

            run_started = time.perf_counter()
            counter = QueryCounter()
            with connection.execute_wrapper(counter):
                plan = reminders_plan(today=today)
            plan_seconds = time.perf_counter() - run_started
            _wait_until_sent(timeout=300)
            run_seconds = time.perf_counter() - run_started
            time.sleep(1)
            emails = _count_messages(outbox)
            send_queries = _worker_queries(log)

            rows_before = Reminder.objects.count()
            reminders_plan(today=today)
            time.sleep(2)
            _wait_until_sent(timeout=60)
            second_sent = _count_messages(outbox) - emails

            planned_for_bench = Reminder.objects.filter(
                planned_on=today, kind__in=[k for k in ReminderKind.values if k != ReminderKind.MANAGER_DIGEST]
            ).count()
            result = BenchResult(
                people=people,
                assignments=assignments,
                setup_seconds=round(setup, 2),
                plan_seconds=round(plan_seconds, 2),
                plan_queries=counter.count,
                planned=plan.planned,
                send_seconds=round(run_seconds - plan_seconds, 2),
                send_queries=send_queries,
                emails_sent=emails,
                queries_per_email=round((counter.count + send_queries) / emails, 3) if emails else 0.0,
                run_seconds=round(run_seconds, 2),
                second_run_planned=Reminder.objects.count() - rows_before,
                second_run_sent=second_sent,
                reference_sql_seconds=round(reference_seconds, 3),
                reference_sql_rows=reference_rows,
            )
            for key, value in asdict(result).items():
                stdout.write(f"  {key}: {value}\n")
            stdout.write(f"  assignment reminders planned: {planned_for_bench} (reference SQL: {reference_rows})\n")
            checks = {
                # Two per email by design: the claim, committed before the message leaves, and the
                # record that it was sent; the rest is shared by each batch.
                "at most 2.5 queries per email": result.queries_per_email <= 2.5,
                "whole run within 5 minutes": result.run_seconds <= 300,
                "second run sends 0": result.second_run_sent == 0,
                "every planned reminder sent": _count_rows_carried(outbox)
                == Reminder.objects.filter(status=ReminderStatus.SENT).count(),
                "same reminders as the reference SQL": planned_for_bench == reference_rows,
            }
            for name, ok in checks.items():
                stdout.write(f"  {'PASS' if ok else 'FAIL'} {name}\n")
            result.checks = checks
            return result
    finally:
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
        _remove_force()
        app.conf.task_always_eager, app.conf.broker_url = saved
        app._pool = None
        app.amqp._producer_pool = None
