"""Benchmark of the retention rules on a synthetic force (PostgreSQL).

`retention_bench(people=50_000)` builds a force whose history goes back ten years: a fifth of it
has left (leaving dates spread over those years, so about two in five of the leavers left more
than six years ago), and ten long-gone leavers are under a legal hold. Everyone has an equality
record, a sign-in link, reflections written over five years, imported completions, an assignment
with its ledger (some with a request for more time), messages sent over two years, audit events
over ten years, and some an absence. Then, on the same data:

1. the dry run (`retention_report`), which also warms the caches for what follows;
2. the reference: hand-written SQL doing the same deletes and updates, one set-based statement
   per table (anonymising the people, their accounts, their completions' keys and the audit
   entries about them in one), with
   RETURNING the ids it changed, in a transaction rolled back at the end: three times, the
   median taken (then VACUUM);
3. `retention_apply`: batches of 2,000 rows, each committed, audited: like the reference, three
   times (twice rolled back, then for real), the median taken.

The rows must match: the run's counts, the dry run's and the reference's are the same for every
table; every row the reference deleted is gone and no other; the rows blanked and the people
anonymised are exactly the reference's. Target: `retention_apply` within TARGET_RATIO x the
reference. A downstream job the run triggers (the sync of the people anonymised, enqueued on
commit) is not part of it and is left out of both.
"""

import datetime
import random
import statistics
import time
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Value
from django.db.models.functions import Concat
from django.test import override_settings
from django.utils import timezone

from compliance.people.models import Person
from compliance.services.requirements import add_months
from courses.bulk import bulk_set_rows
from courses.privacy import Retention

from .force import build_synthetic_force

PREFIX = "BRET"
TARGET_RATIO = 3.0
LEAVER_SHARE = 0.2
HISTORY_DAYS = 3650
HELD = 10
REFLECTIONS, COMPLETIONS, MESSAGES, AUDIT_EVENTS = 2, 3, 3, 2
EXTENSION_SHARE, ABSENCE_SHARE = 0.1, 0.05


class _Rollback(Exception):
    pass


# --- the force ----------------------------------------------------------------------------


