"""The organisation-unit import: unit_code, name, parent_code, kind."""

from django.db import transaction

from compliance.models import OrgUnit
from compliance.models.organisation import UnitKind
from compliance.services.audit import audit_event_build

from .base import ImportReport, RowError, clip
from .csvfile import ROW_ERROR, read_table

REQUIRED = ["unit_code", "name"]
OPTIONAL = ["parent_code", "kind"]
KINDS = (
    {k.lower(): k for k in UnitKind.values}
    | {label.lower(): value for value, label in UnitKind.choices}
    | {
        "portfolio": UnitKind.DIRECTORATE,
        "local policing area": UnitKind.LOCAL_POLICING_AREA,
        "lpu": UnitKind.LOCAL_POLICING_AREA,
        "division": UnitKind.LOCAL_POLICING_AREA,
    }
)


def import_units(
    data: bytes | str,
    *,
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    source: str = "import_units",
    actor=None,
) -> ImportReport:
    table = read_table(data, required=REQUIRED, optional=OPTIONAL, mapping=mapping)
    report = ImportReport(kind="units", rows=len(table.rows), dry_run=dry_run, skip_invalid=skip_invalid)
    existing = {u.code: u for u in OrgUnit.objects.all()}
    # Codes are matched without regard to case: 'lpa-n' in a file is the unit loaded as 'LPA-N'.
    spelling = {code.upper(): code for code in existing}
    errors: list[RowError] = []
    rows: dict[str, dict] = {}
    seen: dict[str, int] = {}
    for number, values in table.rows:
        code = spelling.setdefault(values["unit_code"].upper(), values["unit_code"])
        if ROW_ERROR in values:
            errors.append(RowError(number, "(whole row)", values[ROW_ERROR]))
            seen.setdefault(code, number)
            continue
        row_errors = []
        values["parent_code"] = spelling.get(values["parent_code"].upper(), values["parent_code"])
        for column in REQUIRED:
            if not values[column]:
                row_errors.append(RowError(number, column, "a value is required"))
        if len(code) > 32:
            row_errors.append(RowError(number, "unit_code", "must be at most 32 characters"))
        if len(values["name"]) > 200:
            row_errors.append(RowError(number, "name", "must be at most 200 characters"))
        if code in seen:
            row_errors.append(
                RowError(
                    number,
                    "unit_code",
                    f"duplicate unit code '{clip(values['unit_code'])}' (letter case is ignored), "
                    f"first on row {seen[code]}",
                )
            )
        kind = KINDS.get(values["kind"].strip().lower(), "") if values["kind"] else UnitKind.TEAM
        if not kind:
            row_errors.append(
                RowError(
                    number, "kind", f"unknown kind '{clip(values['kind'])}'; use one of: {', '.join(UnitKind.values)}"
                )
            )
        if values["parent_code"] == code and code:
            row_errors.append(RowError(number, "parent_code", "a unit cannot be its own parent"))
        if code and code not in seen:
            seen[code] = number
        if row_errors:
            errors.extend(row_errors)
        else:
            rows[code] = {"row": number, "name": values["name"], "parent": values["parent_code"] or None, "kind": kind}
    # Parents must exist; the resulting tree must have no cycle.
    code_by_path = {u.path: code for code, u in existing.items()}
    parents = {code: code_by_path.get(u.path[: -OrgUnit.steplen]) for code, u in existing.items()}
    parents.update({code: row["parent"] for code, row in rows.items()})
    changed = True
    while changed:
        changed = False
        for code, row in list(rows.items()):
            parent = row["parent"]
            if parent and parent not in rows and parent not in existing:
                reason = "is on a row that has errors" if parent in seen else "is not in the file nor already loaded"
                errors.append(RowError(row["row"], "parent_code", f"parent unit '{clip(parent)}' {reason}"))
                del rows[code]
                changed = True
    for code, row in list(rows.items()):
        walk, node = [], code
        while node is not None and node not in walk:
            walk.append(node)
            node = parents.get(node)
        if node == code:
            errors.append(RowError(row["row"], "parent_code", "unit tree cycle: " + " → ".join([*walk, code])))
            del rows[code]
    errors.sort(key=lambda e: (e.row, e.column))
    report.errors, report.rejected = errors, len({e.row for e in errors})
    if errors and not skip_invalid:
        return report
    with transaction.atomic():
        _apply(rows, existing, report, source=source, actor=actor)
        if dry_run:
            transaction.set_rollback(True)
        else:
            report.applied = True
    return report


def _apply(rows: dict[str, dict], existing: dict[str, OrgUnit], report: ImportReport, *, source, actor) -> None:
    events = []
    done: set[str] = set()

    def place(code: str) -> None:
        if code in done:
            return
        done.add(code)
        row = rows[code]
        if row["parent"] in rows:
            place(row["parent"])
        parent = OrgUnit.objects.get(code=row["parent"]) if row["parent"] else None
        unit = existing.get(code)
        if unit is None:
            fields = {"code": code, "name": row["name"], "kind": row["kind"]}
            unit = parent.add_child(**fields) if parent else OrgUnit.add_root(**fields)
            report.created += 1
            events.append(
                audit_event_build(
                    action="unit_created", obj=unit, summary=f"Unit created: {unit}", source=source, actor=actor
                )
            )
            return
        unit.refresh_from_db()
        changes = {}
        current_parent = unit.get_parent()
        if (current_parent.code if current_parent else None) != row["parent"]:
            changes["parent"] = [current_parent.code if current_parent else None, row["parent"]]
            if parent:
                unit.move(parent, "sorted-child")
            else:
                unit.move(OrgUnit.get_first_root_node(), "sorted-sibling")
            unit.refresh_from_db()
        for name in ("name", "kind"):
            if getattr(unit, name) != row[name]:
                changes[name] = [getattr(unit, name), row[name]]
                setattr(unit, name, row[name])
        if changes:
            unit.save(update_fields=["name", "kind"])
            report.updated += 1
            events.append(
                audit_event_build(
                    action="unit_updated",
                    obj=unit,
                    summary=f"Unit updated: {', '.join(changes)}",
                    source=source,
                    actor=actor,
                    changes=changes,
                )
            )
        else:
            report.unchanged += 1

    for code in rows:
        place(code)
    from compliance.models import AuditEvent

    AuditEvent.objects.bulk_create(events)
