"""Reads for the team, command and force views.

Everything here is set-based: the numbers are counted by the database with the engine's one
status definition (`compliance.selectors.assignments.status_expression`) grouped with
`values().annotate(Count)`, so the number of queries does not depend on how many people a
viewer can see. Who may see what is decided once, as a `Scope`, and every read takes one.
"""

import calendar
import datetime
from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Lower, Substr
from django.utils import timezone

from compliance.access import Scope
from compliance.models import Assignment, AssignmentEvent, AssignmentState, ExtensionRequest, Requirement, TriggerKind
from compliance.people.models import OrgUnit, Person, WorkerType
from compliance.selectors.assignments import STATUS_ORDER, Status, assignments_with_status
from courses.models import BookingStatus, FaceToFaceSession

# The statuses a report shows, most urgent first (withdrawn assignments are never reported).
REPORT_STATUSES = list(STATUS_ORDER)
# Outstanding work: what a manager should act on.
OUTSTANDING = (Status.OVERDUE, Status.DUE_SOON, Status.EXTENDED, Status.IN_PROGRESS, Status.NOT_STARTED)


# --- assignments in a scope ---------------------------------------------------------------


def scope_assignments(*, scope: Scope, today: datetime.date | None = None) -> QuerySet[Assignment]:
    """Current, non-withdrawn assignments of the people in scope, with `status` and `effective_due`."""
    qs = Assignment.objects.filter(scope.person_q("person__"), is_current=True).exclude(state=AssignmentState.WITHDRAWN)
    return assignments_with_status(qs, today=today or timezone.localdate())


@dataclass(frozen=True)
class TeamFilters:
    """Validated filters for a list of assignments. Empty values mean no filter."""

    unit: OrgUnit | None = None
    requirement: Requirement | None = None
    status: str = ""
    rank: str = ""
    search: str = ""
    sort: str = "due"


SORTS = {
    "due": ("effective_due", "person__last_name", "pk"),
    "-due": ("-effective_due", "person__last_name", "pk"),
    "name": ("person__last_name", "person__first_name", "person__staff_number", "effective_due", "pk"),
    "-name": ("-person__last_name", "-person__first_name", "-person__staff_number", "effective_due", "pk"),
    "staff_number": ("person__staff_number", "effective_due", "pk"),
    "requirement": ("requirement__name", "effective_due", "pk"),
    "status": ("status_rank", "effective_due", "pk"),
    "unit": ("person__unit__name", "person__last_name", "effective_due", "pk"),
    "rank": ("person__rank_or_grade", "person__last_name", "effective_due", "pk"),
}
SORT_LABELS = {
    "due": "Due date, soonest first",
    "-due": "Due date, latest first",
    "name": "Name, A to Z",
    "-name": "Name, Z to A",
    "staff_number": "Staff number",
    "requirement": "Training",
    "status": "Status, most urgent first",
    "unit": "Unit",
    "rank": "Rank or grade",
}


def _status_rank() -> Case:
    return Case(
        *[When(status=s, then=Value(i)) for i, s in enumerate(REPORT_STATUSES)],
        default=Value(len(REPORT_STATUSES)),
        output_field=IntegerField(),
    )


def filter_assignments(queryset: QuerySet[Assignment], *, filters: TeamFilters, with_status=True) -> QuerySet:
    """Apply the list filters (all but status when `with_status` is False: the status counts
    are shown for every status, so the counts work as the status filter's choices)."""
    qs = queryset
    if filters.unit is not None:
        qs = qs.filter(person__unit__path__startswith=filters.unit.path)
    if filters.requirement is not None:
        qs = qs.filter(requirement=filters.requirement)
    if filters.rank:
        qs = qs.filter(person__rank_or_grade=filters.rank)
    if filters.search:
        term = filters.search.strip()
        words = term.split()
        name_q = Q()
        for word in words:
            name_q &= Q(person__first_name__icontains=word) | Q(person__last_name__icontains=word)
        qs = qs.filter(Q(person__staff_number__iexact=term) | name_q)
    if with_status and filters.status:
        qs = qs.filter(status=filters.status)
    return qs