def _copy(table: str, columns: list[str], rows) -> None:
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def build_retention_force(*, people: int, today: datetime.date, seed: int = 1) -> dict:
    """The synthetic force and its records (see the module's docstring); returns what was built."""
    from compliance.models import Requirement
    from courses.models import CatalogueIndexPage, CoursePage

    rng = random.Random(seed)
    now = timezone.now()
    force = build_synthetic_force(people=people, prefix=PREFIX, seed=seed, today=today)
    rows = list(
        Person.objects.filter(pk__in=force.person_ids).values_list("pk", "user_id", "staff_number", "rank_or_grade")
    )
    names = dict(
        Person.objects.filter(pk__in=force.person_ids).values_list("pk", Concat("first_name", Value(" "), "last_name"))
    )
    # Leavers below the sergeants, leaving dates over the ten years.
    constables = [pk for pk, _, _, rank in rows if rank == "Constable"]
    leavers = rng.sample(constables, k=min(len(constables), int(people * LEAVER_SHARE)))
    left_on = {pk: today - datetime.timedelta(days=rng.randint(1, HISTORY_DAYS)) for pk in leavers}
    start = {pk: day - datetime.timedelta(days=rng.randint(200, 8000)) for pk, day in left_on.items()}
    bulk_set_rows(
        Person,
        [(pk, day, False, start[pk], start[pk]) for pk, day in left_on.items()],
        ["end_date", "is_active", "start_date", "role_start_date"],
        batch_size=5000,
    )
    chief_user = rows[0][1]
    long_gone = sorted(pk for pk, day in left_on.items() if day < add_months(today, -84))
    _copy(
        "people_hold",
        ["person_id", "kind", "reason", "placed_by_id", "placed_at"],
        (
            (pk, "legal_hold", "Civil claim", chief_user, now)
            for pk in rng.sample(long_gone, k=min(HELD, len(long_gone)))
        ),
    )

    catalogue = CatalogueIndexPage.objects.get()
    courses = []
    for i in range(COMPLETIONS):
        course = CoursePage(title=f"Retention bench course {i}", course_code=f"{PREFIX}-{i}", slug=f"bret-{i}")
        catalogue.add_child(instance=course)
        courses.append(course)
    requirement = Requirement.objects.create(name=f"{PREFIX} requirement", active_from=datetime.date(2015, 1, 1))

    def ago(days: int) -> datetime.datetime:
        return now - datetime.timedelta(days=days, minutes=rng.randint(0, 1440))

    _copy(
        "equality_equalityrecord",
        ["person_id", "sex", "ethnicity", "disability", "sexual_orientation", "religion", "age_band", "updated_at"],
        (
            (
                pk,
                rng.choice(["female", "male", ""]),
                rng.choice(["asian", "black", "white", "mixed", ""]),
                "no",
                "",
                "",
                "",
                now,
            )
            for pk, *_ in rows
        ),
    )
    _copy(
        "people_signinlink",
        ["user_id", "issuer", "subject", "linked_at", "last_used_at"],
        ((user, "https://login.force.example", f"sub-{pk}", now, now) for pk, user, *_ in rows),
    )
    _copy(
        "courses_reflection",
        ["user_id", "course_id", "prompt_key", "prompt", "text", "created_at", "updated_at"],
        (
            (user, courses[0].pk, f"week-{n}", "What changed?", "I now challenge banter in the briefing.", when, when)
            for _, user, *_ in rows
            for n in range(REFLECTIONS)
            for when in [ago(rng.randint(0, 5 * 365))]
        ),
    )
    _copy(
        "courses_completion",
        [
            "user_id",
            "course_id",
            "completed_at",
            "source",
            "reason",
            "evidence",
            "idempotency_key",
            "void_reason",
            "created_at",
        ],
        (
            (
                user,
                course.pk,
                when,
                "import",
                "Imported by the previous platform",
                "",
                f"import:{staff}:{course.course_code}:{when.date()}",
                "",
                when,
            )
            for _, user, staff, _ in rows
            for course in courses
            for when in [ago(rng.randint(0, HISTORY_DAYS))]
        ),
    )
    _copy(
        "compliance_assignment",
        [
            "person_id",
            "requirement_id",
            "cycle",
            "is_current",
            "trigger",
            "trigger_date",
            "reason_context",
            "due_date",
            "state",
            "withdrawn_reason",
            "created_at",
            "updated_at",
        ],
        ((pk, requirement.pk, 1, True, "joining", today, "{}", today, "open", "", now, now) for pk, *_ in rows),
    )
    assignments = dict(Person.objects.filter(pk__in=force.person_ids).values_list("pk", "assignments__pk"))
    users = {pk: user for pk, user, *_ in rows}
    emails = {pk: f"{PREFIX.lower()}{pk}@force.example" for pk in users}
    _copy(
        "compliance_assignmentevent",
        ["assignment_id", "kind", "at", "reason", "data"],
        ((a, "created", now, "Joined the force", '{"rank": "Constable"}') for a in assignments.values()),
    )
    _copy(
        "compliance_extensionrequest",
        [
            "assignment_id",
            "kind",
            "requested_by_id",
            "requested_due_date",
            "reason",
            "evidence",
            "status",
            "requested_at",
            "decision_note",
        ],
        (
            (
                a,
                "more_time",
                users[pk],
                today + datetime.timedelta(days=30),
                "Caring for a parent",
                "",
                "refused",
                now,
                "Refused: there is time",
            )
            for pk, a in assignments.items()
            if rng.random() < EXTENSION_SHARE
        ),
    )
    _copy(
        "reminders_reminder",
        [
            "kind",
            "assignment_id",
            "due_on",
            "offset_days",
            "recipient_person_id",
            "recipient_user_id",
            "recipient_email",
            "status",
            "planned_on",
            "attempts",
            "sent_at",
            "subject",
            "reason",
            "skip_reason",
            "last_error",
            "claimed_by",
            "created_at",
        ],
        (
            (
                "overdue",
                a,
                today,
                7 * (n + 1),
                pk,
                users[pk],
                emails[pk],
                "sent",
                when.date(),
                1,
                when,
                "Your training is overdue",
                f"Overdue by {7 * (n + 1)} days",
                "",
                "",
                "",
                when,
            )
            for pk, a in assignments.items()
            for n in range(MESSAGES)
            for when in [ago(rng.randint(0, 2 * 365))]
        ),
    )
    _copy(
        "audit_auditevent",
        ["at", "source", "action", "object_type", "object_id", "summary", "changes"],
        (
            (
                ago(rng.randint(0, HISTORY_DAYS)),
                "import_people",
                "person_updated",
                "person",
                str(pk),
                f"Updated: {names[pk]} ({staff})",
                "{}",
            )
            for pk, _, staff, _ in rows
            for _ in range(AUDIT_EVENTS)
        ),
    )
    _copy(
        "people_absence",
        ["person_id", "starts_on", "category", "source", "created_at", "updated_at"],
        (
            (pk, (left_on.get(pk) or today) - datetime.timedelta(days=100), "career_break", "import", now, now)
            for pk, *_ in rows
            if rng.random() < ABSENCE_SHARE
        ),
    )
    with connection.cursor() as cursor:
        # Each entry's mentions, as writing it through the model gives: its bracketed word.
        cursor.execute(
            r"INSERT INTO audit_auditmention (event_id, number) "
            r"SELECT id, substring(summary from '\(([A-Za-z0-9._-]+)\)') FROM audit_auditevent"
        )
        cursor.execute("ANALYZE")
    return {"people": people, "leavers": len(leavers), "held": min(HELD, len(long_gone))}


