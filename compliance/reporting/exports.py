"""The rows of the reports' downloads: assignment lists and completion rates (written by
courses.downloads, which makes every cell safe for spreadsheets)."""

from collections.abc import Callable, Iterator

from compliance.people.models import WorkerType
from compliance.selectors.assignments import Status
from courses.downloads import CHUNK

ASSIGNMENT_COLUMNS = [
    "Staff number",
    "Last name",
    "First name",
    "Rank or grade",
    "Worker type",
    "Unit code",
    "Unit",
    "Training",
    "Status",
    "Due date",  # empty for completed training
    "Original due date",
    "Completed on",
    "Valid until",
]

_ASSIGNMENT_FIELDS = [
    "person__staff_number",
    "person__last_name",
    "person__first_name",
    "person__rank_or_grade",
    "person__worker_type",
    "person__unit__code",
    "person__unit__name",
    "requirement__name",
    "status",
    "effective_due",
    "due_date",
    "satisfied_on",
    "valid_until",
]
_WORKER_TYPES = dict(WorkerType.choices)
_DONE = (Status.COMPLETED, Status.EXPIRED)


def assignment_rows(queryset) -> Iterator[list]:
    """Rows of an assignment list (a queryset annotated with `status` and `effective_due`),
    read in chunks through a server-side cursor where the database has one."""
    for values in queryset.values_list(*_ASSIGNMENT_FIELDS).iterator(chunk_size=CHUNK):
        row = list(values)
        row[4] = _WORKER_TYPES.get(row[4], row[4])
        if row[8] in _DONE:
            # Completed training is not due: "Completed on" and "Valid until" say where it stands.
            row[9] = None
        row[8] = Status.LABELS.get(row[8], row[8])
        yield row


RATE_COLUMNS = [
    "Completed",
    "Overdue",
    "Due soon",
    "Outstanding",
    "Exempt",
    "Assigned",
    "Completion rate (%)",
]


def rate_rows(rows, *, first_column: Callable = lambda r: r.label) -> Iterator[list]:
    for r in rows:
        yield [
            first_column(r),
            r.completed,
            r.overdue,
            r.due_soon,
            r.outstanding,
            r.exempt,
            r.total,
            "" if r.rate is None else r.rate,
        ]
