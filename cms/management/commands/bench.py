"""Benchmark the compliance sync against raw SQL doing the same writes, in the same run.

Builds a synthetic force in a scratch database (Django's test database: `test_<name>`,
created and dropped here, so the demo or production data are never touched), then measures:

- initial full sync: every assignment and its "created" ledger event written; the reference
  is the same rows written by two raw `INSERT ... SELECT ... ON CONFLICT` statements into
  scratch copies of the two tables;
- no-op full sync: nothing has changed, so nothing may be written; the reference is a raw
  upsert of every assignment row that conflicts on each and writes none;
- one promotion's incremental sync: time and query count; the reference is a raw upsert of
  that person's assignment rows.

Prints a table and writes bench-results.json (name, value, unit, reference, ratio, target,
pass). Run on PostgreSQL (`DATABASE_URL=postgres://...`); SQLite works for a smoke test.
"""

import datetime
import json
import random
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.bench.force import build_synthetic_force

ASSIGNMENT_COLUMNS = [
    "person_id",
    "requirement_id",
    "cycle",
    "is_current",
    "trigger",
    "trigger_date",
    "reason_context",
    "due_date",
    "counts_from",
    "state",
    "satisfied_by_id",
    "satisfied_on",
    "valid_until",
    "expired_at",
    "started_at",
    "exemption_id",
    "exempt_until",
    "extended_due_date",
    "withdrawn_at",
    "withdrawn_reason",
    "created_at",
    "updated_at",
]


REFERENCE_SQL = """
WITH written AS (
  INSERT INTO bench_ref_assignment (person_id, requirement_id, cycle, is_current, trigger, trigger_date,
      reason_context, due_date, counts_from, state, withdrawn_reason, created_at, updated_at)
  SELECT p.id, r.id, 1, true, r.trigger, t.trigger_date, '{}'::jsonb,
         CASE WHEN r.trigger = 'fixed_date' THEN r.fixed_due_date ELSE t.trigger_date + r.trigger_days END,
         CASE WHEN r.recurrence = 'months'
              THEN t.trigger_date + r.trigger_days - make_interval(months => r.recurrence_months) END,
         'open', '', now(), now()
  FROM people_person p
  JOIN people_orgunit u ON u.id = p.unit_id
  CROSS JOIN compliance_requirement r
  CROSS JOIN LATERAL (
    SELECT CASE r.trigger
      WHEN 'joining' THEN p.start_date
      WHEN 'role_start' THEN p.role_start_date
      WHEN 'function_gained' THEN (
        SELECT pf.gained_on FROM people_personfunction pf JOIN people_function f ON f.id = pf.function_id
        WHERE pf.person_id = p.id AND f.code = r.trigger_function)
      WHEN 'fixed_date' THEN r.active_from
      ELSE GREATEST(r.active_from, p.start_date) END AS trigger_date
  ) t
  WHERE p.is_active {person_filter}
    AND r.active_from <= CURRENT_DATE AND (r.active_to IS NULL OR r.active_to >= CURRENT_DATE)
    AND (jsonb_array_length(r.include_worker_types) = 0 OR r.include_worker_types ? p.worker_type)
    AND (jsonb_array_length(r.include_leadership_levels) = 0 OR r.include_leadership_levels ? p.leadership_level)
    AND (jsonb_array_length(r.include_ranks) = 0 OR r.include_ranks ? p.rank_or_grade)
    AND NOT r.exclude_worker_types ? p.worker_type
    AND NOT r.exclude_leadership_levels ? p.leadership_level
    AND (jsonb_array_length(r.include_units) = 0 OR EXISTS (
      SELECT 1 FROM people_orgunit x WHERE r.include_units ? x.code AND u.path LIKE x.path || '%%'))
    AND (jsonb_array_length(r.include_functions) = 0 OR EXISTS (
      SELECT 1 FROM people_personfunction pf JOIN people_function f ON f.id = pf.function_id
      WHERE pf.person_id = p.id AND r.include_functions ? f.code))
    AND t.trigger_date IS NOT NULL
  ON CONFLICT (person_id, requirement_id, cycle) DO UPDATE
    SET due_date = excluded.due_date, trigger_date = excluded.trigger_date, counts_from = excluded.counts_from
    WHERE bench_ref_assignment.due_date IS DISTINCT FROM excluded.due_date
       OR bench_ref_assignment.trigger_date IS DISTINCT FROM excluded.trigger_date
  RETURNING id
)
INSERT INTO bench_ref_event (assignment_id, kind, at, reason, data)
SELECT id, 'created', now(), 'reference', '{}'::jsonb FROM written
"""


