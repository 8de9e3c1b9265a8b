"""The equality-monitoring import. Values are never echoed back: errors name the row and column only.

A characteristic whose column is not in the file is left as it is; a blank cell in a column
that is there means "not recorded"."""

from django.db import transaction
from django.utils import timezone

from compliance.equality.models import CHARACTERISTICS, EqualityRecord
from compliance.people.models import Person

from .base import ImportFileError, ImportReport, RowError, clip
from .csvfile import ROW_ERROR, read_table

REQUIRED = ["staff_number"]
OPTIONAL = list(CHARACTERISTICS)
NOT_RECORDED = {"", "not recorded", "unknown", "not known"}


def _lookup(choices) -> dict[str, str]:
    table = {value.lower(): value for value in choices.values}
    table.update({label.lower(): value for value, label in choices.choices})
    table.update({"prefer not to say": "prefer_not_to_say", "pnts": "prefer_not_to_say"})
    return table


LOOKUPS = {name: _lookup(choices) for name, choices in CHARACTERISTICS.items()}


def import_equality(
    data: bytes | str,
    *,
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
) -> ImportReport:
    table = read_table(data, required=REQUIRED, optional=OPTIONAL, mapping=mapping, confidential=True)
    report = ImportReport(kind="equality", rows=len(table.rows), dry_run=dry_run, skip_invalid=skip_invalid)
    if table.ignored_columns:
        report.notes.append("Ignored column(s): " + ", ".join(clip(c, 40) for c in table.ignored_columns))
    present = [name for name in LOOKUPS if name in table.columns]
    if not present:
        raise ImportFileError(
            "The file has no characteristic column: give at least one of " + ", ".join(CHARACTERISTICS) + "."
        )
    if absent := [name for name in LOOKUPS if name not in table.columns]:
        report.notes.append("Not in the file, so left as they are: " + ", ".join(absent) + ".")
    # Staff numbers are matched without regard to case, as in the people import.
    people = {staff.upper(): pk for staff, pk in Person.objects.values_list("staff_number", "pk")}
    errors: list[RowError] = []
    wanted: dict[int, dict[str, str]] = {}
    rows_by_staff: dict[str, list[int]] = {}
    for number, values in table.rows:
        if values["staff_number"]:
            rows_by_staff.setdefault(values["staff_number"].upper(), []).append(number)
    for number, values in table.rows:
        if ROW_ERROR in values:
            errors.append(RowError(number, "(whole row)", values[ROW_ERROR]))
            continue
        staff = values["staff_number"].upper()
        row_errors = []
        if not staff:
            row_errors.append(RowError(number, "staff_number", "a value is required"))
        elif len(rows_by_staff[staff]) > 1:
            others = ", ".join(str(n) for n in rows_by_staff[staff] if n != number)
            row_errors.append(
                RowError(number, "staff_number", f"duplicate staff number '{clip(staff)}', also on row {others}")
            )
        elif staff not in people:
            row_errors.append(
                RowError(number, "staff_number", f"no person with staff number '{clip(staff)}': import people first")
            )
        record = {}
        for name in present:
            lookup = LOOKUPS[name]
            raw = values[name].strip().lower()
            if raw in NOT_RECORDED:
                record[name] = ""
            elif raw in lookup:
                record[name] = lookup[raw]
            else:
                row_errors.append(
                    RowError(number, name, "not one of the allowed values: " + ", ".join(CHARACTERISTICS[name].labels))
                )
        if row_errors:
            errors.extend(row_errors)
        else:
            wanted[people[staff]] = record
    report.errors, report.rejected = errors, len({e.row for e in errors})
    if errors and not skip_invalid:
        return report
    with transaction.atomic():
        current = EqualityRecord.objects.in_bulk(list(wanted), field_name="person_id")
        create, update = [], []
        now = timezone.now()
        for person_id, record in wanted.items():
            existing = current.get(person_id)
            if existing is None:
                create.append(EqualityRecord(person_id=person_id, **record))
            elif any(getattr(existing, k) != v for k, v in record.items()):
                for k, v in record.items():
                    setattr(existing, k, v)
                existing.updated_at = now  # bulk writes do not apply auto_now
                update.append(existing)
        EqualityRecord.objects.bulk_create(create, batch_size=2000)
        EqualityRecord.objects.bulk_update(update, [*present, "updated_at"], batch_size=2000)
        report.created, report.updated = len(create), len(update)
        report.unchanged = len(wanted) - len(create) - len(update)
        if dry_run:
            transaction.set_rollback(True)
        else:
            report.applied = True
    return report
