"""Representation and progression by protected characteristic: the workforce (headcount by
worker type, leadership level, rank or grade, or unit), promotion and entry into a higher
leadership level over a financial year (from the rank history, `compliance.models.RankChange`),
and taking part in the catalogue's training programmes over a financial year.

The same protection as the training tables (`selectors`): each query counts in the database
(one aggregation per table, joined to the equality records there, with the record keys summed
for the cell-key perturbation); nothing that carries a person's characteristic reaches Python;
every count is perturbed, then threshold and secondary suppression run on the perturbed values
(`disclosure`); columns of fewer than the threshold share one column; and in the workforce view,
where the same people are offered by four breakdowns, a column whose people differ from a column
offered by an earlier breakdown (worker type, then leadership level, then rank or grade, then
unit) by 1 to threshold - 1 people is refused. The counts are kept as weekly releases
(`services`), like the training tables.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf, Substr
from django.utils import timezone

from compliance.equality.models import EqualityRecord
from compliance.people.models import LeadershipLevel, OrgUnit, Person, RankChange, RankOrGrade, WorkerType
from compliance.services.requirements import add_months
from compliance.talent.models import Application, ApplicationStatus, Cohort, TalentProgrammePage
from courses.models import Completion, CoursePage, ProgrammePage

from .disclosure import ProtectedTable, Table, protect_linked
from .perturbation import perturb, perturb_rate_cell, record_key_hash
from .selectors import NOT_RECORDED, PageInputs, _validate, categories_for, group_of

WORKFORCE = "workforce"
WORKFORCE_BREAKDOWNS = {
    "worker_type": "Worker type",
    "leadership_level": "Leadership level",
    "rank": "Rank or grade",
    "unit": "Unit",
}
# A column is refused when it is too close to a column of a breakdown earlier in this order.
BREAKDOWN_ORDER = ("worker_type", "leadership_level", "rank", "unit")
SMALL_COLUMNS = "_smaller"
SMALL_LABELS = {
    "worker_type": "Worker types of fewer than {t} people, together",
    "leadership_level": "Leadership levels of fewer than {t} people, together",
    "rank": "Ranks and grades of fewer than {t} people, together",
    "unit": "Units of fewer than {t} people, together",
}

PROGRESSION_MEASURES = {
    "promotion": "Promotion",
    "leadership_entry": "Entry into a higher leadership level",
}
PARTICIPATION = "participation"
ANY_PROGRAMME = "any"
# What the numerator and the denominator of each rate count, for captions and exports.
RATE_TERMS = {
    "promotion": ("promoted", "in post at the start of the year"),
    "leadership_entry": ("entering a higher leadership level", "in post at the start of the year"),
    PARTICIPATION: ("taking part", "in the workforce during the year"),
}
# How each rate reads in "N times as likely ...".
LIKELY = {
    "promotion": "to be promoted",
    "leadership_entry": "to enter a higher leadership level",
    PARTICIPATION: "to take part",
}
# The financial years offered: this one (to the start of this week) and the two before.
YEARS_OFFERED = 3


# --- periods -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A financial year (1 April to 31 March), or the part of this one before `end`."""

    key: str  # the year it starts, "2026"
    start: datetime.date
    end: datetime.date  # exclusive

    @property
    def label(self) -> str:
        year = int(self.key)
        full = f"April {year} to March {year + 1}"
        if self.end < datetime.date(year + 1, 4, 1):
            last = self.end - datetime.timedelta(days=1)
            return f"{full} (to {last.day} {last:%B %Y})"
        return full


def financial_year_start(day: datetime.date) -> int:
    return day.year if day >= datetime.date(day.year, 4, 1) else day.year - 1


