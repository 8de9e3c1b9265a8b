"""Requirement rules: who is in the audience, and when each cycle falls due.

Everything here is pure (no queries): the sync loads people in batches and asks these
functions about each of them, so the full sync, the incremental sync and the preview share
one definition of the rules.
"""

import calendar
import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from compliance.audit.services import audit_event_record
from compliance.models import RecurrenceKind, Requirement, TriggerKind
from compliance.models.requirements import RULE_FIELDS
from courses.resilient import task_named


def add_months(date: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it has no such day
    (31 January + 1 month = 28 or 29 February). Clamped to the calendar's first and last
    days, so an absurd rule can never crash a sync."""
    index = date.month - 1 + months
    year, month = date.year + index // 12, index % 12 + 1
    if year < datetime.MINYEAR:
        return datetime.date.min
    if year > datetime.MAXYEAR:
        return datetime.date.max
    return datetime.date(year, month, min(date.day, calendar.monthrange(year, month)[1]))


def shift_days(date: datetime.date, days: int) -> datetime.date:
    """`date + days`, clamped to the calendar's first and last days (see add_months)."""
    try:
        return date + datetime.timedelta(days=days)
    except OverflowError:
        return datetime.date.max if days > 0 else datetime.date.min


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def next_calendar_due(
    *, completed_on: datetime.date, month: int, opens_days: int, minimum_active_days: int = 0
) -> datetime.date:
    """The next window end after a completion. A completion made once a window has opened
    counts for that window, so the next one is due the following year. So does a completion
    made less than `minimum_active_days` before a window's end (a minimum active period, as in
    Totara's recertification): someone who completed on 28 October is not due again on 31 January."""
    year = completed_on.year
    while year < datetime.MAXYEAR and (
        shift_days(month_end(year, month), -opens_days) <= completed_on
        or (month_end(year, month) - completed_on).days < minimum_active_days
    ):
        year += 1
    return month_end(year, month)


@dataclass
class PersonFacts:
    """What the rules need to know about one person."""

    pk: int
    user_id: int
    first_name: str
    last_name: str
    worker_type: str
    leadership_level: str
    rank_or_grade: str
    unit_id: int
    unit_path: str
    start_date: datetime.date
    role_start_date: datetime.date
    is_active: bool
    functions: dict[str, datetime.date] = field(default_factory=dict)  # code -> gained on


@dataclass(frozen=True)
class FirstCycle:
    trigger_date: datetime.date
    due_date: datetime.date
    counts_from: datetime.date | None
    context: dict


class CompiledRule:
    """A requirement's audience rule and trigger, ready to test people against."""

    def __init__(self, requirement: Requirement, *, unit_paths: dict[str, str], function_names: dict[str, str]):
        self.requirement = requirement
        r = requirement
        self.include_worker_types = set(r.include_worker_types or [])
        self.include_levels = set(r.include_leadership_levels or [])
        self.include_ranks = {name.lower() for name in r.include_ranks or []}
        self.include_functions = set(r.include_functions or [])
        # Unit codes are unique ignoring case, and matched that way everywhere.
        paths = {code.upper(): path for code, path in unit_paths.items()}
        self.include_units = tuple(paths[c.upper()] for c in r.include_units or [] if c.upper() in paths)
        self.include_units_given = bool(r.include_units)
        self.exclude_worker_types = set(r.exclude_worker_types or [])
        self.exclude_levels = set(r.exclude_leadership_levels or [])
        self.exclude_ranks = {name.lower() for name in r.exclude_ranks or []}
        self.exclude_functions = set(r.exclude_functions or [])
        self.exclude_units = tuple(paths[c.upper()] for c in r.exclude_units or [] if c.upper() in paths)
        self.function_names = function_names

    def is_active_on(self, today: datetime.date) -> bool:
        r = self.requirement
        return r.active_from <= today and (r.active_to is None or today <= r.active_to)

    def matches(self, p: PersonFacts) -> bool:
        if not p.is_active:
            return False
        if self.include_worker_types and p.worker_type not in self.include_worker_types:
            return False
        if self.include_levels and p.leadership_level not in self.include_levels:
            return False
        if self.include_ranks and p.rank_or_grade.lower() not in self.include_ranks:
            return False
        if self.include_functions and not self.include_functions.intersection(p.functions):
            return False
        if self.include_units_given and not p.unit_path.startswith(self.include_units or ("\x00",)):
            return False
        if p.worker_type in self.exclude_worker_types or p.leadership_level in self.exclude_levels:
            return False
        if self.exclude_ranks and p.rank_or_grade.lower() in self.exclude_ranks:
            return False
        if self.exclude_functions.intersection(p.functions):
            return False
        if self.exclude_units and p.unit_path.startswith(self.exclude_units):
            return False
        started = self.requirement.started_on_or_after
        return started is None or p.start_date >= started

    def first_cycle(self, p: PersonFacts) -> FirstCycle | None:
        """The first cycle's trigger and due date, or None when the trigger has not happened
        (no such function) or happened before the rule's 'triggered on or after' date."""
        r = self.requirement
        days = r.trigger_days
        context: dict = {}
        if r.trigger == TriggerKind.JOINING:
            trigger_date = p.start_date
        elif r.trigger == TriggerKind.ROLE_START:
            trigger_date = p.role_start_date
            context = {"rank": p.rank_or_grade, "level": p.leadership_level}
        elif r.trigger == TriggerKind.FUNCTION_GAINED:
            if r.trigger_function not in p.functions:
                return None
            trigger_date = p.functions[r.trigger_function]
            context = {"function": self.function_names.get(r.trigger_function, r.trigger_function)}
        elif r.trigger == TriggerKind.FIXED_DATE:
            entered, context = self.entered_audience(p)
            if entered > shift_days(r.fixed_due_date, -days):
                # Entered too late to meet the campaign date (joined, promoted, gained a function,
                # or the requirement went live late): the same allowance from that day.
                return self._cycle(entered, shift_days(entered, days), context)
            return self._cycle(r.active_from, r.fixed_due_date, {})
        else:  # requirement start, or joining afterwards
            trigger_date = max(r.active_from, p.start_date)
            context = {"joined_after_start": p.start_date > r.active_from}
        if r.triggered_on_or_after and trigger_date < r.triggered_on_or_after:
            return None
        return self._cycle(trigger_date, shift_days(trigger_date, days), context)

    def entered_audience(self, p: PersonFacts) -> tuple[datetime.date, dict]:
        """The day this person entered the requirement's audience, as far as their record shows,
        and how: joining the force, taking the rank or level the rule names, gaining a function
        it names, or the requirement going live. A move between units has no date in the HR
        record, so it counts from the latest of the others."""
        r = self.requirement
        entries = [(p.start_date, {"late_joiner": True}), (r.active_from, {"late_entrant": "went_live"})]
        if self.include_ranks or self.include_levels or self.exclude_ranks or self.exclude_levels:
            entries.append((p.role_start_date, {"late_entrant": "promoted", "rank": p.rank_or_grade}))
        gained = [(day, code) for code, day in p.functions.items() if code in self.include_functions]
        if gained:
            day, code = min(gained)
            entries.append((day, {"late_entrant": "function", "function": self.function_names.get(code, code)}))
        return max(entries, key=lambda entry: entry[0])

    def _cycle(self, trigger_date: datetime.date, due: datetime.date, context: dict) -> FirstCycle:
        return FirstCycle(trigger_date, due, self.cycle_counts_from(due), context)

    def cycle_counts_from(self, due: datetime.date) -> datetime.date | None:
        """For a recurring requirement, a completion in the period before the due date counts."""
        r = self.requirement
        if r.recurrence == RecurrenceKind.MONTHS:
            return add_months(due, -r.recurrence_months)
        if r.recurrence == RecurrenceKind.CALENDAR:
            return add_months(due, -12)
        return None

    def valid_until(self, completed_on: datetime.date) -> datetime.date | None:
        r = self.requirement
        if r.recurrence == RecurrenceKind.MONTHS:
            return add_months(completed_on, r.recurrence_months)
        if r.recurrence == RecurrenceKind.CALENDAR:
            return next_calendar_due(
                completed_on=completed_on,
                month=r.window_month,
                opens_days=r.window_opens_days,
                minimum_active_days=r.minimum_active_days,
            )
        return None


REQUIREMENT_FIELDS = ["name", "description", *RULE_FIELDS]


def requirement_snapshot(requirement: Requirement) -> dict:
    data = {}
    for name in REQUIREMENT_FIELDS:
        value = getattr(requirement, name)
        data[name] = value.isoformat() if isinstance(value, datetime.date) else value
    return data


@transaction.atomic
def requirement_save(
    *,
    requirement: Requirement,
    course_ids: list[int] | None = None,
    actor: AbstractBaseUser | None = None,
    source: str = "admin",
    previous: dict | None = None,
) -> Requirement:
    """Validate and save a requirement, record what changed, and resync its assignments once
    the transaction commits."""
    creating = requirement.pk is None
    if previous is None and not creating:
        previous = requirement_snapshot(Requirement.objects.get(pk=requirement.pk))
    requirement.full_clean(exclude=["courses"])
    before_courses = [] if creating else sorted(requirement.courses.values_list("pk", flat=True))
    requirement.save()
    if course_ids is not None:
        requirement.courses.set(course_ids)
    after = requirement_snapshot(requirement)
    changes = {k: [(previous or {}).get(k), v] for k, v in after.items() if (previous or {}).get(k) != v}
    if course_ids is not None and sorted(set(course_ids)) != before_courses:
        # Before and after, like every other field, so the trail shows what was replaced.
        changes["course_ids"] = [before_courses, sorted(set(course_ids))]
    audit_event_record(
        action="requirement_created" if creating else "requirement_changed",
        obj=requirement,
        summary=f"Requirement '{requirement.name}' {'created' if creating else 'changed'}",
        source=source,
        actor=actor,
        changes=changes,
    )
    task_named("compliance.tasks.sync_requirement").delay_on_commit(requirement.pk)
    return requirement
