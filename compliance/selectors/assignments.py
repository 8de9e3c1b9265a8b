"""Reads of assignments, and the one definition of an assignment's status.

`assignment_status` (Python, for one assignment) and `assignments_with_status` (a SQL
expression, for lists, counts and reports) implement the same rules, in this order:

withdrawn > completed (valid until) > expired > exempt > overdue > extended > due soon >
in progress > not started.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Case, CharField, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from compliance.models import (
    Assignment,
    AssignmentEvent,
    AssignmentState,
    EventKind,
    ExemptionDecider,
    ExtensionRequest,
    RecurrenceKind,
    RequestKind,
    Requirement,
    TriggerKind,
)
from compliance.people.models import Person
from compliance.selectors.requirements import requirement_audience_summary
from courses.dates import long_date

DUE_SOON_DAYS = 30


class Status:
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    COMPLETED = "completed"
    EXPIRED = "expired"
    EXEMPT = "exempt"
    EXTENDED = "extended"
    WITHDRAWN = "withdrawn"

    LABELS = {
        "not_started": "Not started",
        "in_progress": "In progress",
        "due_soon": "Due soon",
        "overdue": "Overdue",
        "completed": "Completed",
        "expired": "Expired",
        "exempt": "Exempt",
        "extended": "Extended",
        "withdrawn": "Withdrawn",
    }


def assignment_status(*, assignment: Assignment, today: datetime.date | None = None) -> str:
    today = today or timezone.localdate()
    a = assignment
    if a.state == AssignmentState.WITHDRAWN:
        return Status.WITHDRAWN
    if a.state == AssignmentState.SATISFIED:
        if a.valid_until is None or a.valid_until >= today:
            return Status.COMPLETED
        return Status.EXPIRED
    if a.exemption_id and (a.exempt_until is None or a.exempt_until >= today):
        return Status.EXEMPT
    due = a.extended_due_date or a.due_date
    if due < today:
        return Status.OVERDUE
    if a.extended_due_date:
        return Status.EXTENDED
    if due <= today + datetime.timedelta(days=DUE_SOON_DAYS):
        return Status.DUE_SOON
    if a.started_at:
        return Status.IN_PROGRESS
    return Status.NOT_STARTED


def status_expression(today: datetime.date) -> tuple[Case, Coalesce]:
    """The same rules as `assignment_status`, as a SQL expression."""
    due = Coalesce(F("extended_due_date"), F("due_date"))
    return Case(
        When(state=AssignmentState.WITHDRAWN, then=Value(Status.WITHDRAWN)),
        When(
            Q(state=AssignmentState.SATISFIED) & (Q(valid_until__isnull=True) | Q(valid_until__gte=today)),
            then=Value(Status.COMPLETED),
        ),
        When(state=AssignmentState.SATISFIED, then=Value(Status.EXPIRED)),
        When(
            Q(exemption__isnull=False) & (Q(exempt_until__isnull=True) | Q(exempt_until__gte=today)),
            then=Value(Status.EXEMPT),
        ),
        When(
            Q(extended_due_date__lt=today) | Q(extended_due_date__isnull=True, due_date__lt=today),
            then=Value(Status.OVERDUE),
        ),
        When(extended_due_date__isnull=False, then=Value(Status.EXTENDED)),
        When(
            Q(extended_due_date__lte=today + datetime.timedelta(days=DUE_SOON_DAYS))
            | Q(extended_due_date__isnull=True, due_date__lte=today + datetime.timedelta(days=DUE_SOON_DAYS)),
            then=Value(Status.DUE_SOON),
        ),
        When(started_at__isnull=False, then=Value(Status.IN_PROGRESS)),
        default=Value(Status.NOT_STARTED),
        output_field=CharField(),
    ), due


def assignments_with_status(queryset: QuerySet[Assignment], *, today: datetime.date | None = None) -> QuerySet:
    """Annotate `status` and `effective_due` on a queryset of assignments."""
    status, due = status_expression(today or timezone.localdate())
    return queryset.annotate(status=status, effective_due=due)


LEARNER = "learner"
MANAGER = "manager"


def _voice(assignment: Assignment, perspective: str) -> tuple[str, str, str]:
    """(subject, possessive, pronoun) for the sentence: the learner reads "You joined…",
    anyone else "Cora joined…" (or "They joined…" without a name)."""
    if perspective == LEARNER:
        return "You", "Your", "your"
    name = assignment.person.first_name.strip() if assignment.person_id else ""
    if name:
        return name, f"{name}'s", "their"
    return "They", "Their", "their"


def _renewal(requirement: Requirement) -> str:
    if requirement.recurrence == RecurrenceKind.MONTHS:
        return f"every {requirement.recurrence_months} months"
    if requirement.recurrence == RecurrenceKind.CALENDAR:
        return "every year"
    return ""


def assignment_reason(
    *,
    assignment: Assignment,
    audience: str | None = None,
    perspective: str = LEARNER,
    today: datetime.date | None = None,
) -> str:
    """Why this applies to the person and when it is due, in a sentence or two.

    `perspective` is who reads it: the learner ("You joined on…", the default) or a manager
    or administrator (`MANAGER`: "Cora joined on…", "Cora's deadline…"). For completed
    training it says when it was completed and how long that lasts, not the old due date."""
    a = assignment
    r = a.requirement
    subject, possessive, pronoun = _voice(a, perspective)
    ctx = a.reason_context or {}
    done = a.state == AssignmentState.SATISFIED and a.satisfied_on is not None
    due = long_date(a.due_date)
    days = (a.due_date - a.trigger_date).days
    when = long_date(a.trigger_date)
    renewal = _renewal(r)
    # What brought it about, then (for open training) when it is due.
    if a.cycle > 1 and ctx.get("last_completed"):
        last = long_date(datetime.date.fromisoformat(ctx["last_completed"]))
        if done:
            text = ""  # the completion sentence below says it all
        elif r.recurrence == RecurrenceKind.CALENDAR:
            text = f"{subject} last completed this on {last}; it is renewed every year, so it is due by {due}."
        else:
            text = (
                f"{subject} last completed this on {last}; it must be renewed every {r.recurrence_months} months, "
                f"so it is due by {due}."
            )
    elif a.trigger == TriggerKind.JOINING or (
        a.trigger == TriggerKind.REQUIREMENT_START and ctx.get("joined_after_start")
    ):
        text = f"{subject} joined on {when}, " + (
            f"and this is required within {days} days of joining."
            if done
            else f"so this is due within {days} days: by {due}."
        )
    elif a.trigger == TriggerKind.ROLE_START:
        role = ctx.get("rank") or f"{pronoun} current role"
        article = "an" if role[:1].lower() in "aeiou" else "a"
        text = f"{subject} became {article} {role} on {when}, " + (
            f"and this is required within {days} days of that."
            if done
            else f"so this is due within {days} days: by {due}."
        )
    elif a.trigger == TriggerKind.FUNCTION_GAINED:
        function = ctx.get("function") or "this function"
        text = f"{subject} became a {function.lower()} on {when}, " + (
            f"and this is required within {days} days of that."
            if done
            else f"so this is due within {days} days: by {due}."
        )
    elif a.trigger == TriggerKind.FIXED_DATE:
        who = audience or requirement_audience_summary(requirement=r)
        late = ctx.get("late_entrant")
        too_late = f"too late for the campaign deadline of {long_date(r.fixed_due_date)}"
        allowance = "." if done else f", so this is due within {days} days: by {due}."
        if ctx.get("late_joiner"):
            text = f"{subject} joined on {when}, {too_late}{allowance}"
        elif late == "promoted":
            role = ctx.get("rank") or f"{pronoun} current role"
            article = "an" if role[:1].lower() in "aeiou" else "a"
            text = f"{subject} became {article} {role} on {when}, {too_late}{allowance}"
        elif late == "function":
            function = (ctx.get("function") or "this function").lower()
            text = f"{subject} became a {function} on {when}, {too_late}{allowance}"
        elif late == "went_live":
            text = f"This became required of {who} on {when}, {too_late}{allowance}"
        elif done:
            text = f"This is required of {who}."
        else:
            text = f"This is required of {who}, by a force deadline: {due}."
    else:
        who = audience or requirement_audience_summary(requirement=r)
        text = f"This became required of {who} on {when}" + (
            "." if done else f", so it is due within {days} days: by {due}."
        )
    if done:
        today = today or timezone.localdate()
        text = f"{text} {subject} completed it on {long_date(a.satisfied_on)}".lstrip()
        if a.valid_until is None:
            text += "."
        elif a.valid_until >= today:
            text += f"; it is valid until {long_date(a.valid_until)}" + (
                f", and must then be renewed {renewal}." if renewal else "."
            )
        else:
            text += f"; that expired on {long_date(a.valid_until)}" + (
                f": it must be renewed {renewal}." if renewal else "."
            )
        return text
    if a.extended_due_date:
        text += f" {possessive} deadline was extended to {long_date(a.extended_due_date)}."
    if renewal and a.cycle == 1:
        text += f" It must then be renewed {renewal}."
    return text


@dataclass
class TrainingItem:
    assignment: Assignment
    status: str
    status_label: str
    due_date: datetime.date
    reason: str
    courses: list
    # The learner's latest request for more time for this assignment, if any.
    extension_request: ExtensionRequest | None = None
    # Who decides it: the learner's line manager's name ("" when they have none).
    decider: str = ""
    # The learner's latest request to be exempted from it, if any.
    exemption_request: ExtensionRequest | None = None
    # Why its due date moved while they were away (HR's absences), as the ledger says.
    absence_note: str = ""

    @property
    def requirement(self) -> Requirement:
        return self.assignment.requirement

    @property
    def more_time_pending(self) -> bool:
        r = self.extension_request
        return r is not None and r.status == ExtensionRequest.Status.PENDING

    @property
    def more_time_status(self) -> str:
        return more_time_status(request=self.extension_request, decider=self.decider)

    @property
    def exemption_pending(self) -> bool:
        r = self.exemption_request
        return r is not None and r.status == ExtensionRequest.Status.PENDING

    @property
    def exemption_status(self) -> str:
        by_manager = self.requirement.exemption_decided_by == ExemptionDecider.LINE_MANAGER and self.decider
        return exemption_status(
            request=self.exemption_request, decider=self.decider if by_manager else "a compliance administrator"
        )


def more_time_status(*, request: ExtensionRequest | None, decider: str = "") -> str:
    """Where a request for more time stands, in a sentence for the learner; "" for none.
    `decider`: who is expected to decide (the learner's line manager)."""
    r = request
    if r is None:
        return ""
    asked = f"More time requested on {long_date(timezone.localdate(r.requested_at))}"
    until = f", until {long_date(r.requested_due_date)}"
    if r.status == ExtensionRequest.Status.PENDING:
        return f"{asked}{until} — waiting for {decider or 'a decision'}."
    by = ""
    if r.decided_by is not None:
        person = getattr(r.decided_by, "person", None)
        by = f" by {person.full_name if person else (r.decided_by.get_full_name() or r.decided_by.get_username())}"
    on = f" on {long_date(timezone.localdate(r.decided_at))}" if r.decided_at else ""
    if r.status == ExtensionRequest.Status.APPROVED:
        return f"{asked}{until} — approved{by}{on}."
    if r.status == ExtensionRequest.Status.REFUSED:
        note = f": {r.decision_note}" if r.decision_note else "."
        return f"{asked}{until} — refused{by}{on}{note}"
    if r.decision_note:  # closed by itself: no longer needed
        return f"{asked}{until} — closed. {r.decision_note}"
    return f"{asked}{until} — withdrawn."


def _decided_by(r: ExtensionRequest) -> str:
    if r.decided_by is None:
        return ""
    person = getattr(r.decided_by, "person", None)
    return f" by {person.full_name if person else (r.decided_by.get_full_name() or r.decided_by.get_username())}"


def exemption_status(*, request: ExtensionRequest | None, decider: str = "") -> str:
    """Where a request to be exempted stands, in a sentence for the learner; "" for none."""
    r = request
    if r is None:
        return ""
    asked = f"Exemption requested on {long_date(timezone.localdate(r.requested_at))}"
    until = f", until {long_date(r.exempt_until)}" if r.exempt_until else ""
    if r.status == ExtensionRequest.Status.PENDING:
        return f"{asked}{until} — waiting for {decider or 'a decision'}."
    on = f" on {long_date(timezone.localdate(r.decided_at))}" if r.decided_at else ""
    if r.status == ExtensionRequest.Status.APPROVED:
        return f"{asked}{until} — approved{_decided_by(r)}{on}."
    if r.status == ExtensionRequest.Status.REFUSED:
        note = f": {r.decision_note}" if r.decision_note else "."
        return f"{asked}{until} — refused{_decided_by(r)}{on}{note}"
    if r.decision_note:  # closed by itself: no longer needed
        return f"{asked}{until} — closed. {r.decision_note}"
    return f"{asked}{until} — withdrawn."


STATUS_ORDER = [
    Status.OVERDUE,
    Status.DUE_SOON,
    Status.EXTENDED,
    Status.IN_PROGRESS,
    Status.NOT_STARTED,
    Status.EXEMPT,
    Status.EXPIRED,
    Status.COMPLETED,
]


def person_assignments(*, person: Person, include_withdrawn: bool = False) -> QuerySet[Assignment]:
    """A person's current assignments, with what the page needs in a constant number of queries."""
    from courses.models import CoursePage

    qs = (
        Assignment.objects.filter(person=person, is_current=True)
        .select_related("requirement", "satisfied_by", "exemption", "person")
        .prefetch_related(
            Prefetch(
                "requirement__courses",
                queryset=CoursePage.objects.live().only("id", "title", "url_path", "path", "depth", "course_code"),
            )
        )
        .order_by("due_date", "requirement__name")
    )
    if not include_withdrawn:
        qs = qs.exclude(state=AssignmentState.WITHDRAWN)
    return qs


def my_training(*, user, today: datetime.date | None = None) -> list[TrainingItem]:
    """The signed-in learner's obligations, most urgent first. Empty for a user who is not
    a person in the HR data (an administrator account)."""
    today = today or timezone.localdate()
    if not user or not user.is_authenticated:
        return []
    person = Person.objects.filter(user=user).select_related("line_manager").first()
    if person is None:
        return []
    # The latest request of each kind for each, as subqueries: no extra query when there is none.
    latest = ExtensionRequest.objects.filter(assignment=OuterRef("pk")).order_by("-requested_at", "-pk")
    assignments = list(
        person_assignments(person=person).annotate(
            latest_request_id=Subquery(latest.filter(kind=RequestKind.MORE_TIME).values("pk")[:1]),
            latest_exemption_request_id=Subquery(latest.filter(kind=RequestKind.EXEMPTION).values("pk")[:1]),
        )
    )
    request_ids = [a.latest_request_id for a in assignments if a.latest_request_id]
    request_ids += [a.latest_exemption_request_id for a in assignments if a.latest_exemption_request_id]
    latest_requests = (
        {
            (r.assignment_id, r.kind): r
            for r in ExtensionRequest.objects.filter(pk__in=request_ids).select_related("decided_by__person")
        }
        if request_ids
        else {}
    )
    # Extensions for an absence, from the ledger: read only when something was extended.
    extended = [a.pk for a in assignments if a.extended_due_date]
    absence_notes = (
        dict(
            AssignmentEvent.objects.filter(
                assignment_id__in=extended, kind=EventKind.EXTENDED, actor__isnull=True, data__has_key="absences"
            )
            .order_by("at", "pk")
            .values_list("assignment_id", "reason")
        )
        if extended
        else {}
    )
    manager = person.line_manager
    items = []
    for assignment in assignments:
        status = assignment_status(assignment=assignment, today=today)
        items.append(
            TrainingItem(
                assignment=assignment,
                status=status,
                status_label=Status.LABELS[status],
                due_date=assignment.effective_due_date,
                reason=assignment_reason(assignment=assignment, today=today),
                courses=list(assignment.requirement.courses.all()),
                extension_request=latest_requests.get((assignment.pk, RequestKind.MORE_TIME)),
                exemption_request=latest_requests.get((assignment.pk, RequestKind.EXEMPTION)),
                absence_note=absence_notes.get(assignment.pk, ""),
                decider=manager.full_name if manager else "",
            )
        )
    items.sort(key=lambda item: (STATUS_ORDER.index(item.status), item.due_date))
    return items


def my_training_summary(*, user, today: datetime.date | None = None) -> dict:
    """Counts for the home page: how many overdue, due soon, to do and done."""
    items = my_training(user=user, today=today)
    counts = dict.fromkeys(Status.LABELS, 0)
    for item in items:
        counts[item.status] += 1
    todo = [i for i in items if i.status not in (Status.COMPLETED, Status.EXEMPT, Status.WITHDRAWN)]
    return {"items": items, "next_items": todo[:3], "counts": counts, "todo": len(todo), "total": len(items)}