def periods_offered(week: datetime.date) -> list[Period]:
    """This financial year up to the start of the release week, and the complete years before it,
    most recent first. A year to date ends on a Monday, so every look in a week counts the same."""
    this = financial_year_start(week - datetime.timedelta(days=1))
    out = []
    for year in range(this, this - YEARS_OFFERED, -1):
        end = min(datetime.date(year + 1, 4, 1), week)
        out.append(Period(key=str(year), start=datetime.date(year, 4, 1), end=end))
    return out


def period_for(key: str, week: datetime.date) -> Period:
    for period in periods_offered(week):
        if period.key == key:
            return period
    keys = ", ".join(p.key for p in periods_offered(week))
    raise ValueError(f"Unknown period {key!r}: expected one of {keys}.")


# --- counting ------------------------------------------------------------------------------------


def _cells_sql(inner: QuerySet, characteristic: str, extra_columns: Sequence[str]) -> tuple[str, list]:
    """The per-person rows of `inner` (`pid`, the `extra_columns`, optionally `k`) grouped again,
    joined to the equality records, in the database: category, the columns, people, people
    counted, and the sums of their record keys."""
    sql, params = inner.query.sql_with_params()
    record = EqualityRecord._meta
    column = connection.ops.quote_name(record.get_field(characteristic).column)
    person_column = connection.ops.quote_name(record.get_field("person").column)
    value = f"COALESCE(e.{column}, '')"
    key = record_key_hash().sql("i.pid")
    columns = ", ".join(f"i.{name}" for name in extra_columns)
    counted = "i.k" if "k" in inner.query.annotations else "1 = 1"
    outer = (
        f"SELECT {value}, {columns}, COUNT(*), SUM(CASE WHEN {counted} THEN 1 ELSE 0 END), "
        f"SUM({key}), SUM(CASE WHEN {counted} THEN {key} ELSE 0 END) "
        f"FROM ({sql}) i LEFT JOIN {connection.ops.quote_name(record.db_table)} e ON e.{person_column} = i.pid "
        f"GROUP BY {value}, {columns}"
    )
    return outer, list(params)


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def workforce_cells(*, characteristic: str, unit_depth: int = 2) -> list[tuple]:
    """The active workforce by category and by every breakdown at once: rows of (stored value or
    '', worker type, rank or grade, leadership level, top-level unit path, people, sum of their
    record keys). One query."""
    _validate(characteristic)
    inner = (
        Person.objects.filter(is_active=True)
        .order_by()
        .values(
            pid=F("pk"),
            wt=F("worker_type"),
            rk=F("rank_or_grade"),
            lv=F("leadership_level"),
            top=Substr("unit__path", 1, OrgUnit.steplen * unit_depth),
        )
    )
    sql, params = _cells_sql(inner, characteristic, ["wt", "rk", "lv", "top"])
    return [(v, wt, rk, lv, top, int(n), int(kn or 0)) for v, wt, rk, lv, top, n, _, kn, _ in _fetch(sql, params)]


def _merge_small(sizes: dict[str, int], threshold: int) -> dict[str, str]:
    """{column: the column it is shown in}: columns of fewer than `threshold` people share one."""
    return {col: (SMALL_COLUMNS if n < threshold else col) for col, n in sizes.items()}


