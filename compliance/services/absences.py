"""Absences: obligations paused while someone is away, and extended when they return.

One source of truth for each fact: the `Absence` row says who is away (reminders, escalations
and digests leave them out while `absent_on` is true for the day), and an obligation's due
date is only ever moved by its ledger. On the first nightly run after an absence's last day,
`absences_apply_returns` extends every obligation that was running during it by the days it
was paused (from the later of the absence's start and the obligation's creation, to its last
day), records an "extended" event whose reason reads "Absence from X to Y: ...", and marks the
absence returned, so a second run changes nothing. Set-based: one read of the obligations of
everyone returning, one bulk update, one bulk insert of events, whatever their number.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from compliance.models import Assignment, AssignmentEvent, AssignmentState, EventKind
from compliance.people.models import Absence
from courses.dates import long_date


def absent_on(*, day: datetime.date, person_ref: str = "person") -> Exists:
    """True for a person away on `day` (an expression: `person_ref` is the field holding the
    person, as seen from the queryset it filters)."""
    return Exists(
        Absence.objects.filter(person=OuterRef(person_ref), starts_on__lte=day).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=day)
        )
    )


def absence_ends(*, day: datetime.date, person_ref: str = "person") -> Subquery:
    """The last day of the absence a person is on, on `day` (NULL when not away, or when the
    absence has no end date yet: pair it with `absent_on`)."""
    return Subquery(
        Absence.objects.filter(person=OuterRef(person_ref), starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .order_by("starts_on")
        .values("ends_on")[:1]
    )


@dataclass
class ReturnResult:
    absences: int = 0
    extended: int = 0


@transaction.atomic
def absences_apply_returns(*, today: datetime.date | None = None) -> ReturnResult:
    """Extend the obligations of everyone whose absence ended before `today` and has not been
    applied yet (see the module's docstring)."""
    today = today or timezone.localdate()
    result = ReturnResult()
    ended = list(
        Absence.objects.select_for_update()
        .filter(ends_on__lt=today, returned_on__isnull=True)
        .order_by("person_id", "starts_on")
    )
    if not ended:
        return result
    by_person: dict[int, list[Absence]] = {}
    for absence in ended:
        by_person.setdefault(absence.person_id, []).append(absence)
    assignments = list(
        Assignment.objects.filter(person_id__in=by_person, is_current=True, state=AssignmentState.OPEN)
        .annotate(effective=Coalesce("extended_due_date", "due_date"))
        .only("pk", "person_id", "due_date", "extended_due_date", "created_at")
    )
    changed, events = [], []
    for assignment in assignments:
        created_on = timezone.localdate(assignment.created_at)
        due = assignment.effective
        new_due = due
        reasons = []
        for absence in by_person[assignment.person_id]:
            paused_from = max(absence.starts_on, created_on)
            # It was running while they were away: created before the absence ended, and not
            # already overdue before it began.
            if paused_from > absence.ends_on or due < absence.starts_on:
                continue
            days = (absence.ends_on - paused_from).days + 1
            new_due += datetime.timedelta(days=days)
            reasons.append(
                f"Absence from {long_date(absence.starts_on)} to {long_date(absence.ends_on)}: "
                f"due date paused for {days} day{'s' if days != 1 else ''}"
            )
        if new_due == due:
            continue
        assignment.extended_due_date = new_due
        assignment.updated_at = timezone.now()
        changed.append(assignment)
        events.append(
            AssignmentEvent(
                assignment_id=assignment.pk,
                kind=EventKind.EXTENDED,
                reason=("; ".join(reasons) + f", so it is now due by {long_date(new_due)}.")[:500],
                data={
                    "old_due_date": due.isoformat(),
                    "due_date": new_due.isoformat(),
                    "absences": [a.pk for a in by_person[assignment.person_id]],
                },
            )
        )
    Assignment.objects.bulk_update(changed, ["extended_due_date", "updated_at"], batch_size=2000)
    AssignmentEvent.objects.bulk_create(events, batch_size=2000)
    Absence.objects.filter(pk__in=[a.pk for a in ended]).update(returned_on=today, updated_at=timezone.now())
    result.absences, result.extended = len(ended), len(changed)
    return result
