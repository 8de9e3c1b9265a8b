"""The campaigns, and the counting that judges them.

Each campaign starts from the same database (a copy of a template holding the migrated schema,
the demo force and the beat's schedules), an empty Redis and an empty outbox, starts a worker
and the beat, lets the day's reminder run begin (by the beat at its scheduled time, moved to the
next minute, or published as the beat would), does its damage, and waits until every message
the day owes has left, or the time allowed after the damaged service came back has run out.

What the day owes is worked out before any campaign: the day's planning run in a transaction
that is rolled back, so each expected message is known by what it is about (the natural key of
its `Reminder` row), not by what a campaign managed to write. Every email is then matched to its
row by `X-Reminder-Id` and checked against that list, per recipient and kind:

- missing: an expected message that never left;
- duplicates: a second copy of a row's message that nobody declared (a different Message-ID, or
  a row that does not say "Outcome unknown"), or more declared resends than senders killed;
- resent: the one copy SMTP cannot rule out (a sender killed after the message left and before it
  was recorded), sent again with the same Message-ID on a row that says so (README, Reminders);
- extra: a message for a row that should not have been sent (rolled back, completed before
  sending) or a message with no `X-Reminder-Id` at all.
"""

import datetime
import json
import random
import secrets
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

from .outbox import count_messages, read_outbox
from .services import CeleryProcess, OwnPostgres, OwnRedis, Registry, wait_for

LIMIT = 300.0  # seconds: the longest a recovery may take once the service is back
PLANNING_TASK = "Reminders: daily planning"
SWEEP_TASK = "Reminders: recovery sweep"
# The other daily tasks that send messages, fired with the planning when --kinds=all.
OTHER_DAILY = ["Courses: guided reflection prompts", "Compliance: manager observation prompts"]
# The other daily jobs, run in the template as the night before would have run them.
NIGHTLY = ["compliance.tasks.deactivate_leavers", "compliance.tasks.sync_all"]


@dataclass
class Options:
    people: int = 2500
    campaigns: list[str] = field(default_factory=list)
    outage: float = 30.0  # seconds a service stays down
    trigger: str = "beat"  # "beat": the beat fires the planning at the next minute; "now": published at once
    patience: float = 60.0  # seconds waited beyond the limit, to measure a slow recovery
    settle: float = 20.0  # seconds watched after the last message, for late copies
    concurrency: int = 2
    pool_kills: int = 10
    worker_kills: int = 2
    completions: int = 10
    sweep: str = ""  # crontab minute for the recovery sweep ("" keeps the product's)
    sweep_age: float | None = None  # minutes; None keeps the product's
    kinds: str = "all"  # "reminders": fire the reminder planning only, not the other daily message jobs
    seed: int = 0


@dataclass
class Outcome:
    name: str
    expected: int = 0
    sent: int = 0
    duplicates: int = 0
    missing: int = 0
    extra: int = 0
    resent: int = 0
    recovery: float | None = None  # seconds after the service returned; None: no outage
    run: float | None = None  # seconds from the planning to the last expected message
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        slow = self.recovery is not None and self.recovery > LIMIT
        return not (self.duplicates or self.missing or self.extra or slow or self.problems or self.run is None)


# What a row is about, by kind: an assignment's due date and offset, a period (digests,
# observation prompts), a decision, a reflection prompt, a booking. The unique constraints on
# `Reminder` are on these; ids are the same in every copy of the template.
ABOUT = [
    "assignment_id",
    "due_on",
    "offset_days",
    "period",
    "extension_request_id",
    "reflection_prompt_id",
    "booking_id",
]


def key_fields() -> list[str]:
    from compliance.reminders.models import Reminder

    names = {f.attname for f in Reminder._meta.concrete_fields}
    about = [name for name in ABOUT if name in names]
    return ["pk", "kind", "recipient_email", "recipient_person_id", "status", "last_error", "planned_on", *about]


def natural_key(row: dict) -> tuple:
    """What a reminder is about, to whom: the same in every copy of the database."""
    about = tuple(str(row[name]) if row[name] is not None else None for name in ABOUT if name in row)
    return (row["kind"], row["recipient_email"], row["recipient_person_id"], *about)


