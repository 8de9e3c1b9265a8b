"""Fairness-analytics reads: the only code that reads equality-monitoring data.

Everything is counted in the database (GROUP BY); no row that carries a person's
characteristic is ever loaded into Python. What leaves here has been through
`compliance.fairness.disclosure`. Checking the analyst's permission and logging each view or
export is the caller's job.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from compliance.equality.models import CHARACTERISTICS, EqualityRecord
from compliance.models import Assignment, AssignmentState, Requirement
from compliance.people.models import OrgUnit, Person
from courses.conf import lms_setting
from courses.models import Evaluation, KnowledgeCheckAttempt

from .disclosure import DEFAULT_THRESHOLD, ProtectedTable, Table, protect_linked
from .perturbation import perturb_rate_cell, record_key_hash

NOT_RECORDED = ("not_recorded", "Not recorded")
SMALL_UNITS = ("_smaller_units", "Units of fewer than {threshold} people, together")


@dataclass(frozen=True)
class EqualityBreakdown:
    """Headcount by category of one characteristic (rows) and by top-level unit (columns),
    protected. `table.rows` are category keys (the stored value, and "not_recorded"),
    `table.columns` unit codes; `categories` and `units` give their display names, in order.
    The row totals are the headcount by category; the column totals, the unit headcounts.
    `linked` are the other tables of the page, protected together with this one."""

    characteristic: str
    categories: tuple[tuple[str, str], ...]
    units: tuple[tuple[str, str], ...]
    table: ProtectedTable
    linked: tuple[ProtectedTable, ...] = ()

    def category_label(self, key: str) -> str:
        return dict(self.categories)[key]

    def unit_name(self, code: str) -> str:
        return dict(self.units)[code]


def _validate(characteristic: str) -> type:
    try:
        return CHARACTERISTICS[characteristic]
    except (KeyError, TypeError):
        known = ", ".join(CHARACTERISTICS)
        raise ValueError(f"Unknown characteristic {characteristic!r}: expected one of {known}.") from None


def equality_breakdown(
    *,
    characteristic: str,
    people: QuerySet[Person] | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    unit_depth: int = 2,
    linked: Sequence[Table] = (),
) -> EqualityBreakdown:
    """Headcount of `people` (default: everyone active) by `characteristic` and top-level unit.

    "Not recorded" counts people with no equality record and people whose value is blank (or not
    one of the characteristic's choices); "Prefer not to say" is a category like any other.
    Top-level units are the units at `unit_depth` of the unit tree (2: those directly below the
    force); someone placed higher up (in the force unit itself) is counted under that unit.

    Unit headcounts and the grand total are treated as public (anyone with the organisation chart
    or a team view can count them), so they are always shown and the protection assumes they are
    known. Three queries, whatever the number of people.

    `linked`: other tables shown on the same page (completion, lateness or pass rates of the same
    people, say), protected together with this one so that none gives another away. The headcount
    table's margins are keyed `row_margin=characteristic` and `column_margin="units"` with the unit
    codes as columns; a linked table using the same keys and labels shares them (and must agree).
    """
    choices = _validate(characteristic)
    if isinstance(unit_depth, bool) or not isinstance(unit_depth, int) or unit_depth < 1:
        raise ValueError(f"unit_depth must be a whole number of at least 1, not {unit_depth!r}")
    if people is None:
        people = Person.objects.filter(is_active=True)
    people = people.order_by()
    prefix_length = OrgUnit.steplen * unit_depth

    # 1. Headcount per top-level unit (the path prefix of its ancestor at unit_depth).
    unit_totals = {
        row["top"]: row["n"]
        for row in people.values(top=Substr("unit__path", 1, prefix_length)).annotate(n=Count("pk", distinct=True))
    }
    # 2. Recorded values per top-level unit, counted in the database.
    recorded = (
        EqualityRecord.objects.filter(person__in=people.values("pk"))
        .order_by()
        .values(value=F(characteristic), top=Substr("person__unit__path", 1, prefix_length))
        .annotate(n=Count("pk"))
    )
    keys = [value for value, _ in choices.choices]
    counts: dict[tuple[str, str], int] = {}
    for row in recorded:
        if row["value"] in keys:
            counts[(row["value"], row["top"])] = counts.get((row["value"], row["top"]), 0) + row["n"]
    # 3. The units' codes and names.
    units = list(
        OrgUnit.objects.filter(path__in=list(unit_totals)).order_by("path").values_list("path", "code", "name")
    )

    categories = (*((value, str(label)) for value, label in choices.choices), NOT_RECORDED)
    codes = {path: code for path, code, _ in units}
    grid = {(key, codes[path]): n for (key, path), n in counts.items()}
    for path, code in codes.items():
        grid[(NOT_RECORDED[0], code)] = unit_totals[path] - sum(counts.get((key, path), 0) for key in keys)
    table = Table.from_mapping(
        title=f"Headcount by {characteristic.replace('_', ' ')} and unit",
        rows=[key for key, _ in categories],
        columns=list(codes.values()),
        counts=grid,
        row_margin=characteristic,
        column_margin="units",
        public_column_totals=True,
        public_grand_total=True,
    )
    protected = protect_linked([table, *linked], threshold=threshold)
    return EqualityBreakdown(
        characteristic=characteristic,
        categories=categories,
        units=tuple((code, name) for _, code, name in units),
        table=protected[0],
        linked=tuple(protected[1:]),
    )


# --- rates by characteristic: completion, lateness, knowledge check, evaluation --------------

MEASURES = {
    "completion": "Completion rate",
    "lateness": "Lateness",
    "knowledge_check": "Knowledge-check pass rate",
    "evaluation": "Evaluation: reported more confidence",
}
# What the numerator and the denominator of each measure count, for captions and exports.
MEASURE_TERMS = {
    "completion": ("completed", "assigned (not exempt)"),
    "lateness": ("late", "past their due date"),
    "knowledge_check": ("passed", "attempted"),
    "evaluation": ("more confident", "evaluated"),
}
BREAKDOWNS = {"unit": "Unit", "requirement": "Training"}


GROUPINGS = {"fine": "Every category", "broad": "Broader groups"}

# Broader groups, for tables where the fine categories would be mostly hidden: ethnicity as
# White and the other four ONS high-level groups together, wider age bands, and so on. Sex and
# disability have no broader grouping. "Prefer not to say" and "Not recorded" always stay apart.
BROAD_GROUPS: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]] = {
    "ethnicity": (
        ("white", "White", ("white",)),
        ("minority", "Ethnic minority groups (Asian, Black, Mixed, Other)", ("asian", "black", "mixed", "other")),
    ),
    "sexual_orientation": (
        ("heterosexual", "Heterosexual or straight", ("heterosexual",)),
        ("lgb_other", "Gay, lesbian, bisexual or other", ("gay_lesbian", "bisexual", "other")),
    ),
    "religion": (
        ("none", "No religion", ("none",)),
        ("christian", "Christian", ("christian",)),
        (
            "other_religions",
            "Other religions (Buddhist, Hindu, Jewish, Muslim, Sikh, any other)",
            ("buddhist", "hindu", "jewish", "muslim", "sikh", "other"),
        ),
    ),
    "age_band": (
        ("16-34", "16 to 34", ("16-24", "25-34")),
        ("35-54", "35 to 54", ("35-44", "45-54")),
        ("55+", "55 and over", ("55+",)),
    ),
}
PREFER_NOT_TO_SAY = "prefer_not_to_say"


def has_broad_groups(characteristic: str) -> bool:
    return characteristic in BROAD_GROUPS


def categories_for(characteristic: str, grouping: str = "fine") -> tuple[tuple[str, str], ...]:
    """The rows of a page, in order: the categories (or broader groups), then "Prefer not to
    say" and "Not recorded"."""
    choices = _validate(characteristic)
    if grouping not in GROUPINGS:
        raise ValueError(f"Unknown grouping {grouping!r}: expected one of {', '.join(GROUPINGS)}.")
    if grouping == "fine" or characteristic not in BROAD_GROUPS:
        return (*((value, str(label)) for value, label in choices.choices), NOT_RECORDED)
    pnts = next((value, str(label)) for value, label in choices.choices if value == PREFER_NOT_TO_SAY)
    return (*((key, label) for key, label, _ in BROAD_GROUPS[characteristic]), pnts, NOT_RECORDED)


def group_of(characteristic: str, grouping: str, category: str) -> str:
    """The row a fine category (a stored value, or "not_recorded") is counted in."""
    if grouping == "fine" or characteristic not in BROAD_GROUPS:
        return category
    for key, _, members in BROAD_GROUPS[characteristic]:
        if category in members:
            return key
    return category


@dataclass(frozen=True)
class PageInputs:
    """What a page is computed from, as counted in the database (never shown): for each fine
    category and column, the people, the people counted for the measure, and the sums of their
    record keys (`perturbation`). Columns a differencing check refused are listed in `refused`
    (label, reason) and are not in `columns`. Kept as a weekly release by `services`."""

    characteristic: str
    measure: str
    breakdown: str
    columns: tuple[tuple[str, str], ...]
    cells: dict[tuple[str, str], tuple[int, int, int, int]]
    refused: tuple[tuple[str, str], ...] = ()
    taken_at: datetime.datetime | None = None

    def to_json(self) -> dict:
        return {
            "characteristic": self.characteristic,
            "measure": self.measure,
            "breakdown": self.breakdown,
            "columns": [list(c) for c in self.columns],
            "cells": [[row, col, *values] for (row, col), values in sorted(self.cells.items())],
            "refused": [list(r) for r in self.refused],
            "taken_at": self.taken_at.isoformat() if self.taken_at else None,
        }

    @classmethod
    def from_json(cls, data: dict) -> PageInputs:
        return cls(
            characteristic=data["characteristic"],
            measure=data["measure"],
            breakdown=data["breakdown"],
            columns=tuple((k, v) for k, v in data["columns"]),
            cells={(row, col): tuple(values) for row, col, *values in data["cells"]},
            refused=tuple((k, v) for k, v in data["refused"]),
            taken_at=datetime.datetime.fromisoformat(data["taken_at"]) if data["taken_at"] else None,
        )


@dataclass(frozen=True)
class RatePage:
    """One page of fairness analytics: a measure by a characteristic (rows) and by unit or
    requirement (columns). `headcount` counts the people the measure is about (its
    denominators) and `rates` the measure; both are protected together, so neither can give
    away a value the other hides. Column keys are unit codes or requirement ids (as text).

    `perturbed`: every count was perturbed (cell-key method) before protection; `refused`
    lists columns left out because their people differ from another offered population by
    fewer than the threshold; `taken_at` is when the counts were taken (a weekly release)."""

    characteristic: str
    measure: str
    breakdown: str
    categories: tuple[tuple[str, str], ...]
    columns: tuple[tuple[str, str], ...]
    headcount: ProtectedTable
    rates: ProtectedTable
    threshold: int
    grouping: str = "fine"
    perturbed: bool = False
    refused: tuple[tuple[str, str], ...] = ()
    taken_at: datetime.datetime | None = None

    @property
    def tables(self) -> tuple[ProtectedTable, ProtectedTable]:
        return (self.headcount, self.rates)

    def category_label(self, key: str) -> str:
        return dict(self.categories)[key]

    def column_label(self, key: str) -> str:
        return dict(self.columns)[key]

    @property
    def hidden_share(self) -> float:
        """The share of the rate table's cells (not totals) that are hidden."""
        cells = [c for row in self.rates.cells for c in row]
        return sum(c.suppressed for c in cells) / len(cells) if cells else 0.0


def status_predicates(*, today) -> tuple[Q, Q]:
    """ "Completed" and "exempt" for assignments that are not withdrawn: the same rules as
    `compliance.selectors.assignments.status_expression` (a satisfied assignment is completed
    while valid, expired after; an exemption counts while it lasts and only on one not
    satisfied), as two plain conditions. The full status CASE, evaluated twice per row, made
    the force-wide table twice as slow; a test holds the two definitions together."""
    completed = Q(state=AssignmentState.SATISFIED) & (Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    exempt = (
        ~Q(state=AssignmentState.SATISFIED)
        & Q(exemption__isnull=False)
        & (Q(exempt_until__isnull=True) | Q(exempt_until__gte=today))
    )
    return completed, exempt


def _person_flags(*, measure: str, breakdown: str, today, prefix_length: int) -> tuple[QuerySet, bool]:
    """One row per person and column (`pid`, `col`) with `d`, the number of things that put the
    person in the denominator, and `k`, how many of those count for the numerator. Returns the
    query and whether the person counts for the numerator only when all of theirs do (`k = d`)
    rather than when any does (`k > 0`).

    By requirement each row is one assignment (or the attempts at, or evaluations of, that
    requirement's courses); by unit it is everything of the person's, so every count in the
    tables is a count of people, never of assignments (25 assignments of one person must not
    pass for 25 people).
    """
    if measure in ("completion", "lateness"):
        qs = Assignment.objects.filter(person__is_active=True, is_current=True).exclude(state=AssignmentState.WITHDRAWN)
        person, unit_path = "person_id", "person__unit__path"
        column = F("requirement_id")
        completed, exempt = status_predicates(today=today)
        counted = ~exempt
        if measure == "completion":
            d, k = Count("pk", filter=counted), Count("pk", filter=counted & completed)
            every = True
        else:
            qs = qs.annotate(due_on=Coalesce("extended_due_date", "due_date"))
            due = counted & Q(due_on__lt=today)
            late = due & (Q(satisfied_on__isnull=True) | Q(satisfied_on__gt=F("due_on")))
            d, k = Count("pk", filter=due), Count("pk", filter=late)
            every = False
    elif measure == "knowledge_check":
        qs = KnowledgeCheckAttempt.objects.filter(enrolment__user__person__is_active=True)
        person, unit_path = "enrolment__user__person__id", "enrolment__user__person__unit__path"
        column = F("enrolment__course__requirements__id")
        # Passed: every module attempted has a passing attempt (retakes allowed).
        d = Count("module_id", distinct=True)
        k = Count("module_id", distinct=True, filter=Q(passed=True))
        every = True
    elif measure == "evaluation":
        qs = Evaluation.objects.filter(enrolment__user__person__is_active=True)
        person, unit_path = "enrolment__user__person__id", "enrolment__user__person__unit__path"
        column = F("course__requirements__id")
        d, k = Count("pk"), Count("pk", filter=Q(confidence_after__gt=F("confidence_before")))
        every = False
    else:
        raise ValueError(f"Unknown measure {measure!r}: expected one of {', '.join(MEASURES)}.")
    if breakdown == "unit":
        column = Substr(unit_path, 1, prefix_length)
    elif breakdown != "requirement":
        raise ValueError(f"Unknown breakdown {breakdown!r}: expected one of {', '.join(BREAKDOWNS)}.")
    grouped = qs.order_by().values(pid=F(person), col=column).annotate(d=d, k=k)
    if breakdown == "requirement":
        grouped = grouped.filter(col__isnull=False)
    return grouped, every


def fairness_cells(
    *, characteristic: str, measure: str, breakdown: str, today=None, unit_depth: int = 2
) -> dict[tuple[str, str], tuple[int, int, int, int]]:
    """`{(stored value, column): (people, people counted in the numerator, sum of the people's
    record keys, sum of the record keys of those counted)}`: one query.

    The per-person rows are grouped again, joined to the equality records, in the database;
    the stored value is '' for no record or a blank one (mapped to "Not recorded" by the
    caller). Columns are unit path prefixes or requirement ids. The record keys are computed
    in the database too (`perturbation.RecordKeyHash.sql`).
    """
    _validate(characteristic)
    inner, every = _person_flags(
        measure=measure,
        breakdown=breakdown,
        today=today or timezone.localdate(),
        prefix_length=OrgUnit.steplen * unit_depth,
    )
    sql, params = inner.query.sql_with_params()
    record = EqualityRecord._meta
    column = connection.ops.quote_name(record.get_field(characteristic).column)
    person_column = connection.ops.quote_name(record.get_field("person").column)
    numerator = "i.k = i.d" if every else "i.k > 0"
    value = f"COALESCE(e.{column}, '')"
    key = record_key_hash().sql("i.pid")
    outer = (
        f"SELECT {value}, i.col, COUNT(*), SUM(CASE WHEN {numerator} THEN 1 ELSE 0 END), "
        f"SUM({key}), SUM(CASE WHEN {numerator} THEN {key} ELSE 0 END) "
        f"FROM ({sql}) i LEFT JOIN {connection.ops.quote_name(record.db_table)} e ON e.{person_column} = i.pid "
        f"WHERE i.d > 0 GROUP BY {value}, i.col"
    )
    with connection.cursor() as cursor:
        cursor.execute(outer, params)
        return {
            (row[0], str(row[1])): (int(row[2]), int(row[3] or 0), int(row[4] or 0), int(row[5] or 0))
            for row in cursor.fetchall()
        }


def fairness_counts(
    *, characteristic: str, measure: str, breakdown: str, today=None, unit_depth: int = 2
) -> dict[tuple[str, str], tuple[int, int]]:
    """`{(stored value, column): (people, people counted in the numerator)}`: one query (the
    exact counts of `fairness_cells`, never published as they are)."""
    cells = fairness_cells(
        characteristic=characteristic, measure=measure, breakdown=breakdown, today=today, unit_depth=unit_depth
    )
    return {cell: (n, k) for cell, (n, k, _, _) in cells.items()}


def _populations_sql(*, measure: str, breakdown: str, today, prefix_length: int) -> tuple[str, list]:
    """The people in each column's population (`pid`, `col`), as SQL: those with something in the
    measure's denominator."""
    inner, _ = _person_flags(measure=measure, breakdown=breakdown, today=today, prefix_length=prefix_length)
    sql, params = inner.query.sql_with_params()
    return f"SELECT i.pid, i.col FROM ({sql}) i WHERE i.d > 0", list(params)


def requirement_refusals(
    *, measure: str, sizes: dict[str, int], threshold: int, today=None, unit_depth: int = 2
) -> dict[str, str]:
    """Requirements (ids as text, with the number of people in their population for this
    measure) whose population differs from another population the tables offer by at least one
    and fewer than `threshold` people: everyone counted (the unit tables' total), a top-level
    unit, or an earlier requirement. Their columns are refused: two such populations side by
    side would give the few people between them away, noise or not. Returns {id: reason}.

    Sizes rule most pairs out (two populations whose sizes differ by `threshold` or more differ
    by at least that many people); the rest are checked exactly: three queries in all."""
    today = today or timezone.localdate()
    prefix_length = OrgUnit.steplen * unit_depth
    t = threshold
    unit_sql, unit_params = _populations_sql(
        measure=measure, breakdown="unit", today=today, prefix_length=prefix_length
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT u.col, COUNT(*) FROM ({unit_sql}) u GROUP BY u.col", unit_params)
        unit_sizes = {str(col): int(n) for col, n in cursor.fetchall()}
    everyone = sum(unit_sizes.values())
    order = sorted(sizes, key=int)
    refused: dict[str, str] = {}
    for req in order:
        # Everyone counted in the unit tables includes every requirement's people.
        if 0 < everyone - sizes[req] < t:
            refused[req] = f"its people differ from everyone counted by fewer than {t}"
    unit_pairs = [
        (req, col) for req in order if req not in refused for col in unit_sizes if abs(sizes[req] - unit_sizes[col]) < t
    ]
    req_sql, req_params = _populations_sql(
        measure=measure, breakdown="requirement", today=today, prefix_length=prefix_length
    )
    # Always the same two queries (empty when nothing is a candidate), so that the page's number
    # of queries does not depend on the data.
    reqs = sorted({r for r, _ in unit_pairs}, key=int)
    where = f"r.col IN ({', '.join(['%s'] * len(reqs))})" if reqs else "1 = 0"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.col, u.col, COUNT(*) FROM ({req_sql}) r JOIN ({unit_sql}) u ON u.pid = r.pid "
            f"WHERE {where} GROUP BY r.col, u.col",
            [*req_params, *unit_params, *map(int, reqs)],
        )
        shared = {(str(r), str(u)): int(n) for r, u, n in cursor.fetchall()}
    for req, col in unit_pairs:
        difference = sizes[req] + unit_sizes[col] - 2 * shared.get((req, col), 0)
        if req not in refused and 0 < difference < t:
            refused[req] = f"its people differ from a unit's by fewer than {t}"
    pairs = [
        (a, b)
        for i, a in enumerate(order)
        for b in order[i + 1 :]
        if a not in refused and b not in refused and abs(sizes[a] - sizes[b]) < t
    ]
    reqs = sorted({r for pair in pairs for r in pair}, key=int)
    marks = ", ".join(["%s"] * len(reqs))
    where = f"a.col IN ({marks}) AND b.col IN ({marks}) AND a.col < b.col" if reqs else "1 = 0"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.col, b.col, COUNT(*) FROM ({req_sql}) a JOIN ({req_sql}) b ON b.pid = a.pid "
            f"WHERE {where} GROUP BY a.col, b.col",
            [*req_params, *req_params, *map(int, reqs), *map(int, reqs)],
        )
        shared = {(str(a), str(b)): int(n) for a, b, n in cursor.fetchall()}
    for a, b in pairs:
        if a in refused or b in refused:
            continue
        difference = sizes[a] + sizes[b] - 2 * shared.get((a, b), 0)
        if 0 < difference < t:
            refused[b] = f"its people differ from another training's by fewer than {t}"
    return refused


def fairness_inputs(
    *, characteristic: str, measure: str, breakdown: str, threshold: int | None = None, today=None, unit_depth: int = 2
) -> PageInputs:
    """Count a page in the database: two queries (and, by requirement, up to three more for the
    differencing check). Nothing here is fit to show: `protect_inputs` makes the page."""
    if threshold is None:
        threshold = lms_setting("FAIRNESS_THRESHOLD")
    if measure not in MEASURES:
        raise ValueError(f"Unknown measure {measure!r}: expected one of {', '.join(MEASURES)}.")
    if breakdown not in BREAKDOWNS:
        raise ValueError(f"Unknown breakdown {breakdown!r}: expected one of {', '.join(BREAKDOWNS)}.")
    choices = _validate(characteristic)
    today = today or timezone.localdate()
    raw = fairness_cells(
        characteristic=characteristic, measure=measure, breakdown=breakdown, today=today, unit_depth=unit_depth
    )
    refused: tuple[tuple[str, str], ...] = ()
    if breakdown == "unit":
        units = OrgUnit.objects.filter(path__in={col for _, col in raw}).order_by("path")
        found = list(units.values_list("path", "code", "name"))
        # Units of fewer than `threshold` people share one column: side by side, their hidden
        # cells would add up (through the totals) to a count of fewer than `threshold` people.
        unit_sizes: dict[str, int] = {}
        for (_, col), (n, *_) in raw.items():
            unit_sizes[col] = unit_sizes.get(col, 0) + n
        small = {path for path, size in unit_sizes.items() if size < threshold}
        keys = {path: (SMALL_UNITS[0] if path in small else code) for path, code, _ in found}
        columns = tuple((code, name) for path, code, name in found if path not in small)
        if small:
            columns += ((SMALL_UNITS[0], SMALL_UNITS[1].format(threshold=threshold)),)
    else:
        found = Requirement.objects.filter(pk__in={int(col) for _, col in raw}).order_by("name", "pk")
        columns = tuple((str(pk), name) for pk, name in found.values_list("pk", "name"))
        keys = {key: key for key, _ in columns}
        sizes: dict[str, int] = {}
        for (_, col), (n, *_) in raw.items():
            sizes[col] = sizes.get(col, 0) + n
        reasons = requirement_refusals(
            measure=measure, sizes=sizes, threshold=threshold, today=today, unit_depth=unit_depth
        )
        refused = tuple((label, reasons[key]) for key, label in columns if key in reasons)
        columns = tuple((key, label) for key, label in columns if key not in reasons)
        keys = {key: key for key, _ in columns}
    known = {value for value, _ in choices.choices}
    cells: dict[tuple[str, str], tuple[int, int, int, int]] = {}
    for (value, col), values in raw.items():
        if col not in keys:
            continue
        cell = (value if value in known else NOT_RECORDED[0], keys[col])
        old = cells.get(cell, (0, 0, 0, 0))
        cells[cell] = tuple(a + b for a, b in zip(old, values, strict=True))
    return PageInputs(
        characteristic=characteristic,
        measure=measure,
        breakdown=breakdown,
        columns=columns,
        cells=cells,
        refused=refused,
        taken_at=timezone.now(),
    )


def protect_inputs(*, inputs: PageInputs, grouping: str = "fine", threshold: int | None = None) -> RatePage:
    """The protected page from its counts: grouped (fine or broader), perturbed, suppressed."""
    if threshold is None:
        threshold = lms_setting("FAIRNESS_THRESHOLD")
    categories_for(inputs.characteristic, grouping)  # validates
    counts: dict[tuple[str, str], int] = {}
    numerators: dict[tuple[str, str], int] = {}
    keys: dict[tuple[str, str], tuple[int, int]] = {}
    for (category, col), (n, k, key_n, key_k) in inputs.cells.items():
        # The key of a union of people is the sum of their keys: grouping keeps the method.
        cell = (group_of(inputs.characteristic, grouping, category), col)
        counts[cell] = counts.get(cell, 0) + n
        numerators[cell] = numerators.get(cell, 0) + k
        old = keys.get(cell, (0, 0))
        keys[cell] = (old[0] + key_n, old[1] + key_k)
    page = rate_page_from_counts(
        characteristic=inputs.characteristic,
        measure=inputs.measure,
        breakdown=inputs.breakdown,
        columns=inputs.columns,
        counts=counts,
        numerators=numerators,
        keys=keys,
        threshold=threshold,
        grouping=grouping,
    )
    return replace(page, refused=inputs.refused, taken_at=inputs.taken_at)


def fairness_page(
    *,
    characteristic: str,
    measure: str,
    breakdown: str,
    grouping: str = "fine",
    threshold: int | None = None,
    today=None,
    unit_depth: int = 2,
) -> RatePage:
    """A measure by `characteristic` and by top-level unit or by requirement, counted now and
    protected (the pages show a weekly release of it: `services.fairness_release_page`).

    Definitions (withdrawn assignments never count; only current cycles; active people):

    * completion: of the assignments that are open or completed and not exempt, the share
      completed (a completion whose validity has run out is not completed);
    * lateness: of the assignments whose due date (an extension's date where there is one) has
      passed, the share completed after it or not completed at all;
    * knowledge check: of the people who attempted a knowledge check, the share with a passing
      attempt at every module they attempted;
    * evaluation: of the people who returned an end-of-course evaluation, the share who rated
      their confidence higher after the course than before.

    By unit a person counts once: completion when all their counted assignments are completed,
    lateness when any is late, and so on. By requirement a person counts once per requirement
    (knowledge checks and evaluations of that requirement's courses), so a row's total across
    requirements counts people-and-requirement pairs, which the page says.
    """
    if threshold is None:
        threshold = lms_setting("FAIRNESS_THRESHOLD")
    categories_for(characteristic, grouping)
    inputs = fairness_inputs(
        characteristic=characteristic,
        measure=measure,
        breakdown=breakdown,
        threshold=threshold,
        today=today,
        unit_depth=unit_depth,
    )
    return protect_inputs(inputs=inputs, grouping=grouping, threshold=threshold)


def rate_page_from_counts(
    *,
    characteristic: str,
    measure: str,
    breakdown: str,
    columns: Sequence[tuple[str, str]],
    counts: dict[tuple[str, str], int],
    numerators: dict[tuple[str, str], int],
    keys: dict[tuple[str, str], tuple[int, int]] | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    grouping: str = "fine",
) -> RatePage:
    """Protect a page from its counts: `{(category, column): people}` and how many of them count
    for the numerator. Pure (no queries), so the protection can be tested on any workforce.

    `keys`: the sums of the record keys of each cell's people and of those counted for the
    numerator. With them every cell is perturbed (`perturbation`) before anything else, and
    the totals are the sums of the perturbed cells (so every table adds up); the primary and
    secondary suppression then work on the perturbed values. Without them (tests of the
    suppression alone) nothing is perturbed."""
    categories = categories_for(characteristic, grouping)
    if measure not in MEASURES or breakdown not in BREAKDOWNS:
        raise ValueError(f"Unknown measure or breakdown: {measure!r}, {breakdown!r}.")
    columns = tuple(columns)
    if keys is not None:
        perturbed_counts, perturbed_numerators = {}, {}
        for cell, n in counts.items():
            key_n, key_k = keys.get(cell, (0, 0))
            perturbed_counts[cell], perturbed_numerators[cell] = perturb_rate_cell(
                count=n, numerator=numerators.get(cell, 0), count_key=key_n, numerator_key=key_k
            )
        counts, numerators = perturbed_counts, perturbed_numerators
    shape = {
        "rows": [key for key, _ in categories],
        "columns": [key for key, _ in columns],
        # Keys of this population only: another measure counts other people.
        "row_margin": f"{measure}/{characteristic}/{grouping}",
        "column_margin": f"{measure}/{breakdown}",
    }
    numerator_term, denominator_term = MEASURE_TERMS[measure]
    label = characteristic.replace("_", " ")
    headcount = Table.from_mapping(
        counts=counts, title=f"People {denominator_term}, by {label} and {BREAKDOWNS[breakdown].lower()}", **shape
    )
    rates = Table.from_mapping(
        counts=counts,
        numerators=numerators,
        measure=measure,
        title=f"{MEASURES[measure]} by {label} and {BREAKDOWNS[breakdown].lower()}",
        **shape,
    )
    # The pages show one "hidden" marker, not the reason: see `disclosure` on why that matters.
    protected_headcount, protected_rates = protect_linked(
        [headcount, rates], threshold=threshold, publish_reasons=False
    )
    return RatePage(
        characteristic=characteristic,
        measure=measure,
        breakdown=breakdown,
        categories=categories,
        columns=columns,
        headcount=protected_headcount,
        rates=protected_rates,
        threshold=threshold,
        grouping=grouping,
        perturbed=keys is not None,
    )