def workforce_refusals(
    combos: dict[tuple[str, str, str, str], int], *, threshold: int
) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """For each breakdown, {person's value: column shown} and {refused column: reason}.

    `combos`: people by (worker type, rank or grade, level, top-level unit). Every breakdown
    partitions the same people, so within one table and against everyone a column's complement is
    the table's other columns; across breakdowns two columns can hold nearly the same people (a
    unit of all the force's chief inspectors but one). Such a pair, differing by 1 to threshold - 1
    people, would give those people away side by side, so the later breakdown's column (in
    BREAKDOWN_ORDER) is refused, whichever table is asked for first."""
    index = {"worker_type": 0, "rank": 1, "leadership_level": 2, "unit": 3}
    shown: dict[str, dict[str, str]] = {}
    refused: dict[str, dict[str, str]] = {}
    offered: list[tuple[str, str]] = []  # (breakdown, column) already offered
    for breakdown in BREAKDOWN_ORDER:
        i = index[breakdown]
        sizes: dict[str, int] = {}
        for combo, n in combos.items():
            sizes[combo[i]] = sizes.get(combo[i], 0) + n
        column_of = _merge_small(sizes, threshold)
        shown[breakdown] = column_of
        refused[breakdown] = {}
        people: dict[str, int] = {}
        for value, col in column_of.items():
            people[col] = people.get(col, 0) + sizes[value]
        for col in sorted(people):
            for other, other_col in offered:
                j = index[other]
                other_of = shown[other]
                both = sum(
                    n for combo, n in combos.items() if column_of[combo[i]] == col and other_of[combo[j]] == other_col
                )
                other_size = sum(n for combo, n in combos.items() if other_of[combo[j]] == other_col)
                difference = people[col] + other_size - 2 * both
                if 0 < difference < threshold:
                    label = WORKFORCE_BREAKDOWNS[other].lower()
                    refused[breakdown][col] = f"its people differ from those of a {label} by fewer than {threshold}"
                    break
        offered.extend((breakdown, col) for col in sorted(people) if col not in refused[breakdown])
    return shown, refused


def workforce_inputs(*, characteristic: str, breakdown: str, threshold: int, unit_depth: int = 2) -> PageInputs:
    """Count the workforce table in the database: one aggregation query, and one each for the
    units' and the ranks' names and order. Nothing here is fit to show (`protect_workforce`)."""
    choices = _validate(characteristic)
    if breakdown not in WORKFORCE_BREAKDOWNS:
        raise ValueError(f"Unknown breakdown {breakdown!r}: expected one of {', '.join(WORKFORCE_BREAKDOWNS)}.")
    rows = workforce_cells(characteristic=characteristic, unit_depth=unit_depth)
    units = {path: (code, name) for path, code, name in OrgUnit.objects.values_list("path", "code", "name")}
    rank_order = {
        name: i
        for i, name in enumerate(
            RankOrGrade.objects.order_by("kind", "seniority", "name").values_list("name", flat=True)
        )
    }
    combos: dict[tuple[str, str, str, str], int] = {}
    for _, wt, rk, lv, top, n, _ in rows:
        combos[(wt, rk, lv, top)] = combos.get((wt, rk, lv, top), 0) + n
    shown, refused_columns = workforce_refusals(combos, threshold=threshold)
    column_of, refused_here = shown[breakdown], refused_columns[breakdown]
    i = {"worker_type": 1, "rank": 2, "leadership_level": 3, "unit": 4}[breakdown]

    def label(value: str) -> str:
        if breakdown == "worker_type":
            return str(dict(WorkerType.choices).get(value, value))
        if breakdown == "leadership_level":
            return str(dict(LeadershipLevel.choices).get(value, value))
        if breakdown == "unit":
            return units.get(value, (value, value))[1]
        return value

    def order(value: str):
        if breakdown == "worker_type":
            return (WorkerType.values.index(value) if value in WorkerType.values else 99, value)
        if breakdown == "leadership_level":
            return (LeadershipLevel.values.index(value) if value in LeadershipLevel.values else 99, value)
        if breakdown == "rank":
            return (rank_order.get(value, len(rank_order)), value)
        return (0, value)

    def key(value: str) -> str:
        column = column_of[value]
        if column == SMALL_COLUMNS:
            return column
        return units[value][0] if breakdown == "unit" and value in units else value

    values = sorted(column_of, key=order)
    columns: list[tuple[str, str]] = []
    for value in values:
        if column_of[value] != SMALL_COLUMNS and column_of[value] not in refused_here:
            columns.append((key(value), label(value)))
    if SMALL_COLUMNS in column_of.values() and SMALL_COLUMNS not in refused_here:
        columns.append((SMALL_COLUMNS, SMALL_LABELS[breakdown].format(t=threshold)))
    refused = tuple(
        (label(value), refused_here[column_of[value]]) for value in values if column_of[value] in refused_here
    )
    if SMALL_COLUMNS in refused_here:
        refused += ((SMALL_LABELS[breakdown].format(t=threshold), refused_here[SMALL_COLUMNS]),)
    known = {value for value, _ in choices.choices}
    cells: dict[tuple[str, str], tuple[int, int, int, int]] = {}
    for row in rows:
        value, n, kn = row[0], row[5], row[6]
        if column_of[row[i]] in refused_here:
            continue
        cell = (value if value in known else NOT_RECORDED[0], key(row[i]))
        old = cells.get(cell, (0, 0, 0, 0))
        cells[cell] = (old[0] + n, 0, old[2] + kn, 0)
    return PageInputs(
        characteristic=characteristic,
        measure=WORKFORCE,
        breakdown=breakdown,
        columns=tuple(columns),
        cells=cells,
        refused=refused,
        taken_at=timezone.now(),
    )


