"""Reading talent programmes: eligibility (set-based, and the same rules for one person with
the reasons), open cohorts, a person's applications, what a line manager is asked to support
and what a selection panel sees.

The panel's and the line manager's lists select only the application's own fields, the
applicant's name, staff number, rank and unit: never a protected characteristic, never the
self-declaration (which has no accessor from an application)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf

from compliance.access import below_q
from compliance.people.models import LeadershipLevel, OrgUnit, Person, PersonFunction, RankChange, WorkerType
from compliance.services.requirements import add_months
from compliance.talent.models import (
    PANEL_STATUSES,
    Application,
    ApplicationStatus,
    Attendance,
    Cohort,
    Milestone,
    SelfDeclaration,
)

# The applicant's fields a panel or a line manager may see with an application.
PANEL_PERSON_FIELDS = (
    "person__id", "person__staff_number", "person__first_name", "person__last_name",
    "person__rank_or_grade", "person__unit__name", "person__line_path", "person__user_id",
)  # fmt: skip
APPLICATION_FIELDS = (
    "id", "cohort_id", "person_id", "status", "statement", "applied_at", "nominated_by_id", "nomination_note",
    "support_by_id", "support_at", "support_note", "shortlisted", "score", "panel_note", "decided_at",
    "decision_reason", "waiting_position", "withdrawn_reason", "created_at", "mentor_id", "plan", "completed_at",
    "completion_note",
)  # fmt: skip


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _cohort_rules(cohort: Cohort) -> tuple[list[str], list[OrgUnit]]:
    return [r.name for r in cohort.ranks.all()], list(cohort.units.all())


def eligibility_q(*, cohort: Cohort, today: datetime.date, prefix: str = "") -> Q:
    """Everyone the cohort's rules admit, as one filter on Person (active people only)."""
    ranks, units = _cohort_rules(cohort)
    q = Q(**{f"{prefix}is_active": True})
    if ranks:
        q &= Q(**{f"{prefix}rank_or_grade__in": ranks})
    if cohort.worker_types:
        q &= Q(**{f"{prefix}worker_type__in": cohort.worker_types})
    if cohort.leadership_levels:
        q &= Q(**{f"{prefix}leadership_level__in": cohort.leadership_levels})
    if cohort.min_service_years:
        q &= Q(**{f"{prefix}start_date__lte": years_before(today, cohort.min_service_years)})
    if units:
        unit_q = Q(pk__in=[])
        for unit in units:
            unit_q |= Q(**{f"{prefix}unit__path__startswith": unit.path})
        q &= unit_q
    return q


def cohort_eligible_people(*, cohort: Cohort, today: datetime.date) -> QuerySet[Person]:
    return Person.objects.filter(eligibility_q(cohort=cohort, today=today))


def eligibility_summary(*, cohort: Cohort) -> list[str]:
    """The cohort's rules in words, for its page and the apply form."""
    ranks, units = _cohort_rules(cohort)
    lines = []
    if ranks:
        lines.append("Rank or grade: " + ", ".join(ranks))
    if cohort.worker_types:
        lines.append("Worker type: " + ", ".join(WorkerType(v).label for v in cohort.worker_types))
    if cohort.leadership_levels:
        lines.append("Leadership level: " + ", ".join(LeadershipLevel(v).label for v in cohort.leadership_levels))
    if cohort.min_service_years:
        lines.append(f"At least {cohort.min_service_years} years' service")
    if units:
        lines.append("Unit: " + ", ".join(u.name for u in units) + " (and the units below them)")
    return lines or ["Everyone in the force"]


def eligibility_refusals(*, cohort: Cohort, person: Person | None, today: datetime.date) -> list[str]:
    """Why this person may not apply, in words (empty: they may). The same rules as
    `eligibility_q`, read from the person already loaded (with `unit`)."""
    if person is None or not person.is_active:
        return ["Only people with a current HR record can apply."]
    ranks, units = _cohort_rules(cohort)
    reasons = []
    if ranks and person.rank_or_grade not in ranks:
        reasons.append(f"It is for {', '.join(ranks)}; your rank or grade is {person.rank_or_grade}.")
    if cohort.worker_types and person.worker_type not in cohort.worker_types:
        reasons.append("It is not open to your worker type.")
    if cohort.leadership_levels and person.leadership_level not in cohort.leadership_levels:
        reasons.append("It is not open to your leadership level.")
    if cohort.min_service_years and person.start_date > years_before(today, cohort.min_service_years):
        reasons.append(f"It needs at least {cohort.min_service_years} years' service.")
    if units and not any(person.unit.path.startswith(u.path) for u in units):
        reasons.append("It is not open to your unit.")
    return reasons


def open_cohorts(*, today: datetime.date) -> list[Cohort]:
    """Cohorts taking applications today, on live programmes, with their rules loaded."""
    return list(
        Cohort.objects.with_rules()
        .filter(applications_open_on__lte=today, applications_close_on__gte=today, programme__live=True)
        .order_by("applications_close_on", "programme__title", "pk")
    )


