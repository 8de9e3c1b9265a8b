"""The rows of the reports' downloads: assignment lists and completion rates (written by
courses.downloads, or by the admin reports' `courses.reports.SafeReportView`, both of which
make every cell safe for spreadsheets)."""

from collections.abc import Iterator

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


# The same, keyed by field, for the admin's overdue list (a Wagtail report's list_export).
ASSIGNMENT_HEADINGS = dict(zip(_ASSIGNMENT_FIELDS, ASSIGNMENT_COLUMNS, strict=True))


def assignment_dicts(queryset) -> Iterator[dict]:
    for row in assignment_rows(queryset):
        yield dict(zip(_ASSIGNMENT_FIELDS, row, strict=True))


RATE_COLUMNS = [
    "Completed",
    "Overdue",
    "Due soon",
    "Outstanding",
    "Exempt",
    "Assigned",
    "Completion rate (%)",
]


# A RateRow's attributes for each of RATE_COLUMNS (after the group's own column).
RATE_FIELDS = ["completed", "overdue", "due_soon", "outstanding", "exempt", "total", "rate"]

# A campaign's (selectors.CampaignProgress) columns.
CAMPAIGN_HEADINGS = {
    "name": "Training",
    "deadline": "Deadline",
    "days_left": "Days left",
    "row.completed": "Completed",
    "remaining": "Remaining",
    "row.overdue": "Overdue",
    "row.exempt": "Exempt",
    "row.denominator": "Assigned (not exempt)",
    "row.rate": "Completion rate (%)",
}