class Command(BaseCommand):
    help = "Benchmark the compliance sync on a synthetic force (default 50,000 people, 25 requirements)."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=50_000)
        parser.add_argument("--requirements", type=int, default=25)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--output", default="bench-results.json")
        parser.add_argument(
            "--keep-database", action="store_true", help="keep the scratch database afterwards (for inspection)"
        )

    def handle(self, *args, people, requirements, seed, output, keep_database, **options):
        if people < 100:
            raise CommandError("--people must be at least 100.")
        if connection.vendor != "postgresql":
            self.stdout.write(
                self.style.WARNING(f"Running on {connection.vendor}: the targets are meant for PostgreSQL.")
            )
        # A scratch database of its own name, so a test run at the same time is not disturbed.
        connection.settings_dict.setdefault("TEST", {})["NAME"] = "bench_" + str(
            connection.settings_dict["NAME"]
        ).rsplit("/", 1)[-1].replace(".sqlite3", "")
        if connection.vendor == "sqlite":
            connection.settings_dict["TEST"]["NAME"] = ":memory:"
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            results = self._run(people=people, requirements=requirements, seed=seed)
        finally:
            if not keep_database:
                connection.creation.destroy_test_db(old_name, verbosity=0)
        self._report(results, output)
        if not all(r["pass"] for r in results):
            self.stdout.write(self.style.WARNING("Some targets were missed (see the table)."))

    # The synthetic force.

    def _build(self, *, people: int, requirements: int, seed: int, today: datetime.date) -> None:
        from compliance.models import Requirement
        from compliance.people.models import Function, Person, PersonFunction
        from courses.models import CatalogueIndexPage, Completion, CoursePage

        rng = random.Random(seed)
        started = time.perf_counter()
        force = build_synthetic_force(people=people, prefix="B", seed=seed, today=today, mixed=True)
        rows = list(Person.objects.filter(pk__in=force.person_ids).only("pk", "user_id"))
        functions = list(Function.objects.values_list("code", "pk"))
        links = PersonFunction.objects.filter(person__in=force.person_ids).count()
        catalogue = CatalogueIndexPage.objects.get()
        courses = []
        for i in range(requirements):
            course = CoursePage(title=f"Bench course {i}", course_code=f"BENCH-{i}", slug=f"bench-{i}")
            catalogue.add_child(instance=course)
            courses.append(course)
        function_codes = [code for code, _ in functions]
        specs = []
        for i in range(requirements):
            # Most requirements are force-wide (about 20 per person, as in the brief's 1.25 million).
            kind = i % 10
            spec = {"name": f"Bench requirement {i}", "active_from": today - datetime.timedelta(days=800)}
            if kind in (0, 5):
                spec.update(trigger="requirement_start", trigger_days=90, recurrence="months", recurrence_months=12)
            elif kind in (1, 6):
                spec.update(trigger="joining", trigger_days=60 + i)
            elif kind == 2:
                spec.update(trigger="role_start", trigger_days=90, include_leadership_levels=["first_line", "middle"])
            elif kind in (3, 7, 8):
                spec.update(trigger="fixed_date", fixed_due_date=today + datetime.timedelta(days=rng.randint(-30, 200)))
                if kind == 8:
                    spec.update(include_units=[rng.choice(force.command_codes)])
            elif kind == 4:
                spec.update(trigger="joining", trigger_days=60, include_worker_types=["police_staff", "pcso"])
            else:
                code = function_codes[i % len(function_codes)]
                spec.update(trigger="function_gained", trigger_function=code, include_functions=[code], trigger_days=30)
            if i % 7 == 6 and kind != 9:
                spec.update(recurrence="calendar", window_month=1 + i % 12, window_opens_days=60)
            specs.append(spec)
        for spec, course in zip(specs, courses, strict=True):
            requirement = Requirement.objects.create(**spec)
            requirement.courses.set([course])
        completions = []
        for person in rows:
            for course in rng.sample(courses, k=min(len(courses), 3)):
                if rng.random() < 0.5:
                    done = today - datetime.timedelta(days=rng.randint(1, 700))
                    completions.append(
                        Completion(
                            user_id=person.user_id,
                            course_id=course.pk,
                            completed_at=datetime.datetime.combine(done, datetime.time(12), tzinfo=datetime.UTC),
                            source="import",
                            idempotency_key=f"bench:{person.pk}:{course.pk}",
                        )
                    )
        Completion.objects.bulk_create(completions, batch_size=5000)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(
            f"Built {people} people, {links} function links, {requirements} requirements and "
            f"{len(completions)} completions in {time.perf_counter() - started:.1f} s."
        )

    # The measurements.

    def _scratch_tables(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_ref_assignment")
            cursor.execute("DROP TABLE IF EXISTS bench_ref_event")
            if connection.vendor == "postgresql":
                cursor.execute("CREATE TABLE bench_ref_assignment (LIKE compliance_assignment INCLUDING ALL)")
                cursor.execute("CREATE TABLE bench_ref_event (LIKE compliance_assignmentevent INCLUDING ALL)")
            else:
                cursor.execute("CREATE TABLE bench_ref_assignment AS SELECT * FROM compliance_assignment WHERE 0")
                cursor.execute(
                    "CREATE UNIQUE INDEX bench_ref_once ON bench_ref_assignment (person_id, requirement_id, cycle)"
                )
                cursor.execute("CREATE TABLE bench_ref_event AS SELECT * FROM compliance_assignmentevent WHERE 0")

    def _raw_upsert(self, person_id: int | None = None) -> float:
        """The reference: one raw SQL statement doing the sync's work. On PostgreSQL it computes
        every (person, requirement) assignment from the people and the rules (audience lists,
        unit subtrees, functions, trigger and due dates), upserts them (writing only rows that
        differ) and writes a ledger event for each row written. On SQLite it copies the
        assignments the sync wrote (a smoke test only)."""
        if connection.vendor == "postgresql":
            return self._timed(
                REFERENCE_SQL.replace("{person_filter}", f"AND p.id = {int(person_id)}" if person_id else "")
            )
        where = f"WHERE person_id = {int(person_id)}" if person_id else "WHERE true"
        cols = ", ".join(["id", *ASSIGNMENT_COLUMNS])
        sql = (
            f"INSERT INTO bench_ref_assignment ({cols}) SELECT {cols} FROM compliance_assignment {where} "
            "ON CONFLICT (person_id, requirement_id, cycle) DO UPDATE SET due_date = excluded.due_date "
            "WHERE bench_ref_assignment.due_date IS NOT excluded.due_date"
        )
        elapsed = self._timed(sql)
        if person_id is None:
            elapsed += self._timed(
                "INSERT INTO bench_ref_event (assignment_id, kind, at, actor_id, reason, data) "
                "SELECT assignment_id, kind, at, actor_id, reason, data FROM compliance_assignmentevent "
                "WHERE NOT EXISTS (SELECT 1 FROM bench_ref_event LIMIT 1)"
            )
        return elapsed

    def _timed(self, sql: str) -> float:
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
        return time.perf_counter() - started

    def _run(self, *, people: int, requirements: int, seed: int) -> list[dict]:
        from compliance.models import Assignment, AssignmentEvent
        from compliance.people.models import Person
        from compliance.services.sync import sync_all, sync_people

        today = timezone.localdate()
        self._build(people=people, requirements=requirements, seed=seed, today=today)
        results = []

        started = time.perf_counter()
        first = sync_all(today=today)
        full = time.perf_counter() - started
        assignments = Assignment.objects.count()
        events = AssignmentEvent.objects.count()
        self.stdout.write(
            f"Initial full sync: {assignments} assignments, {events} ledger events, "
            f"{first.rows_written} rows written in {full:.2f} s."
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self._scratch_tables()
        reference_full = self._raw_upsert()
        results.append(self._entry("initial full sync", full, "s", reference_full, target_ratio=3.0))
        results.append(
            {
                "name": "initial full sync: rows written",
                "value": first.rows_written,
                "unit": "rows",
                "reference": assignments + events,
                "ratio": round(first.rows_written / max(1, assignments + events), 3),
                "target": "= assignments + ledger events",
                "pass": first.rows_written >= assignments,
            }
        )

        started = time.perf_counter()
        again = sync_all(today=today)
        noop = time.perf_counter() - started
        reference_noop = self._raw_upsert()
        results.append(self._entry("no-op full sync", noop, "s", reference_noop, target_ratio=3.0))
        results.append(
            {
                "name": "no-op full sync: rows written",
                "value": again.rows_written,
                "unit": "rows",
                "reference": 0,
                "ratio": None,
                "target": "0",
                "pass": again.rows_written == 0,
            }
        )

        constable = Person.objects.filter(
            rank_or_grade="Constable", worker_type="police_officer", is_active=True
        ).first()
        Person.objects.filter(pk=constable.pk).update(
            rank_or_grade="Sergeant", leadership_level="first_line", role_start_date=today
        )
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            promoted = sync_people(person_ids=[constable.pk], today=today)
            incremental = time.perf_counter() - started
        reference_one = self._raw_upsert(person_id=constable.pk)
        results.append(
            {
                "name": "promotion: incremental sync",
                "value": round(incremental * 1000, 1),
                "unit": "ms",
                "reference": round(reference_one * 1000, 1),
                "ratio": round(incremental / reference_one, 2) if reference_one else None,
                "target": "< 100 ms",
                "pass": incremental < 0.1,
            }
        )
        results.append(
            {
                "name": "promotion: incremental sync queries",
                "value": len(queries),
                "unit": "queries",
                "reference": 1,
                "ratio": None,
                "target": "<= 20",
                "pass": len(queries) <= 20 and promoted.created >= 1,
            }
        )
        return results

    def _entry(self, name, value, unit, reference, *, target_ratio):
        ratio = value / reference if reference else None
        return {
            "name": name,
            "value": round(value, 3),
            "unit": unit,
            "reference": round(reference, 3),
            "ratio": round(ratio, 2) if ratio is not None else None,
            "target": f"<= {target_ratio:g} x raw SQL",
            "pass": ratio is not None and ratio <= target_ratio,
        }

    def _report(self, results: list[dict], output: str) -> None:
        widths = (36, 12, 8, 12, 7, 24, 5)
        header = ("scenario", "value", "unit", "raw SQL", "ratio", "target", "pass")
        line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
        self.stdout.write(line)
        self.stdout.write("-" * len(line))
        for r in results:
            cells = (
                r["name"],
                str(r["value"]),
                r["unit"],
                str(r["reference"]),
                "" if r["ratio"] is None else str(r["ratio"]),
                r["target"],
                "yes" if r["pass"] else "NO",
            )
            self.stdout.write("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)))
        Path(output).write_text(json.dumps({"vendor": connection.vendor, "results": results}, indent=2) + "\n")
        self.stdout.write(f"Wrote {output}.")
