"""The organisation-unit import: unit_code, name, parent_code, kind."""

import re

from django.db import transaction

from compliance.audit.services import audit_event_build
from compliance.people.models import OrgUnit
from compliance.people.models.organisation import UnitKind

from .base import ImportReport, RowError, clip
from .csvfile import ROW_ERROR, read_table
from .people import FORMULA_START

REQUIRED = ["unit_code", "name"]
OPTIONAL = ["parent_code", "kind"]
KINDS = (
    {k.lower(): k for k in UnitKind.values}
    | {label.lower(): value for value, label in UnitKind.choices}
    | {
        # The names forces give their own structures, mapped to the product's five levels.
        "constabulary": UnitKind.FORCE,
        "service": UnitKind.FORCE,
        "portfolio": UnitKind.DIRECTORATE,
        "command": UnitKind.DIRECTORATE,
        "directorate or portfolio": UnitKind.DIRECTORATE,
        "business area": UnitKind.DIRECTORATE,
        "branch": UnitKind.DEPARTMENT,
        "unit": UnitKind.DEPARTMENT,
        "function": UnitKind.DEPARTMENT,
        "local policing area": UnitKind.LOCAL_POLICING_AREA,
        "lpu": UnitKind.LOCAL_POLICING_AREA,
        "local policing unit": UnitKind.LOCAL_POLICING_AREA,
        "division": UnitKind.LOCAL_POLICING_AREA,
        "area": UnitKind.LOCAL_POLICING_AREA,
        "district": UnitKind.LOCAL_POLICING_AREA,
        "bcu": UnitKind.LOCAL_POLICING_AREA,
        "basic command unit": UnitKind.LOCAL_POLICING_AREA,
        "npu": UnitKind.LOCAL_POLICING_AREA,
        "neighbourhood policing unit": UnitKind.LOCAL_POLICING_AREA,
        "sector": UnitKind.TEAM,
        "section": UnitKind.TEAM,
        "squad": UnitKind.TEAM,
        "shift": UnitKind.TEAM,
        "station": UnitKind.TEAM,
        "neighbourhood team": UnitKind.TEAM,
        "response team": UnitKind.TEAM,
    }
)
# ASCII only: the database's Upper() (SQLite's at least) folds nothing else, so the case-insensitive
# match here and the unique constraint could disagree. A formula cannot start with a letter or digit.
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/\-]*$")
# treebeard keeps a unit's ancestry in `path`, steplen characters a level.
MAX_DEPTH = OrgUnit._meta.get_field("path").max_length // OrgUnit.steplen


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
    # All the file's codes first, so a parent written in another case matches whatever the order.
    for _, values in table.rows:
        spelling.setdefault(values["unit_code"].upper(), values["unit_code"])
    for number, values in table.rows:
        code = spelling[values["unit_code"].upper()]
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
        elif code and not CODE.match(code):
            row_errors.append(
                RowError(
                    number,
                    "unit_code",
                    f"'{clip(code)}' is not a unit code: use letters A to Z, digits, '-', '_', '/' or '.', "
                    "starting with a letter or digit, with no spaces",
                )
            )
        if len(values["name"]) > 200:
            row_errors.append(RowError(number, "name", "must be at most 200 characters"))
        elif values["name"].startswith(FORMULA_START):
            row_errors.append(
                RowError(
                    number,
                    "name",
                    f"'{clip(values['name'])}' starts with '{values['name'][0]}', like a spreadsheet formula: "
                    "not a name",
                )
            )
        if code in seen:
            row_errors.append(
                RowError(
                    number,
                    "unit_code",
                    f"duplicate unit code '{clip(values['unit_code'])}' (letter case is ignored), "
                    f"first on row {seen[code]}",
                )
            )
        kind_key = " ".join(values["kind"].replace("_", " ").replace("-", " ").lower().split())
        kind = KINDS.get(kind_key, "") if values["kind"] else UnitKind.TEAM
        if not kind:
            row_errors.append(
                RowError(
                    number,
                    "kind",
                    f"unknown kind '{clip(values['kind'])}'; use one of: {', '.join(UnitKind.values)} "
                    "(or a name such as division, BCU, NPU, sector), or map it in a mapping file",
                    unknown=clip(values["kind"]),
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
    # Parents must exist, the tree must have no cycle and must fit in the path column. Checked on the
    # rows that would be applied, again after each rejection: a rejected row orphans the rows under it,
    # and leaves its unit where it is, which can make another row's move a cycle.
    code_by_path = {u.path: code for code, u in existing.items()}
    loaded_parents = {code: code_by_path.get(u.path[: -OrgUnit.steplen]) for code, u in existing.items()}
    while True:
        new_errors: list[RowError] = []
        for code, row in list(rows.items()):
            parent = row["parent"]
            if parent and parent not in rows and parent not in existing:
                reason = "is on a row that has errors" if parent in seen else "is not in the file nor already loaded"
                new_errors.append(RowError(row["row"], "parent_code", f"parent unit '{clip(parent)}' {reason}"))
                del rows[code]
        parents = loaded_parents | {code: row["parent"] for code, row in rows.items()}
        for code, row in list(rows.items()):
            walk, node = [], code
            while node is not None and node not in walk:
                walk.append(node)
                node = parents.get(node)
            if node == code:
                new_errors.append(RowError(row["row"], "parent_code", "unit tree cycle: " + " → ".join([*walk, code])))
                del rows[code]
        if not new_errors:
            for code in _too_deep(parents, rows):
                new_errors.append(
                    RowError(
                        rows[code]["row"], "parent_code", f"the unit tree would be more than {MAX_DEPTH} levels deep"
                    )
                )
                del rows[code]
        if not new_errors:
            break
        errors.extend(new_errors)
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


def _too_deep(parents: dict[str, str | None], rows: dict[str, dict]) -> set[str]:
    """Rows that would put a unit below MAX_DEPTH: its own, or one it carries along in a move."""
    depth: dict[str, int] = {}
    for start in parents:
        chain, node = [], start
        while node is not None and node not in depth:
            chain.append(node)
            node = parents[node]
        base = depth[node] if node is not None else 0
        for member in reversed(chain):
            base += 1
            depth[member] = base
    blamed = set()
    for code, level in depth.items():
        if level > MAX_DEPTH:
            # An existing unit only gets deeper when a row moves a unit above it.
            while code is not None and code not in rows:
                code = parents[code]
            if code is not None:
                blamed.add(code)
    return blamed


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
    from compliance.audit.models import AuditEvent

    AuditEvent.objects.bulk_create(events)
