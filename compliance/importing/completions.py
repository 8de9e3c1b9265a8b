"""The historic completions import: staff_number, course_code, completed_on, score, source.

Each row becomes a completion keyed `import:{staff_number}:{course_code}:{completed_on}`, so
importing the same file twice (or an overlapping one) creates nothing the second time. The
whole file is validated first; on any error nothing is written unless skip_invalid.

An import never changes a recorded completion: a row whose score or source differs from the
one recorded is an error, and the way to correct it is to void the completion and import
again. A voided completion keeps its key, so the next import of that row takes `…:2`, `…:3`.
"""

import dataclasses
import datetime
import re
from decimal import Decimal

from django.db import transaction
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone

from compliance.audit.models import AuditEvent
from compliance.people.models import Person
from courses.models import Completion, CompletionSource, CoursePage
from courses.services.completions import CompletionInput, completions_record_many

from .base import ImportReport, RowError, clip, parse_date
from .csvfile import ROW_ERROR, read_table

REQUIRED = ["staff_number", "course_code", "completed_on"]
OPTIONAL = ["score", "source"]
COLUMNS = REQUIRED + OPTIONAL
# Our sources, and what other platforms call them; a blank source means "import". A SCORM
# completion is one played here: another platform's is an import.
SOURCES = {
    **{value: CompletionSource(value) for value in CompletionSource.values if value != CompletionSource.SCORM},
    "": CompletionSource.IMPORT,
    "imported": CompletionSource.IMPORT,
    "e-learning": CompletionSource.ONLINE,
    "elearning": CompletionSource.ONLINE,
    "classroom": CompletionSource.ATTENDANCE,
    "face-to-face": CompletionSource.ATTENDANCE,
    "face to face": CompletionSource.ATTENDANCE,
}
_NAMES = [name for name in SOURCES if name]
SOURCE_HELP = f"use {', '.join(_NAMES[:-1])} or {_NAMES[-1]} (blank means {SOURCES['']})"
# A percentage with at most 2 decimal places (the database keeps 2): 87.5, 87.5%, 100.
_SCORE = re.compile(r"^[0-9]+(\.[0-9]{1,2})?$")
SCORE_HELP = "score must be a number from 0 to 100 with at most 2 decimal places"


# Excel keeps leading zeros by exporting ="00123".
_EXCEL_TEXT = re.compile(r'^="(.*)"$')


def _excel_cell(value: str) -> str:
    match = _EXCEL_TEXT.match(value)
    return match.group(1).strip() if match else value


def completion_import_key(staff_number: str, course_code: str, completed_on) -> str:
    return f"import:{staff_number}:{course_code}:{completed_on.isoformat()}"


def _shown(completion) -> dict[str, str]:
    """What a row or a recorded completion says beyond its key, as messages show it."""
    score = "blank" if completion.score is None else f"{completion.score.normalize():f}"
    return {"score": score, "source": str(completion.source)}


def _recorded(keys: list[str]) -> tuple[dict[str, Completion], dict[str, str]]:
    """For each row's key: the completion an earlier import recorded that still stands, if any,
    and the key a new one takes (a voided completion keeps its key, so the next is `key:2`...)."""
    recorded: dict[str, Completion] = {}
    free: dict[str, str] = {}
    pending = {key: key for key in keys}  # the key to look up -> the row's key
    suffix = 1
    while pending:
        found = {
            c.idempotency_key: c
            for c in Completion.objects.filter(idempotency_key__in=list(pending)).only(
                "idempotency_key", "score", "source", "voided_at"
            )
        }
        suffix += 1
        voided = {}
        for lookup, key in pending.items():
            completion = found.get(lookup)
            if completion is None:
                free[key] = lookup
            elif completion.voided_at is None:
                recorded[key] = completion
            else:
                voided[f"{key}:{suffix}"] = key
        pending = voided
    return recorded, free


def _conflicts(rows: list[tuple[int, CompletionInput]]) -> list[RowError]:
    """Rows for the same person, course and day must agree: which one is right is not known."""
    errors = []
    for number, item in rows:
        mine = _shown(item)
        other = next(((n, _shown(o)) for n, o in rows if _shown(o) != mine), None)
        if other is None:  # the first row agrees with every other: they all agree
            return []
        errors.extend(
            RowError(number, column, f"conflicts with row {other[0]} ({theirs}) for the same person, course and day")
            for column, theirs in other[1].items()
            if theirs != mine[column]
        )
    return errors


def _changes(rows: list[tuple[int, CompletionInput]], completion: Completion | None) -> list[RowError]:
    """An import never changes a recorded completion: it is voided, then imported again."""
    if completion is None:
        return []
    held, wanted = _shown(completion), _shown(rows[0][1])
    how = (
        f"void it (completion {completion.pk}) in the admin at "
        f"{reverse('compliance_completion_void', args=[completion.pk])} or through the API with "
        f"POST {reverse('compliance-completion-void', args=[completion.pk])}, and import again"
    )
    return [
        RowError(
            number,
            column,
            "a completion for this person, course and day is already recorded with "
            f"{f'no {column}' if held[column] == 'blank' else f'{column} {held[column]}'}; "
            f"an import never changes a recorded completion: {how}",
        )
        for number, _ in rows
        for column in held
        if held[column] != wanted[column]
    ]


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
    rows_by_key: dict[str, list[tuple[int, CompletionInput]]] = {}
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
                completed_on = parse_date(values["completed_on"])
            except ValueError as exc:
                row_errors.append(RowError(number, "completed_on", str(exc)))
            else:
                if completed_on > today:
                    row_errors.append(RowError(number, "completed_on", f"{completed_on:%d/%m/%Y} is in the future"))
        score = None
        if values["score"]:
            text = values["score"].strip().removesuffix("%").strip()
            if _SCORE.fullmatch(text) and Decimal(text) <= 100:
                score = Decimal(text).quantize(Decimal("0.01"))
            else:
                row_errors.append(RowError(number, "score", f"'{clip(values['score'])}' is refused: {SCORE_HELP}"))
        how = SOURCES.get(values["source"].strip().lower())
        if how is None:
            row_errors.append(RowError(number, "source", f"unknown source '{clip(values['source'])}'; {SOURCE_HELP}"))
        if row_errors:
            errors.extend(row_errors)
            continue
        staff, user_id = people[staff.upper()]
        key = completion_import_key(staff, course[1], completed_on)
        rows_by_key.setdefault(key, []).append(
            (
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
        )
    recorded, free = _recorded(list(rows_by_key))
    new: list[CompletionInput] = []
    for key, rows in rows_by_key.items():
        if row_errors := _conflicts(rows) or _changes(rows, recorded.get(key)):
            errors.extend(row_errors)
            continue
        (first, item), *repeats = rows
        # The same completion twice in one file is harmless: one is kept.
        report.notes.extend(f"Row {number} repeats row {first}: counted once." for number, _ in repeats)
        report.unchanged += len(repeats)
        if key in recorded:
            report.unchanged += 1
        else:
            new.append(dataclasses.replace(item, idempotency_key=free[key]))
    report.errors = sorted(errors, key=lambda e: (e.row, e.column))
    report.rejected = len({e.row for e in errors})
    if errors and not skip_invalid:
        return report
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
