"""The historic completions import: staff_number, course_code, completed_on, score, source.

Each row becomes a completion keyed `import:{staff_number}:{course_code}:{completed_on}`, so
importing the same file twice (or an overlapping one) creates nothing the second time. The
whole file is validated first; on any error nothing is written unless skip_invalid.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models.functions import Upper
from django.utils import timezone

from compliance.models import AuditEvent, Person
from courses.models import Completion, CompletionSource, CoursePage
from courses.services.completions import CompletionInput, completions_record_many

from .base import ImportReport, RowError, clip, parse_date
from .csvfile import ROW_ERROR, read_table

REQUIRED = ["staff_number", "course_code", "completed_on"]
OPTIONAL = ["score", "source"]
COLUMNS = REQUIRED + OPTIONAL
# What other platforms call their sources; anything imported defaults to "import".
SOURCES = {
    "": CompletionSource.IMPORT,
    "import": CompletionSource.IMPORT,
    "imported": CompletionSource.IMPORT,
    "online": CompletionSource.ONLINE,
    "e-learning": CompletionSource.ONLINE,
    "elearning": CompletionSource.ONLINE,
    "attendance": CompletionSource.ATTENDANCE,
    "classroom": CompletionSource.ATTENDANCE,
    "face-to-face": CompletionSource.ATTENDANCE,
    "face to face": CompletionSource.ATTENDANCE,
    "manual": CompletionSource.MANUAL,
}


# Excel keeps leading zeros by exporting ="00123"; and it exports dates with a midnight time.
_EXCEL_TEXT = re.compile(r'^="(.*)"$')
_DATE_WITH_TIME = re.compile(r"^(\S+)[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")


def _excel_cell(value: str) -> str:
    match = _EXCEL_TEXT.match(value)
    return match.group(1).strip() if match else value


def completion_import_key(staff_number: str, course_code: str, completed_on) -> str:
    return f"import:{staff_number}:{course_code}:{completed_on.isoformat()}"


def import_completions(
    data: bytes | str,
    *,
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    source: str = "import_completions",
    actor=None,
    progress=None,
) -> ImportReport:
    table = read_table(data, required=REQUIRED, optional=OPTIONAL, mapping=mapping)
    report = ImportReport(kind="completions", rows=len(table.rows), dry_run=dry_run, skip_invalid=skip_invalid)
    if table.ignored_columns:
        report.notes.append("Ignored column(s): " + ", ".join(clip(c, 40) for c in table.ignored_columns))
    staff_numbers = {_excel_cell(values.get("staff_number", "").strip()) for _, values in table.rows}
    # Staff numbers match ignoring case, as in the HR import; the key uses the stored spelling.
    people = {
        number.upper(): (number, user_id)
        for number, user_id in Person.objects.annotate(upper=Upper("staff_number"))
        .filter(upper__in=[s.upper() for s in staff_numbers if s])
        .values_list("staff_number", "user_id")
    }
    courses = {code.upper(): (pk, code) for pk, code in CoursePage.objects.values_list("pk", "course_code")}
    today = timezone.localdate()
    errors: list[RowError] = []
    items: dict[str, tuple[int, CompletionInput]] = {}
    for number, values in table.rows:
        if ROW_ERROR in values:
            errors.append(RowError(number, "(whole row)", values[ROW_ERROR]))
            continue
        values = {column: _excel_cell(value) for column, value in values.items()}
        row_errors: list[RowError] = []
        for column in REQUIRED:
            if not values[column]:
                row_errors.append(RowError(number, column, "a value is required"))
        staff = values["staff_number"]
        if staff and staff.upper() not in people:
            row_errors.append(RowError(number, "staff_number", f"nobody has the staff number '{clip(staff)}'"))
        course = courses.get(values["course_code"].upper()) if values["course_code"] else None
        if values["course_code"] and course is None:
            row_errors.append(
                RowError(number, "course_code", f"no course has the code '{clip(values['course_code'])}'")
            )
        completed_on = None
        if values["completed_on"]:
            try:
                day = values["completed_on"]
                completed_on = parse_date(match.group(1) if (match := _DATE_WITH_TIME.match(day)) else day)
            except ValueError as exc:
                row_errors.append(RowError(number, "completed_on", str(exc)))
            else:
                if completed_on > today:
                    row_errors.append(RowError(number, "completed_on", f"{completed_on:%d/%m/%Y} is in the future"))
        score = None
        if values["score"]:
            text = values["score"].strip().rstrip("%").strip()
            try:
                score = Decimal(text)
                if not score.is_finite() or not 0 <= score <= 100:
                    raise InvalidOperation
                score = score.quantize(Decimal("0.01"))
            except InvalidOperation:
                row_errors.append(
                    RowError(number, "score", f"'{clip(values['score'])}' is not a percentage from 0 to 100")
                )
        how = SOURCES.get(values["source"].strip().lower())
        if how is None:
            row_errors.append(
                RowError(number, "source", f"unknown source '{clip(values['source'])}'; use import, online, attendance")
            )
        if row_errors:
            errors.extend(row_errors)
            continue
        staff, user_id = people[staff.upper()]
        key = completion_import_key(staff, course[1], completed_on)
        if key in items:
            # The same completion twice in one file is harmless: one is kept.
            report.notes.append(f"Row {number} repeats row {items[key][0]}: counted once.")
            report.unchanged += 1
            continue
        items[key] = (
            number,
            CompletionInput(
                user_id=user_id,
                course_id=course[0],
                completed_at=timezone.make_aware(datetime.datetime.combine(completed_on, datetime.time(12))),
                source=how,
                idempotency_key=key,
                score=score,
                reason=f"Imported by {source}",
            ),
        )
    report.errors = sorted(errors, key=lambda e: (e.row, e.column))
    report.rejected = len({e.row for e in errors})
    if errors and not skip_invalid:
        return report
    known = set(Completion.objects.filter(idempotency_key__in=list(items)).values_list("idempotency_key", flat=True))
    report.unchanged += len(known)
    new = [item for key, (_, item) in items.items() if key not in known]
    report.created = len(new)
    if dry_run:
        return report
    with transaction.atomic():
        created = completions_record_many(items=new, recorded_by=actor)
        report.created = created
        if created:
            AuditEvent.objects.create(
                action="completions_imported",
                object_type="completion",
                object_id="import",
                summary=f"{created} completion(s) imported ({report.rows} row(s), {report.rejected} rejected)",
                source=source,
                actor=actor if actor is not None and actor.is_authenticated else None,
                changes={
                    "created": created,
                    "rejected": report.rejected,
                    "keys": sorted(i.idempotency_key for i in new)[:1000],
                },
            )
        report.applied = True
    return report