# --- the reference: raw SQL doing the same work -------------------------------------------

HELD_PEOPLE = "SELECT h.person_id FROM people_hold h WHERE h.lifted_at IS NULL"
HELD_USERS = "SELECT p.user_id FROM people_hold h JOIN people_person p ON p.id = h.person_id WHERE h.lifted_at IS NULL"
REFERENCE = {
    "courses.Completion": f"""
        UPDATE courses_completion c
        SET reason = '', evidence = '', void_reason = CASE WHEN c.void_reason = '' THEN '' ELSE %(erased)s END
        FROM people_person p
        WHERE p.user_id = c.user_id AND p.end_date < %(training)s
          AND (c.reason <> '' OR c.evidence <> '' OR (c.void_reason <> '' AND c.void_reason <> %(erased)s))
          AND p.id NOT IN ({HELD_PEOPLE})
        RETURNING c.id""",
    "courses.Reflection": f"""
        DELETE FROM courses_reflection r
        WHERE r.created_at < %(free_text)s AND r.user_id NOT IN ({HELD_USERS})
        RETURNING r.id""",
    "audit.AuditEvent": """
        WITH gone AS (
            SELECT a.id FROM audit_auditevent a
            WHERE a.at < %(audit)s AND NOT EXISTS (
                SELECT 1 FROM people_hold h JOIN people_person p ON p.id = h.person_id
                WHERE h.lifted_at IS NULL AND (
                    (a.object_type = 'person' AND a.object_id = p.id::text)
                    OR a.actor_id = p.user_id
                    OR EXISTS (
                        SELECT 1 FROM audit_auditmention m WHERE m.event_id = a.id AND m.number = p.staff_number)))
        ), mentions AS (
            DELETE FROM audit_auditmention m USING gone g WHERE m.event_id = g.id
        )
        DELETE FROM audit_auditevent a USING gone g WHERE a.id = g.id
        RETURNING a.id""",
    "people.Absence": f"""
        DELETE FROM people_absence b USING people_person p
        WHERE p.id = b.person_id AND p.end_date < %(person)s AND p.id NOT IN ({HELD_PEOPLE})
        RETURNING b.id""",
    "people.SignInLink": f"""
        DELETE FROM people_signinlink s USING people_person p
        WHERE p.user_id = s.user_id AND p.end_date < %(sign_in)s AND p.id NOT IN ({HELD_PEOPLE})
        RETURNING s.id""",
    "equality.EqualityRecord": f"""
        DELETE FROM equality_equalityrecord e USING people_person p
        WHERE p.id = e.person_id AND p.end_date < %(equality)s AND p.id NOT IN ({HELD_PEOPLE})
        RETURNING e.id""",
    "compliance.AssignmentEvent": f"""
        UPDATE compliance_assignmentevent e SET reason = '', data = '{{}}'::jsonb
        FROM compliance_assignment a JOIN people_person p ON p.id = a.person_id
        WHERE a.id = e.assignment_id AND p.end_date < %(training)s
          AND (e.reason <> '' OR e.data <> '{{}}'::jsonb) AND p.id NOT IN ({HELD_PEOPLE})
        RETURNING e.id""",
    "compliance.ExtensionRequest": f"""
        UPDATE compliance_extensionrequest x
        SET reason = CASE WHEN x.reason = '' THEN '' ELSE %(erased)s END, evidence = '', decision_note = ''
        FROM compliance_assignment a JOIN people_person p ON p.id = a.person_id
        WHERE a.id = x.assignment_id AND p.end_date < %(training)s
          AND ((x.reason <> '' AND x.reason <> %(erased)s) OR x.evidence <> '' OR x.decision_note <> '')
          AND p.id NOT IN ({HELD_PEOPLE})
        RETURNING x.id""",
    "reminders.Reminder": f"""
        DELETE FROM reminders_reminder r
        WHERE r.created_at < %(messages)s
          AND (r.recipient_person_id IS NULL OR r.recipient_person_id NOT IN ({HELD_PEOPLE}))
          AND (r.recipient_user_id IS NULL OR r.recipient_user_id NOT IN ({HELD_USERS}))
        RETURNING r.id""",
    # Last, as the run does: the person, their account, its tokens, their completions' keys and
    # the audit entries about them or naming them (found through their mentions), which name them
    # no more, with those mentions.
    "people.Person": f"""
        WITH gone AS (
            SELECT id, user_id, staff_number, first_name, last_name FROM people_person
            WHERE end_date < %(person)s AND anonymised_on IS NULL AND id NOT IN ({HELD_PEOPLE})
        ), naming AS (
            SELECT a.id AS event_id, g.id, g.staff_number, g.first_name, g.last_name
            FROM gone g JOIN audit_auditevent a ON a.object_type = 'person' AND a.object_id = g.id::text
            UNION
            SELECT m.event_id, g.id, g.staff_number, g.first_name, g.last_name
            FROM gone g JOIN audit_auditmention m ON m.number = g.staff_number
        ), audit AS (
            UPDATE audit_auditevent a
            SET summary = replace(
                replace(
                    a.summary,
                    g.first_name || ' ' || g.last_name || ' (' || g.staff_number || ')',
                    'Erased person ' || g.id || ' (ERASED-' || g.id || ')'
                ),
                '(' || g.staff_number || ')', '(ERASED-' || g.id || ')'
            )
            FROM naming g WHERE a.id = g.event_id
        ), mentions AS (
            UPDATE audit_auditmention m SET number = 'ERASED-' || g.id FROM gone g WHERE m.number = g.staff_number
        ), keys AS (
            UPDATE courses_completion c
            SET idempotency_key = replace(c.idempotency_key, ':' || g.staff_number || ':', ':ERASED-' || g.id || ':')
            FROM gone g WHERE c.user_id = g.user_id
        ), accounts AS (
            UPDATE auth_user u
            SET username = 'erased-' || u.id, email = '', first_name = '', last_name = '',
                password = '!' || md5(random()::text), is_active = false
            FROM gone g WHERE u.id = g.user_id
        ), tokens AS (
            DELETE FROM authtoken_token t USING gone g WHERE t.user_id = g.user_id
        )
        UPDATE people_person p
        SET first_name = 'Erased', last_name = 'person ' || p.id, email = '', staff_number = 'ERASED-' || p.id,
            anonymised_on = %(today)s, is_active = false, updated_at = now()
        FROM gone g WHERE p.id = g.id
        RETURNING p.id""",
}
# Rows the run blanks: those whose free text is not yet empty (or marked erased).
NOT_BLANK = {
    "courses.Completion": (
        "courses_completion",
        "reason <> '' OR evidence <> '' OR (void_reason <> '' AND void_reason <> %(erased)s)",
    ),
    "compliance.AssignmentEvent": ("compliance_assignmentevent", "reason <> '' OR data <> '{}'::jsonb"),
    "compliance.ExtensionRequest": (
        "compliance_extensionrequest",
        "(reason <> '' AND reason <> %(erased)s) OR evidence <> '' OR decision_note <> ''",
    ),
}
DELETED = {
    "courses.Reflection": "courses_reflection",
    "audit.AuditEvent": "audit_auditevent",
    "people.Absence": "people_absence",
    "people.SignInLink": "people_signinlink",
    "equality.EqualityRecord": "equality_equalityrecord",
    "reminders.Reminder": "reminders_reminder",
}