class Run:
    """One campaign's processes, outbox and clock."""

    def __init__(self, suite: "Suite", name: str):
        self.suite, self.name = suite, name
        self.outbox = suite.base / "outbox" / name
        self.outbox.mkdir(parents=True)
        self.worker_log = suite.base / "logs" / f"{name}-worker.log"
        self.beat_log = suite.base / "logs" / f"{name}-beat.log"
        self.worker: CeleryProcess | None = None
        self.beat: CeleryProcess | None = None
        self.started_at = time.monotonic()
        self.triggered_at: float | None = None
        self.returned_at: float | None = None
        self.senders_killed = 0
        self.excluded: set[tuple] = set()  # keys that must not be sent
        self.optional: set[tuple] = set()  # keys that may be sent once, or skipped
        self.notes: list[str] = []

    def env(self) -> dict:
        return self.suite.process_env(self.outbox)

    def start_worker(self) -> None:
        self.worker = self.suite.registry.add(
            CeleryProcess(
                "worker",
                ["worker", "--pool=prefork", "-c", str(self.suite.options.concurrency), "-l", "info"],
                self.env(),
                self.worker_log,
            )
        )
        self.worker.start(b"ready.")

    def start_beat(self) -> None:
        self.beat = self.suite.registry.add(
            CeleryProcess(
                "beat",
                [
                    "beat",
                    "-l",
                    "info",
                    "-S",
                    "courses.beat:ResilientDatabaseScheduler",
                    "--pidfile",
                    str(self.suite.base / f"beat-{self.name}.pid"),
                ],
                self.env(),
                self.beat_log,
            )
        )
        self.beat.start(b"Starting...")

    def sent(self) -> int:
        return count_messages(self.outbox)

    def wait_sent(self, count: int, timeout: float = 600) -> None:
        wait_for(lambda: self.sent() >= count, timeout=timeout, what=f"{count} messages to be sent", interval=0.05)

    def planning_received(self) -> bool:
        text = self.worker_log.read_bytes() if self.worker_log.exists() else b""
        return b"plan_reminders[" in text and b"received" in text

    def service_returned(self) -> None:
        self.returned_at = time.monotonic()