def team_assignment_rows(*, scope: Scope, filters: TeamFilters, today: datetime.date | None = None) -> QuerySet:
    """The list: one row per assignment, with the person, unit and requirement in the same query."""
    qs = filter_assignments(scope_assignments(scope=scope, today=today), filters=filters)
    if filters.sort == "status":
        qs = qs.annotate(status_rank=_status_rank())
    return qs.select_related("person__unit", "requirement").order_by(*SORTS.get(filters.sort, SORTS["due"]))


def status_counts(queryset: QuerySet[Assignment]) -> dict[str, int]:
    """Counts by status in one GROUP BY, every reported status present (zero when none)."""
    counts = dict.fromkeys(REPORT_STATUSES, 0)
    for row in queryset.order_by().values("status").annotate(n=Count("pk")):
        if row["status"] in counts:
            counts[row["status"]] = row["n"]
    return counts


# --- rates by requirement, unit, rank, worker type ------------------------------------------


@dataclass
class RateRow:
    """Counts by status for one group, and the completion rate: completed as a share of
    everything assigned except exemptions (an expired completion does not count)."""

    key: str
    label: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(REPORT_STATUSES, 0))
    code: str = ""

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def completed(self) -> int:
        return self.counts[Status.COMPLETED]

    @property
    def exempt(self) -> int:
        return self.counts[Status.EXEMPT]

    @property
    def overdue(self) -> int:
        return self.counts[Status.OVERDUE]

    @property
    def due_soon(self) -> int:
        return self.counts[Status.DUE_SOON]

    @property
    def outstanding(self) -> int:
        return sum(self.counts[s] for s in OUTSTANDING) + self.counts[Status.EXPIRED]

    @property
    def denominator(self) -> int:
        return self.total - self.exempt

    @property
    def rate(self) -> float | None:
        """Completion rate in per cent, one decimal; None when nothing is assigned."""
        if not self.denominator:
            return None
        return round(100 * self.completed / self.denominator, 1)

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "total": self.total,
            "completed": self.completed,
            "exempt": self.exempt,
            "overdue": self.overdue,
            "due_soon": self.due_soon,
            "outstanding": self.outstanding,
            "rate": self.rate,
            "counts": dict(self.counts),
        }


def _pivot(rows, key_name: str, labels: dict[str, str]) -> dict[str, RateRow]:
    result: dict[str, RateRow] = {}
    for row in rows:
        key = row[key_name]
        key = "" if key is None else str(key)
        if key not in result:
            result[key] = RateRow(key=key, label=labels.get(key, key or "Not recorded"))
        if row["status"] in result[key].counts:
            result[key].counts[row["status"]] += row["n"]
    return result


def rates_total(rows: list[RateRow], label: str = "All") -> RateRow:
    total = RateRow(key="", label=label)
    for row in rows:
        for status, n in row.counts.items():
            total.counts[status] += n
    return total


def rates_by_requirement(*, queryset: QuerySet[Assignment]) -> list[RateRow]:
    """One row per requirement with anything assigned, by name. Two queries."""
    grouped = queryset.order_by().values("requirement_id", "status").annotate(n=Count("pk"))
    pivot = _pivot(grouped, "requirement_id", {})
    names = dict(Requirement.objects.filter(pk__in=[int(k) for k in pivot]).values_list("pk", "name"))
    for key, row in pivot.items():
        row.label = names.get(int(key), key)
    return sorted(pivot.values(), key=lambda r: r.label.lower())


BREAKDOWNS = {
    "requirement": "Training",
    "unit": "Unit",
    "rank": "Rank or grade",
    "worker_type": "Worker type",
}


