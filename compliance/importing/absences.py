"""The absences import: staff_number, start_date, end_date, category.

HR sends long absences (no medical detail: only the category). A row is one absence, known by
the person and its first day: sending it again changes nothing, sending it with an end date
ends it, and a later row starts another. Nothing is ever deleted. An absence whose person has
already returned (their due dates were extended for it) cannot be changed: HR sends a new one.
"""

import datetime

from django.db import transaction
from django.db.models.functions import Upper
from django.utils import timezone

from compliance.audit.services import audit_event_build
from compliance.people.models import Absence, AbsenceCategory, Person
from compliance.people.models.organisation import vocabulary_key

from .base import ImportReport, RowError, clip, parse_date
from .csvfile import ROW_ERROR, read_table

REQUIRED = ["staff_number", "start_date", "category"]
OPTIONAL = ["end_date"]
COLUMNS = REQUIRED + OPTIONAL
# The categories and what HR systems call them (matched ignoring case, spaces, hyphens and
# underscores).
CATEGORIES = {
    vocabulary_key(name): category
    for category, names in {
        AbsenceCategory.LONG_TERM_SICKNESS: [
            "long_term_sickness",
            "long-term sickness",
            "long term sick",
            "sickness",
            "sick leave",
            "LTS",
        ],
        AbsenceCategory.PARENTAL_LEAVE: [
            "parental_leave",
            "parental leave",
            "maternity",
            "maternity leave",
            "paternity",
            "paternity leave",
            "adoption leave",
            "shared parental leave",
            "maternity/parental leave",
        ],
        AbsenceCategory.CAREER_BREAK: ["career_break", "career break", "sabbatical"],
        AbsenceCategory.SECONDMENT: ["secondment", "seconded", "secondment out"],
        AbsenceCategory.OTHER: ["other", "other long absence", "special leave"],
    }.items()
    for name in names
}


def _overlaps(a_start, a_end, b_start, b_end) -> bool:
    far = datetime.date.max
    return a_start <= (b_end or far) and b_start <= (a_end or far)


def import_absences(
    data: bytes | str,
    *,
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    source: str = "import_absences",
    actor=None,
) -> ImportReport:
    table = read_table(data, required=REQUIRED, optional=OPTIONAL, mapping=mapping)
    report = ImportReport(kind="absences", rows=len(table.rows), dry_run=dry_run, skip_invalid=skip_invalid)
    numbers = {values.get("staff_number", "").upper() for _, values in table.rows}
    people = {
        key: (pk, staff)
        for key, pk, staff in Person.objects.annotate(key=Upper("staff_number"))
        .filter(key__in=numbers)
        .values_list("key", "pk", "staff_number")
    }
    person_ids = [pk for pk, _ in people.values()]
    existing: dict[tuple[int, datetime.date], Absence] = {
        (a.person_id, a.starts_on): a for a in Absence.objects.filter(person_id__in=person_ids)
    }
    errors: list[RowError] = []
    rows: dict[tuple[int, datetime.date], dict] = {}
    first_row: dict[tuple[int, datetime.date], int] = {}
    for number, values in table.rows:
        if ROW_ERROR in values:
            errors.append(RowError(number, "(whole row)", values[ROW_ERROR]))
            continue
        row_errors: list[RowError] = []
        for column in REQUIRED:
            if not values[column]:
                row_errors.append(RowError(number, column, "a value is required"))
        person = people.get(values["staff_number"].upper()) if values["staff_number"] else None
        if values["staff_number"] and person is None:
            row_errors.append(
                RowError(number, "staff_number", f"no person with staff number '{clip(values['staff_number'])}'")
            )
        dates = {}
        for column in ("start_date", "end_date"):
            if values.get(column):
                try:
                    dates[column] = parse_date(values[column])
                except ValueError as exc:
                    row_errors.append(RowError(number, column, str(exc)))
        start, end = dates.get("start_date"), dates.get("end_date")
        if start and end and end < start:
            row_errors.append(
                RowError(number, "end_date", f"{end:%d/%m/%Y} is before the start date, {start:%d/%m/%Y}")
            )
        category = CATEGORIES.get(vocabulary_key(values["category"])) if values["category"] else None
        if values["category"] and category is None:
            row_errors.append(
                RowError(
                    number,
                    "category",
                    f"unknown category '{clip(values['category'])}'; use one of: {', '.join(AbsenceCategory.values)} "
                    "(or a name such as maternity leave, career break), or map it in a mapping file",
                    unknown=clip(values["category"]),
                )
            )
        if row_errors:
            errors.extend(row_errors)
            continue
        key = (person[0], start)
        if key in first_row:
            errors.append(
                RowError(
                    number,
                    "start_date",
                    f"{person[1]} has another row starting {start:%d/%m/%Y}, on row {first_row[key]}",
                )
            )
            continue
        first_row[key] = number
        held = existing.get(key)
        if held is not None and held.returned_on is not None and (held.ends_on, held.category) != (end, category):
            errors.append(
                RowError(
                    number,
                    "end_date",
                    f"{person[1]} returned from this absence and their due dates were extended on "
                    f"{held.returned_on:%d/%m/%Y}: it cannot change; send a new absence",
                )
            )
            continue
        rows[key] = {"row": number, "staff": person[1], "start": start, "end": end, "category": category}
    # No two absences of one person overlap: those in the file (as they would be) and those held.
    by_person: dict[int, list[tuple[datetime.date, datetime.date | None, int | None]]] = {}
    for (person_id, start), absence in existing.items():
        if (person_id, start) not in rows:
            by_person.setdefault(person_id, []).append((start, absence.ends_on, None))
    for (person_id, start), row in sorted(rows.items(), key=lambda item: item[1]["row"]):
        for other_start, other_end, other_row in by_person.get(person_id, []):
            if _overlaps(start, row["end"], other_start, other_end):
                where = f"on row {other_row}" if other_row else "already loaded"
                ends = f"{other_end:%d/%m/%Y}" if other_end else "no end date"
                errors.append(
                    RowError(
                        row["row"],
                        "start_date",
                        f"overlaps {row['staff']}'s absence from {other_start:%d/%m/%Y} ({ends}), {where}",
                    )
                )
                break
        else:
            by_person.setdefault(person_id, []).append((start, row["end"], row["row"]))
    rejected_rows = {error.row for error in errors}
    rows = {key: row for key, row in rows.items() if row["row"] not in rejected_rows}
    report.errors = sorted(errors, key=lambda e: (e.row, e.column))
    report.rejected = len(rejected_rows)
    if errors and not skip_invalid:
        return report
    with transaction.atomic():
        _apply(rows, existing, report, source=source, actor=actor)
        if dry_run:
            transaction.set_rollback(True)
        else:
            report.applied = True
    return report