class Suite:
    def __init__(self, options: Options, base: Path, pg: OwnPostgres, redis: OwnRedis, registry: Registry):
        self.options, self.base, self.pg, self.redis, self.registry = options, base, pg, redis, registry
        self.secret = secrets.token_urlsafe(50)
        self.random = random.Random(options.seed or None)
        (base / "logs").mkdir(exist_ok=True)
        (base / "outbox").mkdir(exist_ok=True)
        self.expected: dict[tuple, str] = {}  # natural key -> kind
        self.day: datetime.date | None = None

    # Environment and database ----------------------------------------------------------------

    def process_env(self, outbox: Path) -> dict:
        import os

        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("REMINDERS_TEST_", "LMS_TEST_", "PYTEST"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="cms.settings.production",
            DJANGO_SECRET_KEY=self.secret,
            DJANGO_ALLOWED_HOSTS="lms.force.example",
            SITE_BASE_URL="https://lms.force.example",
            DATABASE_URL=self.pg.url("chaos"),
            CELERY_BROKER_URL=self.redis.url,
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(outbox),
            INCLUSION_LMS_VAR_DIR=str(self.base / "var"),
            LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
        )
        return env

    def close_connections(self) -> None:
        from django.db import connections

        for connection in connections.all():
            try:
                connection.close()
            except Exception:  # a connection to a database that went away
                connection.connection = None

    def safe(self, query: Callable, default=None):
        """A query from this process that survives our database being down (answers `default`)."""
        from django.db import DatabaseError, InterfaceError

        try:
            return query()
        except (DatabaseError, InterfaceError):
            self.close_connections()
            return default

    def build(self, stdout) -> None:
        """The template: schema, the demo force, the beat's schedules; then what the day owes."""
        from django.core.management import call_command
        from django.utils import timezone

        from compliance.reminders.workdays import is_working_day, previous_working_day

        started = time.monotonic()
        self.pg.admin("CREATE DATABASE chaos")
        call_command("migrate", verbosity=0)
        call_command("load_demo", people=self.options.people, seed=1, stdout=StringIO())
        call_command("setup_periodic_tasks", stdout=StringIO())
        today = timezone.localdate()
        self.day = today if is_working_day(today) else previous_working_day(today)
        self._night()
        self._schedules()
        self.close_connections()
        self.pg.admin("CREATE DATABASE chaos_template TEMPLATE chaos")
        self.expected = self._what_the_day_owes()
        self.close_connections()
        kinds = Counter(self.expected.values())
        stdout.write(
            f"template built in {time.monotonic() - started:.0f}s: the day ({self.day}) owes "
            f"{len(self.expected)} messages ({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))})\n"
        )

    def _night(self) -> None:
        """The night's jobs (leavers, the full sync), run here as the beat would have run them, so
        the recovery sweep has no missed run of theirs to redo during a campaign."""
        import importlib

        from celery import current_app

        for name in NIGHTLY:
            importlib.import_module(name.rsplit(".", 1)[0])
            current_app.tasks[name].apply().get()

    def _schedules(self) -> None:
        """The product's schedules, with the suite's changes (--sweep, --sweep-age) and, on a
        weekend or bank holiday, the last working day to plan (nothing is planned on others)."""
        from django.utils import timezone
        from django_celery_beat.models import CrontabSchedule, PeriodicTask

        sweep = PeriodicTask.objects.get(name=SWEEP_TASK)
        if self.options.sweep:
            sweep.crontab, _ = CrontabSchedule.objects.get_or_create(
                minute=self.options.sweep, hour="*", day_of_week="*", day_of_month="*", month_of_year="*",
                timezone=sweep.crontab.timezone,
            )  # fmt: skip
        if self.options.sweep_age is not None:
            sweep.kwargs = json.dumps({"older_than_minutes": self.options.sweep_age})
        sweep.save()
        # The day's message jobs wait for the campaign's own trigger: until then their time is
        # later today, so the sweep has no missed run to redo.
        later, _ = CrontabSchedule.objects.get_or_create(
            minute="59", hour="23", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London"
        )
        for task in PeriodicTask.objects.filter(name__in=[PLANNING_TASK, *OTHER_DAILY]):
            task.crontab = later
            task.save()
        if self.day != timezone.localdate():
            planning = PeriodicTask.objects.get(name=PLANNING_TASK)
            planning.kwargs = json.dumps({"today": self.day.isoformat()})
            planning.save()

    def _what_the_day_owes(self) -> dict[tuple, str]:
        from django.db import transaction

        from compliance.reminders.models import Reminder, ReminderStatus
        from compliance.reminders.planning import reminders_plan

        class Rollback(Exception):
            pass

        owed = {}
        try:
            with transaction.atomic():
                reminders_plan(today=self.day, enqueue=False)
                if self.options.kinds == "all":
                    for planner in self._other_planners():
                        planner()
                # What is waiting to go today once the day's jobs have run (not what the force's
                # history already sent, nor what waits for a later day).
                waiting = Reminder.objects.filter(status=ReminderStatus.PLANNED, planned_on__lte=self.day)
                for row in waiting.values(*key_fields()):
                    owed[natural_key(row)] = row["kind"]
                raise Rollback
        except Rollback:
            pass
        return owed

    def _other_planners(self) -> list[Callable]:
        """The other daily jobs that plan messages, as the day's run calls them (their messages
        are enqueued on commit: here, never)."""
        from compliance.reminders.planning import observation_prompts_plan, reflection_prompts_plan

        return [lambda: observation_prompts_plan(today=self.day, enqueue=False), reflection_prompts_plan]

    def owed_today(self, row: dict) -> bool:
        """Planned for the day (a row may wait for a later day: a request for more time goes in
        the manager's message of the next working day)."""
        return row.get("planned_on") is None or row["planned_on"] <= self.day

    def fresh_database(self) -> None:
        self.close_connections()
        self.pg.admin("DROP DATABASE IF EXISTS chaos WITH (FORCE)")
        self.pg.admin("CREATE DATABASE chaos TEMPLATE chaos_template")

    # The day's run ---------------------------------------------------------------------------

    def daily_tasks(self) -> list[str]:
        return [PLANNING_TASK, *(OTHER_DAILY if self.options.kinds == "all" else [])]

    def trigger(self, run: Run, mode: str | None = None, times: int = 1) -> None:
        """Start the day's run: the beat fires it at the next minute (its schedule moved there),
        or it is published now exactly as the beat publishes it."""
        from django.utils import timezone
        from django_celery_beat.models import CrontabSchedule, PeriodicTask

        mode = mode or self.options.trigger
        tasks = PeriodicTask.objects.filter(name__in=self.daily_tasks())
        if mode == "beat":
            # Once the beat has written its own entry (it does so as it sets up): a change saved
            # before that moment would be taken as already seen, and the planning never fired.
            wait_for(
                lambda: PeriodicTask.objects.filter(name="celery.backend_cleanup").exists(),
                timeout=60,
                what="the beat to set up its schedule",
            )
            time.sleep(1)
            at = timezone.localtime() + datetime.timedelta(seconds=5)
            at = at.replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
            crontab, _ = CrontabSchedule.objects.get_or_create(
                minute=str(at.minute), hour=str(at.hour), day_of_week="*", day_of_month="*", month_of_year="*",
                timezone="Europe/London",
            )  # fmt: skip
            for task in tasks:
                task.crontab, task.last_run_at = crontab, None
                task.save()
            wait_for(run.planning_received, timeout=150, what="the beat to fire the planning", interval=0.05)
        else:
            from celery import current_app

            for _ in range(times):
                for task in tasks:
                    current_app.send_task(task.task, args=json.loads(task.args), kwargs=json.loads(task.kwargs))
            wait_for(run.planning_received, timeout=60, what="the worker to take the planning", interval=0.05)
        run.triggered_at = time.monotonic()

    def owed_count(self, run: Run) -> int:
        return len(set(self.expected) - run.excluded - run.optional)

    def run_campaign(self, name: str, campaign: Callable[["Suite", Run], None], stdout) -> Outcome:
        stdout.write(f"\n--- {name}: {campaign.__doc__.strip().splitlines()[0]}\n")
        self.fresh_database()
        if not self.redis.up():
            self.redis.start()
        self.redis.cli("flushall")
        run = Run(self, name)
        try:
            run.start_worker()
            run.start_beat()
            campaign(self, run)
            outcome = self.finish(run)
        except Exception as error:
            outcome = self.evaluate(run, final=True)
            outcome.problems.append(f"the campaign could not run: {type(error).__name__}: {error}")
        finally:
            self.redis.resume()
            for process in (run.beat, run.worker):
                if process:
                    process.stop()
        outcome.notes = run.notes + outcome.notes
        return outcome

    def finish(self, run: Run) -> Outcome:
        """Wait until every owed message has left and nothing is waiting, then watch a while
        for late copies; or give up once the limit (and the patience) have passed."""
        from compliance.reminders.models import Reminder, ReminderStatus

        start = run.returned_at or run.triggered_at or time.monotonic()
        deadline = start + LIMIT + self.options.patience
        owed = self.owed_count(run)
        done_at = None
        while time.monotonic() < deadline:
            waiting = self.safe(
                lambda: Reminder.objects.filter(
                    status__in=[ReminderStatus.PLANNED, ReminderStatus.SENDING], planned_on__lte=self.day
                ).count()
            )
            if waiting == 0 and run.sent() >= owed:
                outcome = self.evaluate(run)
                if outcome and not outcome.missing:
                    done_at = time.monotonic()
                    break
            time.sleep(2)
        if done_at is not None:
            time.sleep(self.options.settle)
        outcome = self.evaluate(run, final=True)
        if done_at is not None:
            outcome.run = done_at - (run.triggered_at or run.started_at)
            if run.returned_at:
                outcome.recovery = max(0.0, done_at - run.returned_at)
        elif run.returned_at:
            outcome.recovery = time.monotonic() - run.returned_at
            outcome.notes.append(f"not recovered {outcome.recovery:.0f}s after the service returned")
        else:
            outcome.notes.append("the day's run did not finish in time")
        return outcome

    def evaluate(self, run: Run, final: bool = False) -> Outcome | None:
        from compliance.reminders.models import Reminder, ReminderStatus
        from compliance.reminders.sending import UNKNOWN_OUTCOME

        outcome = Outcome(name=run.name)
        rows = self.safe(lambda: list(Reminder.objects.values(*key_fields())))
        if rows is None:
            if not final:
                return None
            rows = []
            outcome.problems.append("the database could not be read at the end")
        messages = read_outbox(run.outbox)
        by_pk = {row["pk"]: row for row in rows}
        by_key = {natural_key(row): row for row in rows}
        copies: dict[int, list] = defaultdict(list)
        problems_by_kind: dict[str, Counter] = defaultdict(Counter)
        for message in messages:
            if not message.reminder_ids:
                outcome.extra += 1
                problems_by_kind["(no X-Reminder-Id)"]["extra"] += 1
            # A message may carry several rows (a person's day): each row it carries is delivered.
            for reminder_id in message.reminder_ids:
                row = by_pk.get(reminder_id)
                if row is None:
                    outcome.extra += 1
                    problems_by_kind["(no row)"]["extra"] += 1
                elif message.to != row["recipient_email"].lower():
                    outcome.extra += 1
                    problems_by_kind[row["kind"]]["wrong recipient"] += 1
                else:
                    copies[row["pk"]].append(message)

        owed_kinds = set(self.expected.values())
        expected = set(self.expected) - run.excluded - run.optional
        # Kinds the day's planning does not make (another task plans them): their rows are the truth.
        for key, row in by_key.items():
            if row["kind"] not in owed_kinds and row["status"] != ReminderStatus.SKIPPED and self.owed_today(row):
                expected.add(key)
        outcome.expected = len(expected)
        declared = 0
        declared_messages: set[str] = set()
        for key in expected:
            row = by_key.get(key)
            sent = copies.get(row["pk"], []) if row else []
            kind = key[0]
            if not sent:
                outcome.missing += 1
                problems_by_kind[kind]["missing"] += 1
                continue
            outcome.sent += 1
            if len(sent) > 1:
                stable = len({m.message_id for m in sent}) == 1
                if stable and row["last_error"] == UNKNOWN_OUTCOME:
                    declared += len(sent) - 1
                    declared_messages.add(sent[0].message_id)
                    problems_by_kind[kind]["resent"] += len(sent) - 1
                else:
                    outcome.duplicates += len(sent) - 1
                    problems_by_kind[kind]["duplicates"] += len(sent) - 1
        optional_sent = 0
        for key, row in by_key.items():
            if key in expected:
                continue
            sent = copies.get(row["pk"], [])
            allowed = 1 if key in run.optional else 0
            if len(sent) > allowed:
                outcome.extra += len(sent) - allowed
                problems_by_kind[row["kind"]]["extra"] += len(sent) - allowed
            elif sent:
                optional_sent += 1
        # A declared resend is possible once per sender killed while it held a message (a message
        # may carry several rows); more messages than that are duplicates.
        bound = run.senders_killed
        if len(declared_messages) > bound:
            outcome.duplicates += declared
            outcome.notes.append(
                f"{len(declared_messages)} messages declared resent but only {bound} senders were killed"
            )
        else:
            outcome.resent = declared
        if final and run.optional:
            outcome.notes.append(f"{optional_sent} of {len(run.optional)} optional messages sent (each at most once)")
        if final:
            waiting = Counter(
                row["status"]
                for row in rows
                if row["status"] in ("planned", "sending", "failed") and self.owed_today(row)
            )
            if waiting:
                outcome.notes.append("rows left " + ", ".join(f"{s}: {n}" for s, n in sorted(waiting.items())))
            for kind, counts in sorted(problems_by_kind.items()):
                outcome.notes.append(f"{kind}: " + ", ".join(f"{what} {n}" for what, n in sorted(counts.items())))
        return outcome