def _unit_columns(sizes: dict[str, int], threshold: int):
    """Columns by top-level unit, the small ones together: ({path: key}, ((key, label), ...))."""
    found = list(OrgUnit.objects.filter(path__in=set(sizes)).order_by("path").values_list("path", "code", "name"))
    small = {path for path, n in sizes.items() if n < threshold}
    keys = {path: (SMALL_COLUMNS if path in small else code) for path, code, _ in found}
    columns = tuple((code, name) for path, code, name in found if path not in small)
    if small:
        columns += ((SMALL_COLUMNS, SMALL_LABELS["unit"].format(t=threshold)),)
    return keys, columns


def _rate_inputs(
    *, sql: str, params: list, characteristic: str, measure: str, breakdown: str, columns, keys
) -> PageInputs:
    choices = _validate(characteristic)
    known = {value for value, _ in choices.choices}
    cells: dict[tuple[str, str], tuple[int, int, int, int]] = {}
    for value, col, n, k, kn, kk in _fetch(sql, params):
        col = str(col)
        if col not in keys:
            continue
        cell = (value if value in known else NOT_RECORDED[0], keys[col])
        old = cells.get(cell, (0, 0, 0, 0))
        cells[cell] = (old[0] + int(n), old[1] + int(k or 0), old[2] + int(kn or 0), old[3] + int(kk or 0))
    return PageInputs(
        characteristic=characteristic,
        measure=measure,
        breakdown=breakdown,
        columns=tuple(columns),
        cells=cells,
        taken_at=timezone.now(),
    )


def progression_inputs(*, characteristic: str, measure: str, period: Period, threshold: int) -> PageInputs:
    """Promotion (or entry into a higher leadership level) in `period`, by category and by the
    leadership level people held at its start. One aggregation query.

    The people: everyone in post at the start of the period (joined before it, not left before
    it). Their level then is their last recorded level before the start; without one, the level
    they left in their first change after it; without that, their level now. Promoted: a change
    recorded as a promotion (or as a higher leadership level) starting in the period."""
    _validate(characteristic)
    if measure not in PROGRESSION_MEASURES:
        raise ValueError(f"Unknown measure {measure!r}: expected one of {', '.join(PROGRESSION_MEASURES)}.")
    history = RankChange.objects.filter(person=OuterRef("pk"))
    before = history.filter(started_on__lt=period.start).order_by("-started_on", "-pk")
    after = history.filter(started_on__gte=period.start).order_by("started_on", "pk")
    level = Coalesce(
        Subquery(before.values("leadership_level")[:1]),
        NullIf(Subquery(after.values("previous_leadership_level")[:1]), Value("")),
        F("leadership_level"),
    )
    flag = Q(promotion=True) if measure == "promotion" else Q(level_entry=True)
    moved = history.filter(flag, started_on__gte=period.start, started_on__lt=period.end)
    inner = (
        Person.objects.filter(start_date__lt=period.start)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=period.start))
        .order_by()
        .values(pid=F("pk"), col=level, k=Exists(moved))
    )
    if measure == "leadership_entry":
        inner = inner.exclude(col=LeadershipLevel.SENIOR)
    sql, params = _cells_sql(inner, characteristic, ["col"])
    levels = [(value, str(label)) for value, label in LeadershipLevel.choices]
    if measure == "leadership_entry":
        levels = [(value, label) for value, label in levels if value != LeadershipLevel.SENIOR]
    return _rate_inputs(
        sql=sql,
        params=params,
        characteristic=characteristic,
        measure=measure,
        breakdown=period.key,
        columns=levels,
        keys={value: value for value, _ in levels},
    )