def rates_by(*, scope: Scope, dimension: str, today: datetime.date | None = None) -> list[RateRow]:
    """Completion by requirement, top-level unit, rank or grade, or worker type."""
    qs = scope_assignments(scope=scope, today=today)
    if dimension == "requirement":
        return rates_by_requirement(queryset=qs)
    if dimension == "unit":
        return unit_rows(scope=scope, parent=_default_parent(scope), today=today)[0]
    if dimension == "rank":
        grouped = qs.order_by().values("person__rank_or_grade", "status").annotate(n=Count("pk"))
        pivot = _pivot(grouped, "person__rank_or_grade", {})
        return sorted(pivot.values(), key=lambda r: r.label.lower())
    if dimension == "worker_type":
        grouped = qs.order_by().values("person__worker_type", "status").annotate(n=Count("pk"))
        pivot = _pivot(grouped, "person__worker_type", dict(WorkerType.choices))
        return sorted(pivot.values(), key=lambda r: r.label.lower())
    raise ValueError(f"Unknown breakdown {dimension!r}: expected one of {', '.join(BREAKDOWNS)}.")


def _default_parent(scope: Scope) -> OrgUnit | None:
    """The unit a command view starts from: the viewer's unit, or the force's one root unit."""
    if scope.unit_path is not None:
        return OrgUnit.objects.filter(path=scope.unit_path).first()
    roots = list(OrgUnit.get_root_nodes()[:2])
    return roots[0] if len(roots) == 1 else None


def command_root(*, scope: Scope) -> OrgUnit | None:
    return _default_parent(scope)


@dataclass
class UnitMatrix:
    """Units (rows, each counting its whole subtree) by requirements (columns)."""

    parent: OrgUnit | None
    units: list[RateRow]
    requirements: list[tuple[int, str]]
    cells: dict[tuple[str, int], RateRow]
    totals: RateRow

    def rows(self):
        for unit in self.units:
            yield unit, [self.cells.get((unit.key, pk)) for pk, _ in self.requirements]

    def by_requirement(self) -> list[RateRow]:
        """The columns' totals: the same as `rates_by_requirement` over the whole matrix, without
        another pass over the assignments."""
        totals = {pk: RateRow(key=str(pk), label=name) for pk, name in self.requirements}
        for (_, pk), cell in self.cells.items():
            for status, n in cell.counts.items():
                totals[pk].counts[status] += n
        return list(totals.values())


def unit_rows(
    *, scope: Scope, parent: OrgUnit | None, today: datetime.date | None = None
) -> tuple[list[RateRow], UnitMatrix]:
    """Group the scope's assignments by the child of `parent` each person's unit sits under
    (a prefix of the unit path) and by requirement: one GROUP BY, whatever the size."""
    qs = scope_assignments(scope=scope, today=today)
    steplen = OrgUnit.steplen
    if parent is not None:
        qs = qs.filter(person__unit__path__startswith=parent.path)
        children = list(parent.get_children().values_list("path", "name", "code"))
        length = len(parent.path) + steplen
    else:
        children = list(OrgUnit.get_root_nodes().values_list("path", "name", "code"))
        length = steplen
    grouped = (
        qs.order_by()
        .values("requirement_id", "status", prefix=Substr("person__unit__path", 1, length))
        .annotate(n=Count("pk"))
    )
    labels = {path: name for path, name, _ in children}
    codes = {path: code for path, _, code in children}
    if parent is not None:
        labels[parent.path] = f"{parent.name} (people placed directly in it)"
        codes[parent.path] = parent.code
    units: dict[str, RateRow] = {}
    cells: dict[tuple[str, int], RateRow] = {}
    requirement_ids = set()
    for row in grouped:
        prefix, rid, status = row["prefix"], row["requirement_id"], row["status"]
        if status not in REPORT_STATUSES:
            continue
        requirement_ids.add(rid)
        unit = units.setdefault(prefix, RateRow(key=prefix, label=labels.get(prefix, prefix)))
        unit.counts[status] += row["n"]
        cell = cells.setdefault((prefix, rid), RateRow(key=str(rid), label=""))
        cell.counts[status] += row["n"]
    requirements = sorted(
        Requirement.objects.filter(pk__in=requirement_ids).values_list("pk", "name"), key=lambda r: r[1].lower()
    )
    ordered = sorted(units.values(), key=lambda r: (r.key == (parent.path if parent else None), r.label.lower()))
    for row in ordered:
        row.code = codes.get(row.key, "")
    matrix = UnitMatrix(
        parent=parent, units=ordered, requirements=requirements, cells=cells, totals=rates_total(ordered)
    )
    return ordered, matrix