# The campaigns ---------------------------------------------------------------------------------


def baseline(suite: Suite, run: Run) -> None:
    """A normal day, nothing broken: the reference for the others."""
    suite.trigger(run)


def _fractions(rng: random.Random, n: int, low: float, high: float) -> list[float]:
    return sorted(rng.uniform(low, high) for _ in range(n))


def worker_kill(suite: Suite, run: Run) -> None:
    """SIGKILL of the whole worker (main process and pool) at random points while it sends; restarted 2 s later."""
    suite.trigger(run)
    owed = suite.owed_count(run)
    for fraction in _fractions(suite.random, suite.options.worker_kills, 0.1, 0.8):
        run.wait_sent(int(owed * fraction))
        sent = run.sent()
        run.worker.kill()
        run.senders_killed += suite.options.concurrency
        run.notes.append(f"worker killed at {sent} messages")
        time.sleep(2)
        run.start_worker()
        run.service_returned()


def pool_kill(suite: Suite, run: Run) -> None:
    """SIGKILL of pool processes, one at a time, at random points while they send (the worker replaces them)."""
    suite.trigger(run)
    owed = suite.owed_count(run)
    killed = 0
    for fraction in _fractions(suite.random, suite.options.pool_kills, 0.05, 0.9):
        run.wait_sent(int(owed * fraction))
        time.sleep(suite.random.uniform(0, 0.3))
        children = run.worker.children()
        if not children:
            continue
        import os
        import signal

        try:
            os.kill(suite.random.choice(children), signal.SIGKILL)
            killed += 1
        except ProcessLookupError:
            continue
    run.senders_killed = killed
    run.notes.append(f"{killed} pool processes killed")
    run.service_returned()