# A talent programme is chosen as "talent-<page id>" (a place on one of its cohorts) or
# "talent-<page id>-promoted" (promoted within 18 months of completing one).
TALENT = re.compile(r"^talent-(\d+)(-promoted)?$")
TALENT_OUTCOME_MONTHS = 18


def programmes() -> list[tuple[str, str]]:
    """The programmes offered: every live programme of the catalogue, then every live talent
    programme twice (taking part, and promoted after completing), by title."""
    training = ProgrammePage.objects.live().order_by("title", "pk").values_list("pk", "title")
    talent = TalentProgrammePage.objects.live().order_by("title", "pk").values_list("pk", "title")
    return [(str(pk), title) for pk, title in training] + [
        choice
        for pk, title in talent
        for choice in (
            (f"talent-{pk}", f"{title}: given a place"),
            (f"talent-{pk}-promoted", f"{title}: promoted within {TALENT_OUTCOME_MONTHS} months of completing"),
        )
    ]


def _talent_measure(programme: str, period: Period) -> tuple[Q, Exists] | None:
    """For a talent programme: who is counted, and who of them counts. Given a place: of the
    workforce in the period, those offered a place on a cohort of it running in the period.
    Promoted: of those who completed a cohort of it that ended in the period, those promoted
    (HR's rank history) within 18 months of its end. None for a training programme."""
    found = TALENT.match(programme)
    if found is None:
        return None
    if not TalentProgrammePage.objects.live().filter(pk=int(found[1])).exists():
        raise ValueError(f"Unknown programme {programme!r}.")
    cohorts = Cohort.objects.filter(programme_id=int(found[1]))
    if not found[2]:
        ran = cohorts.filter(starts_on__lt=period.end, ends_on__gte=period.start)
        placed = Application.objects.filter(person=OuterRef("pk"), offered_at__isnull=False, cohort__in=ran)
        return Q(), Exists(placed)
    ended = cohorts.filter(ends_on__gte=period.start, ends_on__lt=period.end)
    completed = Application.objects.filter(status=ApplicationStatus.COMPLETED, cohort__in=ended)
    promoted = Q(pk__isnull=True)  # nobody, unless a cohort ended in the year
    for pk, ends_on in ended.values_list("pk", "ends_on"):
        after = RankChange.objects.filter(
            person=OuterRef("person_id"),
            promotion=True,
            started_on__gt=ends_on,
            started_on__lte=add_months(ends_on, TALENT_OUTCOME_MONTHS),
        )
        promoted |= Q(cohort_id=pk) & Q(Exists(after))
    window = completed.filter(promoted, person=OuterRef("pk"))
    return Q(pk__in=completed.values("person_id")), Exists(window)