def cohort_for_apply(*, pk: int) -> Cohort | None:
    return Cohort.objects.with_rules().filter(pk=pk, programme__live=True).first()


def my_applications(*, person: Person | None) -> list[Application]:
    if person is None:
        return []
    return list(
        Application.objects.filter(person=person).select_related("cohort__programme").order_by("-created_at", "-pk")
    )


def my_declarations(*, person: Person | None) -> dict[int, str]:
    """The applicant's own self-declarations, by application: for their own status page only."""
    if person is None:
        return {}
    rows = SelfDeclaration.objects.filter(application__person=person).values_list("application_id", "answer")
    return dict(rows)


def _visible_applications() -> QuerySet[Application]:
    return Application.objects.select_related("person__unit").only(*APPLICATION_FIELDS, *PANEL_PERSON_FIELDS)


def applications_to_support(*, manager: Person | None) -> list[Application]:
    """Applications from people below this manager waiting for their support."""
    if manager is None:
        return []
    return list(
        _visible_applications()
        .select_related("cohort__programme")
        .filter(below_q(line_path=manager.line_path, manager_id=manager.pk, prefix="person__"))
        .filter(status=ApplicationStatus.AWAITING_SUPPORT)
        .order_by("created_at", "pk")
    )


def panel_applications(*, cohort: Cohort) -> list[Application]:
    """What the panel sees: the applications before it, best-scored first, without any
    protected characteristic or self-declaration."""
    return list(
        _visible_applications()
        .filter(cohort=cohort, status__in=PANEL_STATUSES)
        .order_by("-shortlisted", "-score", "waiting_position", "applied_at", "pk")
    )