def redis_restart(suite: Suite, run: Run) -> None:
    """Redis killed while the worker sends (its queues are lost: no persistence), back after the outage."""
    suite.trigger(run)
    run.wait_sent(int(suite.owed_count(run) * 0.3))
    suite.redis.kill()
    run.notes.append(f"Redis killed at {run.sent()} messages, down {suite.options.outage:.0f}s")
    time.sleep(suite.options.outage)
    suite.redis.start()
    run.service_returned()


def redis_pause(suite: Suite, run: Run) -> None:
    """Redis stopped with SIGSTOP while the worker sends (it hangs, it does not refuse), then SIGCONT."""
    suite.trigger(run)
    run.wait_sent(int(suite.owed_count(run) * 0.3))
    suite.redis.pause()
    run.notes.append(f"Redis paused at {run.sent()} messages for {suite.options.outage:.0f}s")
    time.sleep(suite.options.outage)
    suite.redis.resume()
    run.service_returned()


def postgres_planning(suite: Suite, run: Run) -> None:
    """PostgreSQL stopped (immediate: every connection breaks) within half a second of the planning starting."""
    suite.trigger(run)
    time.sleep(suite.random.uniform(0, 0.5))
    suite.pg.crash()
    run.notes.append(f"PostgreSQL stopped {time.monotonic() - run.triggered_at:.2f}s into the planning")
    time.sleep(suite.options.outage)
    suite.pg.start()
    run.service_returned()