def cutoffs(today: datetime.date) -> dict:
    """Each kind's cutoff, as the rules' defaults give it (a date, or midnight that day)."""
    from compliance.privacy.retention import ERASED

    def day(kind: Retention) -> datetime.date:
        return add_months(today, -kind.default_months)

    def midnight(kind: Retention) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day(kind), datetime.time.min))

    return {
        "today": today,
        "erased": ERASED,
        "training": day(Retention.TRAINING_RECORD),
        "person": day(Retention.PERSON),
        "equality": day(Retention.EQUALITY),
        "sign_in": day(Retention.SIGN_IN),
        "free_text": midnight(Retention.FREE_TEXT),
        "messages": midnight(Retention.MESSAGES),
        "audit": midnight(Retention.AUDIT),
    }


def reference(today: datetime.date, *, repeat: int = 3) -> tuple[float, dict[str, set]]:
    """The raw SQL, timed (the median of `repeat` runs, each rolled back: the machine's noise
    is in the reference too), with the ids each statement changed; then vacuumed."""
    params = cutoffs(today)
    timings, runs = [], []
    for _ in range(repeat):
        changed: dict[str, set] = {}
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                start = time.perf_counter()
                for label, sql in REFERENCE.items():
                    cursor.execute(sql, params)
                    changed[label] = {row[0] for row in cursor.fetchall()}
                timings.append(time.perf_counter() - start)
                raise _Rollback
        except _Rollback:
            pass
        runs.append(changed)
    if any(run != runs[0] for run in runs):
        raise RuntimeError("the reference SQL changed different rows from one run to the next")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return statistics.median(timings), runs[0]