def cohort_counts(*, cohort: Cohort) -> dict[str, int]:
    rows = Application.objects.filter(cohort=cohort).values("status").annotate(n=Count("pk"))
    counts = dict.fromkeys(ApplicationStatus.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def cohort_milestones(*, cohort: Cohort) -> list[Milestone]:
    return list(Milestone.objects.filter(cohort=cohort).select_related("course", "session"))


def cohort_participants(*, cohort: Cohort) -> list[Application]:
    """Participants (with a place, or completed), their mentor's name and how many milestones
    they attended, for the panel's running view: no protected characteristic, no declaration."""
    return list(
        _visible_applications()
        .select_related("mentor__person")
        .filter(cohort=cohort, status__in=(ApplicationStatus.SELECTED, ApplicationStatus.COMPLETED))
        .annotate(attended=Count("attendance", filter=Q(attendance__attended=True)))
        .order_by("person__last_name", "person__first_name", "pk")
    )


def attendance_map(*, cohort: Cohort) -> dict[tuple[int, int], bool]:
    rows = Attendance.objects.filter(milestone__cohort=cohort).values_list("milestone_id", "application_id", "attended")
    return {(m, a): attended for m, a, attended in rows}


def mentees(*, user) -> list[Application]:
    """The participants this user mentors, with their cohort."""
    return list(
        _visible_applications()
        .select_related("cohort__programme")
        .filter(mentor=user, status__in=(ApplicationStatus.SELECTED, ApplicationStatus.COMPLETED))
        .order_by("cohort__starts_on", "person__last_name", "pk")
    )


def milestones_for(*, applications: list[Application]) -> dict[int, list[tuple[Milestone, bool | None]]]:
    """Each participant's cohort milestones with whether they attended (None: not recorded),
    in two queries however many."""
    cohort_ids = {a.cohort_id for a in applications}
    milestones = list(Milestone.objects.filter(cohort_id__in=cohort_ids).select_related("course", "session"))
    rows = Attendance.objects.filter(application__in=[a.pk for a in applications]).values_list(
        "application_id", "milestone_id", "attended"
    )
    attended = {(a, m): value for a, m, value in rows}
    return {
        a.pk: [(m, attended.get((a.pk, m.pk))) for m in milestones if m.cohort_id == a.cohort_id] for a in applications
    }


# --- Outcomes: what became of the participants, against similar colleagues ---------------------

WINDOWS = (6, 12, 18)  # months after the cohort ended
OUTCOMES = (
    ("promoted", "Promoted"),
    ("specialism", "Moved into a specialism"),
    ("left", "Left the force"),
)


@dataclass(frozen=True)
class OutcomeRow:
    """One outcome within one window: how many participants, their rate, and the rate of similar
    colleagues (the same rank or grade when the cohort started, weighted to the participants'
    mix of ranks). None while the window has not yet ended."""

    key: str
    label: str
    months: int
    ends_on: datetime.date
    participants: int | None
    rate: float | None
    comparison_rate: float | None

    @staticmethod
    def _percent(value: float | None) -> str:
        return "" if value is None else f"{100 * value:.0f}%"

    @property
    def rate_percent(self) -> str:
        return self._percent(self.rate)

    @property
    def comparison_percent(self) -> str:
        return self._percent(self.comparison_rate)


@dataclass(frozen=True)
class CohortReport:
    cohort: Cohort
    applied: int
    offered: int
    completed: int
    withdrawn: int
    comparison_size: int
    outcomes: list[OutcomeRow]

    def outcome(self, key: str, months: int) -> OutcomeRow:
        return next(row for row in self.outcomes if row.key == key and row.months == months)


def _counts_by_rank(people: QuerySet[Person], *, cohort: Cohort) -> dict[str, dict[str, int]]:
    """Per rank or grade held on the cohort's first day: how many people, and how many of them
    were promoted, gained a function or left within each window after its last day. One query."""
    end = cohort.ends_on
    promoted = RankChange.objects.filter(person=OuterRef("pk"), promotion=True, started_on__gt=end).order_by(
        "started_on"
    )
    gained = PersonFunction.objects.filter(person=OuterRef("pk"), gained_on__gt=end).order_by("gained_on")
    history = RankChange.objects.filter(person=OuterRef("pk"))
    held = history.filter(started_on__lte=cohort.starts_on).order_by("-started_on", "-pk")
    left_behind = history.filter(started_on__gt=cohort.starts_on).order_by("started_on", "pk")
    counts = {}
    for months in WINDOWS:
        until = add_months(end, months)
        counts[f"promoted_{months}"] = Count("pk", filter=Q(promoted_on__lte=until))
        counts[f"specialism_{months}"] = Count("pk", filter=Q(gained_on__lte=until))
        counts[f"left_{months}"] = Count("pk", filter=Q(end_date__gt=end, end_date__lte=until))
    rows = (
        people.annotate(
            # The rank held that day: the last change on or before it, else what the first change
            # after it was from, else the rank held now.
            rank_then=Coalesce(
                Subquery(held.values("rank_or_grade")[:1]),
                NullIf(Subquery(left_behind.values("previous_rank_or_grade")[:1]), Value("")),
                F("rank_or_grade"),
            ),
            promoted_on=Subquery(promoted.values("started_on")[:1]),
            gained_on=Subquery(gained.values("gained_on")[:1]),
        )
        .order_by()
        .values("rank_then")
        .annotate(n=Count("pk"), **counts)
    )
    return {row.pop("rank_then"): row for row in rows}


def cohort_report(*, cohort: Cohort, today: datetime.date) -> CohortReport:
    """A cohort for its board: who applied, was offered a place, completed or withdrew, and what
    became of those who completed within 6, 12 and 18 months of its end (promoted, a new function
    or specialism, left the force), from HR's rank history, beside similar colleagues who did not
    take part: serving from the cohort's first day to its last, in a rank or grade a participant
    held on the first day. No protected characteristic is read."""
    offered = Q(offered_at__isnull=False)
    counts = Application.objects.filter(cohort=cohort).aggregate(
        applied=Count("pk", filter=Q(applied_at__isnull=False)),
        offered=Count("pk", filter=offered),
        completed=Count("pk", filter=Q(status=ApplicationStatus.COMPLETED)),
        withdrawn=Count("pk", filter=offered & Q(status=ApplicationStatus.WITHDRAWN)),
    )
    took_part = Application.objects.filter(offered, cohort=cohort).values("person_id")
    participants = Person.objects.filter(
        pk__in=Application.objects.filter(cohort=cohort, status=ApplicationStatus.COMPLETED).values("person_id")
    )
    mine = _counts_by_rank(participants, cohort=cohort)
    serving = Q(start_date__lte=cohort.starts_on) & (Q(end_date__isnull=True) | Q(end_date__gt=cohort.ends_on))
    similar = Person.objects.filter(serving).exclude(pk__in=took_part)
    theirs = _counts_by_rank(similar, cohort=cohort) if mine else {}
    # Only the ranks both groups have: the comparison is weighted to the participants' mix.
    weights = {rank: row["n"] for rank, row in mine.items() if rank in theirs}
    total = sum(row["n"] for row in mine.values())
    outcomes = []
    for key, label in OUTCOMES:
        for months in WINDOWS:
            ends_on = add_months(cohort.ends_on, months)
            done = ends_on < today and total > 0
            count = sum(row[f"{key}_{months}"] for row in mine.values()) if done else None
            comparison = (
                sum(weights[r] * theirs[r][f"{key}_{months}"] / theirs[r]["n"] for r in weights) / sum(weights.values())
                if done and weights
                else None
            )
            outcomes.append(OutcomeRow(key, label, months, ends_on, count, count / total if done else None, comparison))
    return CohortReport(
        cohort=cohort,
        **counts,
        comparison_size=sum(theirs[r]["n"] for r in weights),
        outcomes=outcomes,
    )


def programme_reports(*, programme, today: datetime.date) -> list[CohortReport]:
    """Every cohort of a programme that has started, the latest first."""
    cohorts = Cohort.objects.filter(programme=programme, starts_on__lte=today).select_related("programme")
    return [cohort_report(cohort=cohort, today=today) for cohort in cohorts.order_by("-starts_on", "-pk")]