def unit_matrix(*, scope: Scope, parent: OrgUnit | None, today: datetime.date | None = None) -> UnitMatrix:
    return unit_rows(scope=scope, parent=parent, today=today)[1]


# --- trend and campaigns ------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    month: datetime.date  # the last day of the month (today for the current month)
    due: int
    completed: int

    @property
    def rate(self) -> float | None:
        return round(100 * self.completed / self.due, 1) if self.due else None

    @property
    def label(self) -> str:
        return self.month.strftime("%b %Y")


def month_ends(*, today: datetime.date, months: int = 12) -> list[datetime.date]:
    """The last day of each of the `months` months ending with this one (today for this one)."""
    ends = []
    year, month = today.year, today.month
    for _ in range(months):
        last = datetime.date(year, month, calendar.monthrange(year, month)[1])
        ends.append(min(last, today))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(ends))


def monthly_trend(
    *, scope: Scope, today: datetime.date | None = None, months: int = 12, requirement: Requirement | None = None
) -> list[TrendPoint]:
    """Completion over the last 12 months, from the dates on the assignments: one query.

    For each month end, `due` counts the assignments (of every cycle, of the people now in
    scope) whose effective due date had passed by then, and `completed` those among them that
    had been completed by then (`satisfied_on`). The rate is the share of what was due that
    was done, late or not. Assignments withdrawn or exempt today are left out of every month,
    and an extension counts from the start (its new date replaces the old one): the ledger
    would give the exact history, at the cost of reading every event; the dates give the
    shape of the year in a single pass over the assignments.
    """
    today = today or timezone.localdate()
    qs = Assignment.objects.filter(scope.person_q("person__"), exemption__isnull=True).exclude(
        state=AssignmentState.WITHDRAWN
    )
    if requirement is not None:
        qs = qs.filter(requirement=requirement)
    qs = qs.annotate(eff_due=Coalesce("extended_due_date", "due_date"))
    ends = month_ends(today=today, months=months)
    aggregates = {}
    for i, end in enumerate(ends):
        aggregates[f"due_{i}"] = Count("pk", filter=Q(eff_due__lte=end))
        aggregates[f"done_{i}"] = Count("pk", filter=Q(eff_due__lte=end, satisfied_on__lte=end))
    result = qs.order_by().aggregate(**aggregates)
    return [
        TrendPoint(month=end, due=result[f"due_{i}"] or 0, completed=result[f"done_{i}"] or 0)
        for i, end in enumerate(ends)
    ]


@dataclass
class CampaignProgress:
    requirement_id: int
    name: str
    deadline: datetime.date
    days_left: int
    row: RateRow

    @property
    def remaining(self) -> int:
        return self.row.denominator - self.row.completed


