"""The sync: keep every person's assignments right as HR data, rules and completions change.

Set-based: people are processed in batches, and each batch is a constant number of
statements whatever the number of requirements (load the people, their functions, their
current assignments and their completions; then one bulk update, one bulk insert of
assignments and one of ledger events). Rules are evaluated in memory by
`compliance.services.requirements.CompiledRule`. Only what differs is written, so a second
run writes nothing. Assignments are never deleted: people who leave an audience have their
open assignments withdrawn, and get them back (same row, history intact) if they return.
"""

import datetime
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, transaction
from django.db.models import F, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from compliance.models import Assignment, AssignmentEvent, AssignmentState, EventKind, Requirement
from compliance.people.models import Function, OrgUnit, Person, PersonFunction
from compliance.services.assignments import extension_requests_close_settled
from compliance.services.requirements import CompiledRule, PersonFacts, shift_days
from courses.models import Completion

BATCH = 5000
ASSIGNMENT_FIELDS = [
    "id",
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
    "withdrawn_at",
    "withdrawn_reason",
    "started_at",
]
UPDATABLE = [f for f in ASSIGNMENT_FIELDS if f not in ("id", "person_id", "requirement_id", "cycle")] + ["updated_at"]


@dataclass
class SyncResult:
    created: int = 0
    redated: int = 0
    withdrawn: int = 0
    reopened: int = 0
    satisfied: int = 0
    expired: int = 0
    renewed: int = 0
    rows_written: int = 0
    people: int = 0
    # Filled only for a preview: (person, due date, what happens) for everyone affected.
    plan: list[dict] = field(default_factory=list)
    audience: list[tuple[PersonFacts, datetime.date]] = field(default_factory=list)

    def add(self, other: "SyncResult") -> None:
        for name in ("created", "redated", "withdrawn", "reopened", "satisfied", "expired", "renewed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.rows_written += other.rows_written
        self.people += other.people
        self.plan.extend(other.plan)
        self.audience.extend(other.audience)


@dataclass
class _Row:
    """One current assignment, as a mutable record; `dirty` when it must be written."""

    values: dict
    new: bool = False
    dirty: bool = False
    # Re-dated past an extension's date: the extension is overtaken and is cleared.
    clear_extension: bool = False
    events: list[tuple[str, str, dict]] = field(default_factory=list)

    def set(self, **changes) -> None:
        for key, value in changes.items():
            if self.values.get(key) != value:
                self.values[key] = value
                self.dirty = True

    def event(self, kind: str, reason: str, **data) -> None:
        self.events.append((kind, reason, data))


class _Context:
    def __init__(self, requirements: list[Requirement]):
        self.requirements = requirements
        self.unit_paths = dict(OrgUnit.objects.values_list("code", "path"))
        self.function_names = dict(Function.objects.values_list("code", "name"))
        self.rules = [
            CompiledRule(r, unit_paths=self.unit_paths, function_names=self.function_names) for r in requirements
        ]
        through = Requirement.courses.through
        course_map: dict[int, set[int]] = defaultdict(set)
        ids = [r.pk for r in requirements if r.pk]
        if ids:
            for req_id, course_id in through.objects.filter(requirement_id__in=ids).values_list(
                "requirement_id", "coursepage_id"
            ):
                course_map[req_id].add(course_id)
        for r in requirements:
            preset = getattr(r, "_preview_course_ids", None)
            if preset is not None:
                course_map[r.pk or 0] = set(preset)
        self.courses = course_map
        self.all_courses = set().union(*course_map.values()) if course_map else set()


def _people_facts(people_filter: dict) -> list[PersonFacts]:
    rows = Person.objects.filter(**people_filter).values_list(
        "pk",
        "user_id",
        "first_name",
        "last_name",
        "worker_type",
        "leadership_level",
        "rank_or_grade",
        "unit_id",
        "unit__path",
        "start_date",
        "role_start_date",
        "is_active",
    )
    facts = {row[0]: PersonFacts(*row) for row in rows}
    if facts:
        function_filter = {f"person__{k}": v for k, v in people_filter.items()}
        for person_id, code, gained_on in PersonFunction.objects.filter(**function_filter).values_list(
            "person_id", "function__code", "gained_on"
        ):
            if person_id in facts:
                facts[person_id].functions[code] = gained_on
    return list(facts.values())


def _withdraw_reason(rule: CompiledRule, person: PersonFacts, today: datetime.date) -> str:
    if not person.is_active:
        return "Left the force."
    if not rule.is_active_on(today):
        return "The requirement is no longer active."
    return "No longer in the requirement's audience."


def _first_cycle_values(first) -> dict:
    return {
        "trigger_date": first.trigger_date,
        "due_date": first.due_date,
        "counts_from": first.counts_from,
        "reason_context": first.context,
    }


def _plan_person(
    *,
    rule: CompiledRule,
    person: PersonFacts,
    current: _Row | None,
    completions: list[tuple[int, datetime.datetime, int, bool]],
    today: datetime.date,
    cause: str,
    preview: bool,
    starts: list[tuple[int, datetime.datetime]] = (),
) -> list[_Row]:
    """Decide what a person's current assignment for one requirement should become.
    Returns the rows to write (the current one, and a new cycle if one opens)."""
    req = rule.requirement
    eligible = rule.is_active_on(today) or preview
    eligible = eligible and rule.matches(person)
    first = rule.first_cycle(person) if eligible else None
    rows: list[_Row] = []

    if first is None:
        if current and current.values["state"] == AssignmentState.OPEN:
            reason = _withdraw_reason(rule, person, today)
            current.set(state=AssignmentState.WITHDRAWN, withdrawn_at=timezone.now(), withdrawn_reason=reason)
            current.event(EventKind.WITHDRAWN, f"{reason} ({cause})")
            rows.append(current)
        elif (
            current
            and current.values["state"] == AssignmentState.SATISFIED
            and current.values["valid_until"]
            and current.values["valid_until"] < today
            and not current.values["expired_at"]
        ):
            current.set(expired_at=timezone.now())
            current.event(EventKind.EXPIRED, "The completion is no longer valid.")
            rows.append(current)
        return rows

    if current is None:
        current = _Row(
            values={
                "id": None,
                "person_id": person.pk,
                "requirement_id": req.pk,
                "cycle": 1,
                "is_current": True,
                "trigger": req.trigger,
                "state": AssignmentState.OPEN,
                "satisfied_by_id": None,
                "satisfied_on": None,
                "valid_until": None,
                "expired_at": None,
                "withdrawn_at": None,
                "withdrawn_reason": "",
                **_first_cycle_values(first),
            },
            new=True,
            dirty=True,
        )
        current.event(EventKind.CREATED, cause, due_date=first.due_date.isoformat())
    elif current.values["state"] == AssignmentState.WITHDRAWN:
        old_due = current.values["due_date"]
        current.set(state=AssignmentState.OPEN, withdrawn_at=None, withdrawn_reason="")
        if current.values["cycle"] == 1:
            current.set(trigger=req.trigger, **_first_cycle_values(first))
        current.event(
            EventKind.REOPENED,
            f"Back in the requirement's audience ({cause})",
            old_due_date=old_due.isoformat(),
            due_date=current.values["due_date"].isoformat(),
            **_overtaken_extension(current),
        )
    elif current.values["state"] == AssignmentState.OPEN and current.values["cycle"] == 1:
        wanted = _first_cycle_values(first)
        before = {k: current.values[k] for k in ("trigger_date", "due_date", "counts_from")}
        if req.trigger != current.values["trigger"] or any(before[k] != wanted[k] for k in before):
            current.set(trigger=req.trigger, **wanted)
            current.event(
                EventKind.REDATED,
                cause,
                old_due_date=before["due_date"].isoformat(),
                due_date=wanted["due_date"].isoformat(),
                **_overtaken_extension(current),
            )
    elif current.values["state"] == AssignmentState.OPEN:
        # A renewal cycle is due one period after the last completion: follow an edited period.
        due = rule.valid_until(current.values["trigger_date"])
        if due is not None and due != current.values["due_date"]:
            old_due = current.values["due_date"]
            current.set(due_date=due)
            current.event(
                EventKind.REDATED,
                cause,
                old_due_date=old_due.isoformat(),
                due_date=due.isoformat(),
                **_overtaken_extension(current),
            )

    _satisfy(rule, current, completions)
    _started(current, starts)
    rows.append(current)

    # Recurrence: open the next cycle once its window opens. Repeat while each new cycle is
    # itself satisfied and due for renewal (years of imported history), so that one sync
    # reaches the final state and a second one writes nothing.
    while True:
        v = rows[-1].values
        if v["state"] != AssignmentState.SATISFIED or not v["valid_until"]:
            break
        opens = shift_days(v["valid_until"], -req.window_opens_days)
        if today < opens:
            break
        rows[-1].set(is_current=False)
        nxt = _Row(
            values={
                **dict.fromkeys(ASSIGNMENT_FIELDS),
                "person_id": person.pk,
                "requirement_id": req.pk,
                "cycle": v["cycle"] + 1,
                "is_current": True,
                "trigger": req.trigger,
                "trigger_date": v["satisfied_on"],
                "reason_context": {"last_completed": v["satisfied_on"].isoformat()},
                "due_date": v["valid_until"],
                "counts_from": shift_days(v["satisfied_on"], 1),
                "state": AssignmentState.OPEN,
                "withdrawn_reason": "",
            },
            new=True,
            dirty=True,
        )
        nxt.event(EventKind.CREATED, "Renewal: the next cycle is open.", due_date=v["valid_until"].isoformat())
        _satisfy(rule, nxt, completions)
        _started(nxt, starts)
        rows.append(nxt)
    return rows


def _overtaken_extension(row: _Row) -> dict:
    """An extension earlier than the new due date would make the assignment due sooner than
    without it (a leaver who rejoins, a longer allowance): it is cleared, and the ledger says so."""
    extended = row.values.get("extended_due_date")
    if extended and extended <= row.values["due_date"]:
        row.clear_extension = True
        row.values["extended_due_date"] = None  # for the preview; written by its own update
        return {"extension_overtaken": extended.isoformat()}
    return {}


def _started(row: _Row, starts) -> None:
    """Record when the learner first started one of the courses in this cycle ("in progress")."""
    if not starts or row.values["state"] != AssignmentState.OPEN:
        return
    counts_from = row.values["counts_from"]
    eligible = [at for _, at in starts if not counts_from or timezone.localdate(at) >= counts_from]
    first = min(eligible) if eligible else None
    if first != row.values.get("started_at"):
        row.set(started_at=first)


def _satisfy(rule: CompiledRule, row: _Row, completions) -> None:
    """Match the earliest valid completion on or after the cycle's start; reopen when the
    completion that satisfied it has been voided."""
    v = row.values
    if v["state"] == AssignmentState.WITHDRAWN:
        return
    if v["state"] == AssignmentState.SATISFIED:
        satisfier = next((c for c in completions if c[2] == v["satisfied_by_id"]), None)
        if satisfier is None or not satisfier[3]:
            # Still valid (or outside this batch's courses: leave it), for the current period.
            until = rule.valid_until(v["satisfied_on"])
            if until != v["valid_until"]:
                old = v["valid_until"]
                row.set(valid_until=until)
                row.event(
                    EventKind.REDATED,
                    "The requirement's renewal period changed.",
                    old_valid_until=old.isoformat() if old else None,
                    valid_until=until.isoformat() if until else None,
                )
            return
    counts_from = v["counts_from"]
    best = None
    for course_id, completed_at, completion_id, voided in completions:
        if voided:
            continue
        day = timezone.localdate(completed_at)
        if counts_from and day < counts_from:
            continue
        if best is None or completed_at < best[1]:
            best = (course_id, completed_at, completion_id)
    if best is None:
        if v["state"] == AssignmentState.SATISFIED:
            row.set(state=AssignmentState.OPEN, satisfied_by_id=None, satisfied_on=None, valid_until=None)
            row.event(EventKind.REOPENED, "The completion that satisfied it was voided.")
        return
    if v["satisfied_by_id"] == best[2]:
        return
    day = timezone.localdate(best[1])
    row.set(
        state=AssignmentState.SATISFIED,
        satisfied_by_id=best[2],
        satisfied_on=day,
        valid_until=rule.valid_until(day),
        expired_at=None,
    )
    row.event(EventKind.SATISFIED, "Completed.", completion_id=best[2], completed_on=day.isoformat())


def _preview_note(result: SyncResult, rule, person, cur, rows, today) -> None:
    final = rows[-1] if rows else cur
    if final is not None and final.values["state"] != AssignmentState.WITHDRAWN:
        result.audience.append((person, final.values.get("extended_due_date") or final.values["due_date"]))
    for row in rows:
        for kind, _, data in row.events:
            result.plan.append({"person": person, "kind": kind, "due_date": row.values["due_date"], **data})


def _sync_batch(ctx: _Context, people: list[PersonFacts], **kwargs) -> SyncResult:
    """Plan and write one batch. Two syncs of the same person at once (an HR import and a
    completion, say) can race to create the same assignment; the loser's batch is rolled
    back by the unique constraint and simply planned again from what the winner wrote."""
    for attempt in range(3):
        try:
            return _sync_batch_once(ctx, people, **kwargs)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _sync_batch_once(
    ctx: _Context,
    people: list[PersonFacts],
    *,
    today: datetime.date,
    cause: str,
    actor: AbstractBaseUser | None,
    preview: bool = False,
) -> SyncResult:
    result = SyncResult(people=len(people))
    if not people:
        return result
    person_ids = [p.pk for p in people]
    req_ids = [r.pk for r in ctx.requirements if r.pk]
    current: dict[tuple[int, int], _Row] = {}
    if req_ids:
        # The reason's context is read as text and parsed only for the rows that are written.
        loaded = [f for f in ASSIGNMENT_FIELDS if f != "reason_context"]
        for values in (
            Assignment.objects.filter(person_id__in=person_ids, requirement_id__in=req_ids, is_current=True)
            .annotate(reason_context_text=Cast("reason_context", TextField()))
            .values(*loaded, "reason_context_text", "extended_due_date")
        ):
            current[(values["person_id"], values["requirement_id"])] = _Row(values=values)
    by_user: dict[int, list] = defaultdict(list)
    if ctx.all_courses:
        for user_id, course_id, completed_at, completion_id, voided_at in Completion.objects.filter(
            user_id__in=[p.user_id for p in people], course_id__in=ctx.all_courses
        ).values_list("user_id", "course_id", "completed_at", "id", "voided_at"):
            by_user[user_id].append((course_id, completed_at, completion_id, voided_at is not None))

    enrolled: dict[int, list] = defaultdict(list)
    enrolment_model = _enrolment_model()
    if ctx.all_courses and enrolment_model is not None:
        for user_id, course_id, started_at in enrolment_model.objects.filter(
            user_id__in=[p.user_id for p in people], course_id__in=ctx.all_courses
        ).values_list("user_id", "course_id", "started_at"):
            enrolled[user_id].append((course_id, started_at))

    to_write: list[_Row] = []
    for rule in ctx.rules:
        courses = ctx.courses.get(rule.requirement.pk or 0, set())
        for person in people:
            theirs = by_user.get(person.user_id)
            mine = [c for c in theirs if c[0] in courses] if theirs else []
            started = enrolled.get(person.user_id)
            starts = [e for e in started if e[0] in courses] if started else ()
            cur = current.get((person.pk, rule.requirement.pk))
            rows = _plan_person(
                rule=rule,
                person=person,
                current=cur,
                completions=mine,
                today=today,
                cause=cause,
                preview=preview,
                starts=starts,
            )
            for row in rows:
                if row.dirty or row.events:
                    to_write.append(row)
            if preview:
                _preview_note(result, rule, person, cur, rows, today)

    for row in to_write:
        for kind, _, _ in row.events:
            if kind == EventKind.CREATED:
                result.created += 1
                if row.values["cycle"] > 1:
                    result.renewed += 1
            elif kind == EventKind.REDATED:
                result.redated += 1
            elif kind == EventKind.WITHDRAWN:
                result.withdrawn += 1
            elif kind == EventKind.REOPENED:
                result.reopened += 1
            elif kind == EventKind.SATISFIED:
                result.satisfied += 1
            elif kind == EventKind.EXPIRED:
                result.expired += 1
    if preview or not to_write:
        return result

    now = timezone.now()
    updates = [row for row in to_write if not row.new and row.dirty]
    creates = [row for row in to_write if row.new]
    for row in updates:
        if "reason_context_text" in row.values:
            text = row.values.pop("reason_context_text")
            row.values.setdefault("reason_context", json.loads(text) if text else {})
    with transaction.atomic():
        if updates:
            objs = [Assignment(**{**row.values, "updated_at": now}) for row in updates]
            Assignment.objects.bulk_update(objs, UPDATABLE, batch_size=1000)
            overtaken = [row.values["id"] for row in updates if row.clear_extension]
            if overtaken:
                # Not part of the bulk update: an extension granted meanwhile must not be lost.
                Assignment.objects.filter(pk__in=overtaken, extended_due_date__lte=F("due_date")).update(
                    extended_due_date=None
                )
            extension_requests_close_settled(assignment_ids=[row.values["id"] for row in updates])
        if creates:
            _insert_assignments(creates, now)
        events = [
            (row.values["id"], kind, now, actor.pk if actor is not None else None, reason[:500], data)
            for row in to_write
            for kind, reason, data in row.events
        ]
        _insert_events(events)
    result.rows_written = len(updates) + len(creates) + len(events)
    return result


INSERT_FIELDS = [f for f in ASSIGNMENT_FIELDS if f != "id"]


def _insert_assignments(rows: list[_Row], now) -> None:
    """Insert new assignments and set their ids. On PostgreSQL: ids drawn from the sequence
    in one query, rows sent with COPY (many times faster than INSERT for a whole force)."""
    if connection.vendor != "postgresql":
        objs = [Assignment(**{k: v for k, v in row.values.items() if k != "id"}) for row in rows]
        Assignment.objects.bulk_create(objs, batch_size=1000)
        for row, obj in zip(rows, objs, strict=True):
            row.values["id"] = obj.pk
        return
    table = Assignment._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)", [len(rows)]
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        columns = ["id", *INSERT_FIELDS, "created_at", "updated_at"]
        # The raw COPY bypasses Django's cursor: wrap it so a lost race is an IntegrityError.
        with (
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for pk, row in zip(ids, rows, strict=True):
                row.values["id"] = pk
                v = row.values
                copy.write_row(
                    [
                        pk,
                        *(_copy_value(v.get(f)) if f == "reason_context" else v.get(f) for f in INSERT_FIELDS),
                        now,
                        now,
                    ]
                )


def _copy_value(value):
    return json.dumps(value if value is not None else {})


def _insert_events(events: list[tuple]) -> None:
    if not events:
        return
    if connection.vendor != "postgresql":
        AssignmentEvent.objects.bulk_create(
            [
                AssignmentEvent(assignment_id=a, kind=k, actor_id=who, reason=reason, data=data)
                for a, k, _, who, reason, data in events
            ],
            batch_size=2000,
        )
        return
    table = AssignmentEvent._meta.db_table
    sql = f"COPY {table} (assignment_id, kind, at, actor_id, reason, data) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for a, k, at, who, reason, data in events:
            copy.write_row([a, k, at, who, reason, json.dumps(data)])


def _enrolment_model():
    """Enrolments (a learner starting a course) make an assignment "in progress"."""
    from django.apps import apps

    try:
        return apps.get_model("courses", "Enrolment")
    except LookupError:
        return None


def _active_requirements(requirement_ids: Iterable[int] | None = None) -> list[Requirement]:
    qs = Requirement.objects.all()
    if requirement_ids is not None:
        qs = qs.filter(pk__in=list(requirement_ids))
    return list(qs.order_by("pk"))


def sync_people(
    *,
    person_ids: Iterable[int],
    today: datetime.date | None = None,
    cause: str = "HR data changed.",
    actor: AbstractBaseUser | None = None,
) -> SyncResult:
    """Incremental sync for a few people, against every requirement: a constant number of
    queries however many requirements there are."""
    today = today or timezone.localdate()
    ids = sorted(set(person_ids))
    ctx = _Context(_active_requirements())
    result = SyncResult()
    for start in range(0, len(ids), BATCH):
        people = _people_facts({"pk__in": ids[start : start + BATCH]})
        result.add(_sync_batch(ctx, people, today=today, cause=cause, actor=actor))
    return result


def _sync_all_people(
    ctx: _Context, *, today: datetime.date, cause: str, actor, preview: bool = False, batch_size: int = BATCH
) -> SyncResult:
    result = SyncResult()
    bounds = list(Person.objects.order_by("pk").values_list("pk", flat=True)[::batch_size])
    last = Person.objects.order_by("-pk").values_list("pk", flat=True).first()
    for i, low in enumerate(bounds):
        high = bounds[i + 1] if i + 1 < len(bounds) else last + 1
        people = _people_facts({"pk__gte": low, "pk__lt": high})
        result.add(_sync_batch(ctx, people, today=today, cause=cause, actor=actor, preview=preview))
    return result


def sync_requirement(
    *,
    requirement: Requirement,
    today: datetime.date | None = None,
    cause: str = "The requirement changed.",
    actor: AbstractBaseUser | None = None,
) -> SyncResult:
    """Resync one requirement for everyone (after a rule change)."""
    today = today or timezone.localdate()
    return _sync_all_people(_Context([requirement]), today=today, cause=cause, actor=actor)


def sync_all(
    *, today: datetime.date | None = None, cause: str = "Nightly sync.", batch_size: int = BATCH
) -> SyncResult:
    """The full sync: every person against every requirement, in batches."""
    today = today or timezone.localdate()
    return _sync_all_people(
        _Context(_active_requirements()), today=today, cause=cause, actor=None, batch_size=batch_size
    )


def sync_completions(*, completion_ids: Iterable[int], today: datetime.date | None = None) -> SyncResult:
    """After completions are recorded or voided: resync the people who own them."""
    person_ids = Person.objects.filter(user__completions__in=list(completion_ids)).values_list("pk", flat=True)
    return sync_people(person_ids=list(person_ids), today=today, cause="A completion was recorded or voided.")


def sync_preview(*, requirement: Requirement, course_ids: list[int], today: datetime.date | None = None) -> SyncResult:
    """What saving this (possibly unsaved) requirement would do, without writing anything."""
    today = today or timezone.localdate()
    requirement._preview_course_ids = list(course_ids)
    return _sync_all_people(_Context([requirement]), today=today, cause="Preview.", actor=None, preview=True)


def requirement_preview(
    *, requirement: Requirement, course_ids: list[int], today: datetime.date | None = None, sample_size: int = 25
) -> dict:
    """Who a requirement (saved or not) would catch, and when they would be due: counts of
    new, re-dated and withdrawn assignments, a sample of names (and of those it would
    withdraw), and counts by unit."""
    result = sync_preview(requirement=requirement, course_ids=course_ids, today=today)
    kinds = defaultdict(int)
    for entry in result.plan:
        kinds[entry["kind"]] += 1
    unit_counts: dict[int, int] = defaultdict(int)
    for person, _ in result.audience:
        unit_counts[person.unit_id] += 1
    withdrawn = sorted(
        (entry["person"] for entry in result.plan if entry["kind"] == EventKind.WITHDRAWN),
        key=lambda p: (p.last_name, p.first_name),
    )[:sample_size]
    names = dict(
        OrgUnit.objects.filter(pk__in=set(unit_counts) | {p.unit_id for p in withdrawn}).values_list("pk", "name")
    )
    audience = sorted(result.audience, key=lambda item: (item[1], item[0].last_name, item[0].first_name))
    overlaps = _overlapping_requirements(
        requirement=requirement, course_ids=course_ids, people={p.pk for p, _ in result.audience}
    )
    return {
        "in_audience": len(result.audience),
        "would_assign": kinds[EventKind.CREATED],
        "would_redate": kinds[EventKind.REDATED],
        "would_withdraw": kinds[EventKind.WITHDRAWN],
        "would_reopen": kinds[EventKind.REOPENED],
        "already_complete": kinds[EventKind.SATISFIED],
        "sample": [
            {
                "name": f"{p.first_name} {p.last_name}",
                "person_id": p.pk,
                "unit": names.get(p.unit_id, ""),
                "due_date": due,
            }
            for p, due in audience[:sample_size]
        ],
        "withdrawn_sample": [
            {"name": f"{p.first_name} {p.last_name}", "person_id": p.pk, "unit": names.get(p.unit_id, "")}
            for p in withdrawn
        ],
        "by_unit": sorted(
            ({"unit": names.get(pk, str(pk)), "count": count} for pk, count in unit_counts.items()),
            key=lambda row: (-row["count"], row["unit"]),
        ),
        "overlaps": overlaps,
    }


def _overlapping_requirements(*, requirement: Requirement, course_ids: list[int], people: set[int]) -> list[dict]:
    """Other requirements satisfied by one of the same courses, with how many people in this
    audience already carry them: saving would give those people two obligations for the same
    training (a duplicate, or an overlap to settle). Two queries, whatever the force's size."""
    others = list(
        Requirement.objects.filter(courses__in=course_ids)
        .exclude(pk=requirement.pk)
        .distinct()
        .order_by("name")
        .values_list("pk", "name")
    )
    if not others:
        return []
    carried: dict[int, set[int]] = defaultdict(set)
    held = Assignment.objects.filter(is_current=True, requirement_id__in=[pk for pk, _ in others]).exclude(
        state=AssignmentState.WITHDRAWN
    )
    for requirement_id, person_id in held.values_list("requirement_id", "person_id").iterator(chunk_size=5000):
        if person_id in people:
            carried[requirement_id].add(person_id)
    return [{"requirement_id": pk, "name": name, "people": len(carried[pk])} for pk, name in others]
