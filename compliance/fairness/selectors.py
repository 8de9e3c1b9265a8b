"""Fairness-analytics reads: the only code that reads equality-monitoring data.

Everything is counted in the database (GROUP BY); no row that carries a person's
characteristic is ever loaded into Python. What leaves here has been through
`compliance.fairness.disclosure`. Checking the analyst's permission and logging each view or
export is the caller's job.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from compliance.models import Assignment, AssignmentState, EqualityRecord, OrgUnit, Person, Requirement
from compliance.models.equality import CHARACTERISTICS
from courses.conf import lms_setting
from courses.models import Evaluation, KnowledgeCheckAttempt

from .disclosure import DEFAULT_THRESHOLD, ProtectedTable, Table, protect_linked

NOT_RECORDED = ("not_recorded", "Not recorded")


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


@dataclass(frozen=True)
class RatePage:
    """One page of fairness analytics: a measure by a characteristic (rows) and by unit or
    requirement (columns). `headcount` counts the people the measure is about (its
    denominators) and `rates` the measure; both are protected together, so neither can give
    away a value the other hides. Column keys are unit codes or requirement ids (as text)."""

    characteristic: str
    measure: str
    breakdown: str
    categories: tuple[tuple[str, str], ...]
    columns: tuple[tuple[str, str], ...]
    headcount: ProtectedTable
    rates: ProtectedTable
    threshold: int

    @property
    def tables(self) -> tuple[ProtectedTable, ProtectedTable]:
        return (self.headcount, self.rates)

    def category_label(self, key: str) -> str:
        return dict(self.categories)[key]

    def column_label(self, key: str) -> str:
        return dict(self.columns)[key]


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


def fairness_counts(
    *, characteristic: str, measure: str, breakdown: str, today=None, unit_depth: int = 2
) -> dict[tuple[str, str], tuple[int, int]]:
    """`{(stored value, column): (people, people counted in the numerator)}`: one query.

    The per-person rows are grouped again, joined to the equality records, in the database;
    the stored value is '' for no record or a blank one (mapped to "Not recorded" by the
    caller). Columns are unit path prefixes or requirement ids.
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
    outer = (
        f"SELECT {value}, i.col, COUNT(*), SUM(CASE WHEN {numerator} THEN 1 ELSE 0 END) "
        f"FROM ({sql}) i LEFT JOIN {connection.ops.quote_name(record.db_table)} e ON e.{person_column} = i.pid "
        f"WHERE i.d > 0 GROUP BY {value}, i.col"
    )
    with connection.cursor() as cursor:
        cursor.execute(outer, params)
        return {(row[0], str(row[1])): (int(row[2]), int(row[3] or 0)) for row in cursor.fetchall()}


def fairness_page(
    *,
    characteristic: str,
    measure: str,
    breakdown: str,
    threshold: int | None = None,
    today=None,
    unit_depth: int = 2,
) -> RatePage:
    """A measure by `characteristic` and by top-level unit or by requirement, protected. Two
    queries whatever the size of the force.

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
    if measure not in MEASURES:
        raise ValueError(f"Unknown measure {measure!r}: expected one of {', '.join(MEASURES)}.")
    choices = _validate(characteristic)
    raw = fairness_counts(
        characteristic=characteristic, measure=measure, breakdown=breakdown, today=today, unit_depth=unit_depth
    )
    if breakdown == "unit":
        units = OrgUnit.objects.filter(path__in={col for _, col in raw}).order_by("path")
        found = list(units.values_list("path", "code", "name"))
        keys = {path: code for path, code, _ in found}
        columns = tuple((code, name) for _, code, name in found)
    else:
        found = Requirement.objects.filter(pk__in={int(col) for _, col in raw}).order_by("name", "pk")
        columns = tuple((str(pk), name) for pk, name in found.values_list("pk", "name"))
        keys = {key: key for key, _ in columns}
    known = {value for value, _ in choices.choices}
    counts: dict[tuple[str, str], int] = {}
    numerators: dict[tuple[str, str], int] = {}
    for (value, col), (n, k) in raw.items():
        cell = (value if value in known else NOT_RECORDED[0], keys[col])
        counts[cell] = counts.get(cell, 0) + n
        numerators[cell] = numerators.get(cell, 0) + k
    return rate_page_from_counts(
        characteristic=characteristic,
        measure=measure,
        breakdown=breakdown,
        columns=columns,
        counts=counts,
        numerators=numerators,
        threshold=threshold,
    )


def rate_page_from_counts(
    *,
    characteristic: str,
    measure: str,
    breakdown: str,
    columns: Sequence[tuple[str, str]],
    counts: dict[tuple[str, str], int],
    numerators: dict[tuple[str, str], int],
    threshold: int = DEFAULT_THRESHOLD,
) -> RatePage:
    """Protect a page from its counts: `{(category, column): people}` and how many of them count
    for the numerator. Pure (no queries), so the protection can be tested on any workforce."""
    choices = _validate(characteristic)
    if measure not in MEASURES or breakdown not in BREAKDOWNS:
        raise ValueError(f"Unknown measure or breakdown: {measure!r}, {breakdown!r}.")
    categories = (*((value, str(label)) for value, label in choices.choices), NOT_RECORDED)
    columns = tuple(columns)
    shape = {
        "rows": [key for key, _ in categories],
        "columns": [key for key, _ in columns],
        # Keys of this population only: another measure counts other people.
        "row_margin": f"{measure}/{characteristic}",
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
    )