def _apply(rows: dict, existing: dict, report: ImportReport, *, source: str, actor) -> None:
    creates, updates, events = [], [], []
    for key, row in rows.items():
        held = existing.get(key)
        if held is None:
            creates.append(
                Absence(
                    person_id=key[0],
                    starts_on=row["start"],
                    ends_on=row["end"],
                    category=row["category"],
                    source=source,
                )
            )
        elif (held.ends_on, held.category) != (row["end"], row["category"]):
            changes = {}
            if held.ends_on != row["end"]:
                changes["ends_on"] = [held.ends_on and held.ends_on.isoformat(), row["end"] and row["end"].isoformat()]
            if held.category != row["category"]:
                changes["category"] = [held.category, row["category"]]
            held.ends_on, held.category, held.updated_at = row["end"], row["category"], timezone.now()
            updates.append(held)
            events.append(
                audit_event_build(
                    action="absence_updated",
                    obj=held,
                    summary=f"Absence of {row['staff']} from {row['start']:%d/%m/%Y} updated: {', '.join(changes)}",
                    source=source,
                    actor=actor,
                    changes=changes,
                )
            )
        else:
            report.unchanged += 1
    created = Absence.objects.bulk_create(creates, batch_size=2000)
    report.created = len(created)
    Absence.objects.bulk_update(updates, ["ends_on", "category", "updated_at"], batch_size=2000)
    report.updated = len(updates)
    staff = {key[0]: row["staff"] for key, row in rows.items()}
    new_keys = {(a.person_id, a.starts_on) for a in creates}
    for absence in Absence.objects.filter(
        person_id__in={a.person_id for a in creates}, starts_on__in={a.starts_on for a in creates}
    ):
        if (absence.person_id, absence.starts_on) in new_keys:
            events.append(
                audit_event_build(
                    action="absence_created",
                    obj=absence,
                    summary=f"Absence of {staff[absence.person_id]} from {absence.starts_on:%d/%m/%Y} recorded",
                    source=source,
                    actor=actor,
                )
            )
    from compliance.audit.models import AuditEvent

    AuditEvent.objects.bulk_create(events, batch_size=2000)