def postgres_sending(suite: Suite, run: Run) -> None:
    """PostgreSQL stopped (immediate) while the worker sends, back after the outage."""
    suite.trigger(run)
    run.wait_sent(int(suite.owed_count(run) * 0.3))
    suite.pg.crash()
    run.notes.append(f"PostgreSQL stopped at {run.sent()} messages, down {suite.options.outage:.0f}s")
    time.sleep(suite.options.outage)
    suite.pg.start()
    run.service_returned()


def two_planners(suite: Suite, run: Run) -> None:
    """Every daily planning published twice at once (two pool processes), each enqueueing what it planned."""
    suite.trigger(run, mode="now", times=2)


def rollback(suite: Suite, run: Run) -> None:
    """A planning run, and a send of its rows, inside a transaction that rolls back; then the real day."""
    from celery import current_app
    from django.db import transaction

    from compliance.reminders.models import Reminder
    from compliance.reminders.planning import reminders_plan

    class Rollback(Exception):
        pass

    before = Reminder.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    try:
        with transaction.atomic():
            reminders_plan(today=suite.day)  # enqueues on commit: never
            # The rows this transaction made (the force's own, planned for another day, are not its).
            ids = list(Reminder.objects.filter(pk__gt=before).order_by("pk").values_list("pk", flat=True))
            for start in range(0, min(len(ids), 1000), 200):
                # Published at once, not on commit: the worker must find nothing committed to send.
                current_app.send_task("compliance.reminders.tasks.send_reminders", args=[ids[start : start + 200]])
            time.sleep(3)
            raise Rollback
    except Rollback:
        pass
    run.notes.append(f"{len(ids)} rows planned and rolled back")
    suite.trigger(run)