def _completed_in(programme: str, period: Period) -> QuerySet[Completion]:
    """The completions (not voided) dated in the period of a course of the training programme
    (any programme of the catalogue, for ANY_PROGRAMME), of the person outside."""
    found = ProgrammePage.objects.live()
    if programme != ANY_PROGRAMME:
        found = found.filter(pk=int(programme)) if programme.isdigit() else found.none()
    paths = list(found.values_list("path", flat=True))
    if programme != ANY_PROGRAMME and not paths:
        raise ValueError(f"Unknown programme {programme!r}.")
    courses = Q()
    for path in paths:
        courses |= Q(path__startswith=path)
    course_ids = CoursePage.objects.filter(courses).values("pk") if paths else CoursePage.objects.none().values("pk")
    start = timezone.make_aware(datetime.datetime.combine(period.start, datetime.time()))
    end = timezone.make_aware(datetime.datetime.combine(period.end, datetime.time()))
    return Completion.objects.filter(
        user=OuterRef("user_id"),
        voided_at__isnull=True,
        completed_at__gte=start,
        completed_at__lt=end,
        course_id__in=course_ids,
    )


def participation_inputs(
    *, characteristic: str, programme: str, period: Period, threshold: int, unit_depth: int = 2
) -> PageInputs:
    """Taking part in a programme (or any) in `period`: of the people in the workforce at some
    time in the period, those with a completion (not voided) of one of the programme's courses
    dated in it, by category and top-level unit (units of fewer than `threshold` people
    together). One aggregation query, one for the programme, one for the units."""
    _validate(characteristic)
    counted, took_part = _talent_measure(programme, period) or (Q(), Exists(_completed_in(programme, period)))
    prefix = OrgUnit.steplen * unit_depth
    inner = (
        Person.objects.filter(start_date__lt=period.end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=period.start))
        .filter(counted)
        .order_by()
        .values(pid=F("pk"), col=Substr("unit__path", 1, prefix), k=took_part)
    )
    sql, params = _cells_sql(inner, characteristic, ["col"])
    rows = _fetch(sql, params)
    sizes: dict[str, int] = {}
    for _, col, n, *_ in rows:
        sizes[col] = sizes.get(col, 0) + int(n)
    keys, columns = _unit_columns(sizes, threshold)
    choices = _validate(characteristic)
    known = {value for value, _ in choices.choices}
    cells: dict[tuple[str, str], tuple[int, int, int, int]] = {}
    for value, col, n, k, kn, kk in rows:
        if col not in keys:
            continue
        cell = (value if value in known else NOT_RECORDED[0], keys[col])
        old = cells.get(cell, (0, 0, 0, 0))
        cells[cell] = (old[0] + int(n), old[1] + int(k or 0), old[2] + int(kn or 0), old[3] + int(kk or 0))
    return PageInputs(
        characteristic=characteristic,
        measure=PARTICIPATION,
        breakdown=f"{period.key}:{programme}",
        columns=columns,
        cells=cells,
        taken_at=timezone.now(),
    )


# --- protection ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkforcePage:
    """Headcount by category (rows) and by a breakdown's columns, perturbed and protected. The
    column totals (a rank's or a unit's headcount) and the grand total are treated as known
    anyway (the organisation chart), so never hidden."""

    characteristic: str
    breakdown: str
    grouping: str
    categories: tuple[tuple[str, str], ...]
    columns: tuple[tuple[str, str], ...]
    table: ProtectedTable
    threshold: int
    refused: tuple[tuple[str, str], ...] = ()
    taken_at: datetime.datetime | None = None


@dataclass(frozen=True)
class ProgressPage:
    """A rate by category (rows) and by column, perturbed and protected with its headcount:
    promotion or leadership entry by starting level, or taking part in a programme by unit."""

    measure: str
    characteristic: str
    breakdown: str
    grouping: str
    categories: tuple[tuple[str, str], ...]
    columns: tuple[tuple[str, str], ...]
    headcount: ProtectedTable
    rates: ProtectedTable
    threshold: int
    refused: tuple[tuple[str, str], ...] = ()
    taken_at: datetime.datetime | None = None

    @property
    def tables(self) -> tuple[ProtectedTable, ProtectedTable]:
        return (self.headcount, self.rates)