def campaign_progress(
    *, scope: Scope, today: datetime.date | None = None, by_requirement: list[RateRow] | None = None
) -> list[CampaignProgress]:
    """Fixed-date requirements still active: completed against remaining, and the days left
    to the force deadline (negative once it has passed). Two queries, or one when the counts by
    requirement for the same scope are given (as the command view has them already)."""
    today = today or timezone.localdate()
    campaigns = list(
        Requirement.objects.filter(trigger=TriggerKind.FIXED_DATE, active_from__lte=today)
        .filter(Q(active_to__isnull=True) | Q(active_to__gte=today))
        .order_by("fixed_due_date", "name")
        .values_list("pk", "name", "fixed_due_date")
    )
    if not campaigns:
        return []
    if by_requirement is not None:
        pivot = {row.key: row for row in by_requirement}
    else:
        grouped = (
            scope_assignments(scope=scope, today=today)
            .filter(requirement_id__in=[pk for pk, _, _ in campaigns])
            .order_by()
            .values("requirement_id", "status")
            .annotate(n=Count("pk"))
        )
        pivot = _pivot(grouped, "requirement_id", {})
    return [
        CampaignProgress(
            requirement_id=pk,
            name=name,
            deadline=deadline,
            days_left=(deadline - today).days,
            row=pivot.get(str(pk), RateRow(key=str(pk), label=name)),
        )
        for pk, name, deadline in campaigns
    ]


# --- choices for the filters, and what a manager must decide --------------------------------


def scope_filter_choices(*, scope: Scope) -> dict:
    """Units and ranks present among the people in scope (one query on people, never on their
    assignments), and every requirement (a short list)."""
    pairs = set(scope.people().order_by().values_list("unit__code", "unit__name", "rank_or_grade").distinct())
    units = sorted({(code, name) for code, name, _ in pairs}, key=lambda u: (u[1].lower(), u[0]))
    ranks = sorted({rank for _, _, rank in pairs}, key=str.lower)
    requirements = list(Requirement.objects.order_by("name").values_list("pk", "name"))
    return {"units": units, "ranks": ranks, "requirements": requirements}


def pending_extension_requests(*, scope: Scope, limit: int | None = None) -> QuerySet[ExtensionRequest]:
    # Requests for more time; requests for an exemption are decided on the requests page.
    qs = (
        ExtensionRequest.objects.filter(
            scope.person_q("assignment__person__"), status=ExtensionRequest.Status.PENDING, kind="more_time"
        )
        .select_related("assignment__person", "assignment__requirement")
        .order_by("requested_at", "pk")
    )
    return qs[:limit] if limit else qs


def person_pending_requests(*, person: Person) -> QuerySet[ExtensionRequest]:
    return (
        ExtensionRequest.objects.filter(
            assignment__person=person, status=ExtensionRequest.Status.PENDING, kind="more_time"
        )
        .select_related("assignment__requirement")
        .order_by("requested_at", "pk")
    )


def person_history(*, person: Person) -> QuerySet[AssignmentEvent]:
    """The ledger of a person's assignments (every cycle), newest first, with who acted."""
    return (
        AssignmentEvent.objects.filter(assignment__person=person)
        .select_related("assignment__requirement", "actor")
        .order_by("-at", "-pk")
    )


def overdue_list(*, scope: Scope, today: datetime.date | None = None) -> QuerySet:
    """Overdue assignments in scope, the longest overdue first."""
    return (
        scope_assignments(scope=scope, today=today)
        .filter(status=Status.OVERDUE)
        .select_related("person__unit", "requirement")
        .order_by("effective_due", Lower("person__last_name"), "pk")
    )


# --- face-to-face sessions ahead ------------------------------------------------------------


def sessions_with_places(*, start: datetime.date, end: datetime.date) -> list:
    """Sessions not cancelled that start on a day from `start` up to `end`, earliest first, with
    their confirmed bookings (`booked`) and places left (`places_left`); one query."""
    tz = timezone.get_current_timezone()
    sessions = (
        FaceToFaceSession.objects.filter(
            cancelled=False,
            starts_at__gte=datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
            starts_at__lt=datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz),
        )
        .select_related("course")
        .annotate(booked=Count("bookings", filter=Q(bookings__status=BookingStatus.BOOKED)))
        .order_by("starts_at", "pk")
    )
    for session in sessions:
        session.places_left = max(session.capacity - session.booked, 0)
    return list(sessions)