def completions(suite: Suite, run: Run) -> None:
    """Learners complete their training through the real completion path right after planning, before sending."""
    from django.db import transaction
    from django.utils import timezone

    from compliance.models import Assignment
    from compliance.reminders.models import Reminder, ReminderKind, ReminderStatus
    from courses.services.completions import completion_record

    learner_kinds = [ReminderKind.ASSIGNED, ReminderKind.BEFORE_DUE, ReminderKind.DUE_TODAY, ReminderKind.OVERDUE]
    suite.trigger(run)
    # The reminders' planning, which commits at once (the other daily jobs commit on their own).
    wait_for(
        lambda: suite.safe(lambda: Reminder.objects.filter(kind__in=learner_kinds).exists(), False),
        timeout=120,
        what="the planning to commit",
        interval=0.05,
    )
    # The learners whose reminders go last (the highest ids), of training with a course to complete.
    candidates = (
        Reminder.objects.filter(status=ReminderStatus.PLANNED, kind__in=learner_kinds)
        .exclude(assignment__requirement__courses=None)
        .order_by("-pk")
        .values_list("assignment_id", flat=True)
    )
    chosen: list[int] = []
    for assignment_id in candidates[:2000]:
        if assignment_id not in chosen:
            chosen.append(assignment_id)
        if len(chosen) == suite.options.completions:
            break
    for number, assignment in enumerate(
        Assignment.objects.filter(pk__in=chosen).select_related("person__user", "requirement")
    ):
        course = assignment.requirement.courses.order_by("pk").first()
        with transaction.atomic():
            completion_record(
                user=assignment.person.user,
                course=course,
                source="online",
                idempotency_key=f"chaos-{run.name}-{number}",
                completed_at=timezone.now(),
            )
    # Whatever of theirs had already left before the completion was legitimately sent.
    rows = Reminder.objects.filter(assignment_id__in=chosen).values(*key_fields())
    late = 0
    for row in rows:
        key = natural_key(row)
        if row["status"] == ReminderStatus.PLANNED:
            run.excluded.add(key)
        else:
            run.optional.add(key)
            late += 1
    # Their managers' digests may now have nothing left to say: sent once, or skipped.
    managers = set(
        Assignment.objects.filter(pk__in=chosen).values_list("person__line_manager_id", flat=True).distinct()
    )
    for key in suite.expected:
        if key[0] == ReminderKind.MANAGER_DIGEST and key[2] in managers:
            run.optional.add(key)
    if not run.excluded:
        raise RuntimeError("no learner's reminders were still waiting to be sent: the campaign tested nothing")
    run.notes.append(
        f"{len(chosen)} learners completed after planning: {len(run.excluded)} reminders must not be sent"
        + (f" ({late} had already left)" if late else "")
    )


CAMPAIGNS: dict[str, Callable[[Suite, Run], None]] = {
    "baseline": baseline,
    "worker-kill": worker_kill,
    "pool-kill": pool_kill,
    "redis-restart": redis_restart,
    "redis-pause": redis_pause,
    "postgres-planning": postgres_planning,
    "postgres-sending": postgres_sending,
    "two-planners": two_planners,
    "rollback": rollback,
    "completions": completions,
}


def table(outcomes: list[Outcome]) -> str:
    def seconds(value: float | None) -> str:
        return "–" if value is None else f"{value:.0f} s"

    lines = [
        "| campaign | expected | sent | duplicates | missing | extra | resent (same Message-ID) "
        "| run | recovery | result |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for o in outcomes:
        recovery = seconds(o.recovery) if o.run is not None or o.recovery is None else f"> {o.recovery:.0f} s"
        lines.append(
            f"| {o.name} | {o.expected} | {o.sent} | {o.duplicates} | {o.missing} | {o.extra} | {o.resent} "
            f"| {seconds(o.run)} | {recovery} | {'PASS' if o.ok else 'FAIL'} |"
        )
    return "\n".join(lines)