# --- measuring ----------------------------------------------------------------------------


@contextmanager
def _without_the_sync():
    """The run's people_changed signal enqueues the sync of the people anonymised: a job of its
    own, not part of retention (and no worker is listening in a benchmark)."""
    from compliance.people.signals import people_changed
    from compliance.receivers import on_people_changed

    people_changed.disconnect(dispatch_uid="compliance.sync_people")
    try:
        yield
    finally:
        people_changed.connect(on_people_changed, dispatch_uid="compliance.sync_people")


@contextmanager
def _counting(counter: list):
    def count(execute, sql, params, many, context):
        counter.append(1)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield


def _ids(sql: str, params: dict) -> set:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


def _count(sql: str, params=None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        return cursor.fetchone()[0]


def measure(*, today: datetime.date, stdout) -> dict:
    """Dry run, reference and run on the data present; checks that all three changed the same rows.
    Without DEBUG, as in production: a debug cursor formats every query it logs, batch ids and all."""
    with override_settings(DEBUG=False):
        return _measure(today=today, stdout=stdout)


def _measure(*, today: datetime.date, stdout) -> dict:
    from compliance.privacy.retention import retention_apply, retention_report

    params = cutoffs(today)
    start = time.perf_counter()
    report = {item.key: n for item, n in retention_report(today=today) if n}
    dry_seconds = time.perf_counter() - start

    raw_seconds, raw = reference(today)

    # What each table held before the run (the run adds an audit event of its own).
    tables = {
        label: (_count(f"SELECT count(*) FROM {table}"), _count(f"SELECT coalesce(max(id), 0) FROM {table}"))
        for label, table in DELETED.items()
    }
    not_blank = {label: _ids(f"SELECT id FROM {t} WHERE {where}", params) for label, (t, where) in NOT_BLANK.items()}
    queries: list = []
    with _without_the_sync():
        # Timed as the reference is, the median of three runs: twice rolled back, then for real.
        timings = []
        for _ in range(2):
            try:
                with transaction.atomic():
                    start = time.perf_counter()
                    retention_apply(today=today)
                    timings.append(time.perf_counter() - start)
                    raise _Rollback
            except _Rollback:
                pass
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        with _counting(queries):
            start = time.perf_counter()
            run = retention_apply(today=today)
            timings.append(time.perf_counter() - start)
    run_seconds = statistics.median(timings)
    counts = {label: c["rows"] for label, c in run.counts.items()}

    checks = {
        "the run's counts are the reference's": counts == {k: len(v) for k, v in raw.items() if v},
        "the dry run's counts are the reference's": report == counts,
    }
    for label, table in DELETED.items():
        gone = raw[label]
        left = _ids(f"SELECT id FROM {table} WHERE id = ANY(%(ids)s)", {"ids": list(gone)})
        before, last = tables[label]
        after = _count(f"SELECT count(*) FROM {table} WHERE id <= %(last)s", {"last": last})
        checks[f"{label}: the reference's rows deleted, and no other"] = not left and before - after == len(gone)
    for label, (table, where) in NOT_BLANK.items():
        blanked = not_blank[label] - _ids(f"SELECT id FROM {table} WHERE {where}", params)
        checks[f"{label}: the reference's rows blanked"] = blanked == raw[label]
    anonymised = _ids("SELECT id FROM people_person WHERE anonymised_on = %(today)s", params)
    checks["people.Person: the reference's people anonymised"] = anonymised == raw["people.Person"]
    checks["their accounts closed and their completions' keys rewritten"] = (
        _count("SELECT count(*) FROM auth_user WHERE username LIKE 'erased-%%' AND NOT is_active") == len(anonymised)
        and _count(
            "SELECT count(*) FROM courses_completion c JOIN people_person p ON p.user_id = c.user_id "
            "WHERE p.anonymised_on IS NOT NULL AND c.idempotency_key NOT LIKE %(erased_key)s",
            {"erased_key": "%:ERASED-%"},
        )
        == 0
    )
    checks["the audit entries about them name them no more"] = (
        _count(
            "SELECT count(*) FROM audit_auditevent a JOIN people_person p "
            "ON a.object_type = 'person' AND a.object_id = p.id::text "
            "WHERE p.anonymised_on = %(today)s AND (a.summary NOT LIKE 'Updated: Erased person %%' OR NOT EXISTS "
            "(SELECT 1 FROM audit_auditmention m WHERE m.event_id = a.id AND m.number = p.staff_number))",
            params,
        )
        == 0
    )
    ratio = run_seconds / raw_seconds if raw_seconds else float("inf")
    result = {
        "rows": sum(counts.values()),
        "counts": counts,
        "dry_run_seconds": dry_seconds,
        "raw_seconds": raw_seconds,
        "run_seconds": run_seconds,
        "queries": len(queries),
        "ratio": ratio,
        "target": TARGET_RATIO,
        "checks": checks,
        "ok": ratio <= TARGET_RATIO and all(checks.values()),
    }
    for label, n in sorted(counts.items()):
        stdout.write(f"  {label:<28} {n:>8,} {run.counts[label]['action']}\n")
    for name, passed in checks.items():
        stdout.write(f"  check: {name}: {'ok' if passed else 'FAILED'}\n")
    stdout.write(
        f"retention of {result['rows']:,} rows: dry run {dry_seconds:.2f} s; retention_apply {run_seconds:.2f} s "
        f"in {len(queries)} queries; raw SQL {raw_seconds:.2f} s; ratio {ratio:.2f} (target <= {TARGET_RATIO:g}): "
        f"{'ok' if result['ok'] else 'MISSED'}\n"
    )
    return result


def retention_bench(*, people: int = 50_000, stdout, seed: int = 1) -> dict:
    """Build the force in the current (scratch) database, and measure. The run commits batch by
    batch, as it does at night, so this changes the database: the command gives it a scratch one."""
    if connection.vendor != "postgresql":
        raise RuntimeError(
            "the retention benchmark's reference SQL is PostgreSQL's: run it with DATABASE_URL=postgres://..."
        )
    today = timezone.localdate()
    start = time.perf_counter()
    built = build_retention_force(people=people, today=today, seed=seed)
    stdout.write(
        f"built a force of {people:,} people, {built['leavers']:,} of them leavers over ten years "
        f"({built['held']} under a legal hold), with their records, in {time.perf_counter() - start:.1f} s\n"
    )
    result = measure(today=today, stdout=stdout)
    result["built"] = built
    return result