def _grouped(inputs: PageInputs, grouping: str):
    counts: dict[tuple[str, str], int] = {}
    numerators: dict[tuple[str, str], int] = {}
    keys: dict[tuple[str, str], tuple[int, int]] = {}
    for (category, col), (n, k, key_n, key_k) in inputs.cells.items():
        cell = (group_of(inputs.characteristic, grouping, category), col)
        counts[cell] = counts.get(cell, 0) + n
        numerators[cell] = numerators.get(cell, 0) + k
        old = keys.get(cell, (0, 0))
        keys[cell] = (old[0] + key_n, old[1] + key_k)
    return counts, numerators, keys


def protect_workforce(*, inputs: PageInputs, grouping: str, threshold: int) -> WorkforcePage:
    """The protected workforce table from its counts: grouped, perturbed, suppressed."""
    categories = categories_for(inputs.characteristic, grouping)
    counts, _, keys = _grouped(inputs, grouping)
    perturbed = {cell: perturb(count=n, key_sum=keys[cell][0]) for cell, n in counts.items()}
    label = inputs.characteristic.replace("_", " ")
    table = Table.from_mapping(
        rows=[key for key, _ in categories],
        columns=[key for key, _ in inputs.columns],
        counts=perturbed,
        title=f"Headcount by {label} and {WORKFORCE_BREAKDOWNS[inputs.breakdown].lower()}",
        row_margin=f"{WORKFORCE}/{inputs.characteristic}/{grouping}",
        column_margin=f"{WORKFORCE}/{inputs.breakdown}",
        public_column_totals=True,
        public_grand_total=True,
    )
    (protected,) = protect_linked([table], threshold=threshold, publish_reasons=False)
    return WorkforcePage(
        characteristic=inputs.characteristic,
        breakdown=inputs.breakdown,
        grouping=grouping,
        categories=categories,
        columns=inputs.columns,
        table=protected,
        threshold=threshold,
        refused=inputs.refused,
        taken_at=inputs.taken_at,
    )


def protect_progress(*, inputs: PageInputs, grouping: str, threshold: int, column_noun: str) -> ProgressPage:
    """The protected rate page (people, and those counted) from its counts."""
    categories = categories_for(inputs.characteristic, grouping)
    counts, numerators, keys = _grouped(inputs, grouping)
    pc, pn = {}, {}
    for cell, n in counts.items():
        pc[cell], pn[cell] = perturb_rate_cell(
            count=n, numerator=numerators[cell], count_key=keys[cell][0], numerator_key=keys[cell][1]
        )
    measure = inputs.measure
    numerator_term, denominator_term = RATE_TERMS[measure]
    label = inputs.characteristic.replace("_", " ")
    shape = {
        "rows": [key for key, _ in categories],
        "columns": [key for key, _ in inputs.columns],
        "row_margin": f"{measure}/{inputs.breakdown}/{inputs.characteristic}/{grouping}",
        "column_margin": f"{measure}/{inputs.breakdown}",
    }
    headcount = Table.from_mapping(counts=pc, title=f"People {denominator_term}, by {label} and {column_noun}", **shape)
    title = PROGRESSION_MEASURES.get(measure, "Taking part")
    rates = Table.from_mapping(
        counts=pc, numerators=pn, measure=measure, title=f"{title} by {label} and {column_noun}", **shape
    )
    protected_headcount, protected_rates = protect_linked(
        [headcount, rates], threshold=threshold, publish_reasons=False
    )
    return ProgressPage(
        measure=measure,
        characteristic=inputs.characteristic,
        breakdown=inputs.breakdown,
        grouping=grouping,
        categories=categories,
        columns=inputs.columns,
        headcount=protected_headcount,
        rates=protected_rates,
        threshold=threshold,
        refused=inputs.refused,
        taken_at=inputs.taken_at,
    )
