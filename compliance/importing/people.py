"""The HR import: the workforce file, loaded again and again as people join, move and leave.

Decisions worth knowing:

- Staff numbers are letters, digits, '.', '_' and '-'. They are matched without regard to
  case: 'ab123' in a file is the person already loaded as 'AB123' (who keeps that spelling),
  and two rows that differ only in case are duplicates.
- A leaver (end_date today or earlier) is deactivated, never deleted, and their login
  account is made inactive. People who report to a leaver keep that line manager until HR
  sends their new one; the report's notes list them so that is not forgotten.
- A rejoiner (end_date cleared) is reactivated.
- leadership_level given in the file is an override. Left blank it is derived from the
  rank or grade, except that an override already held is kept while the rank or grade is
  the same: a promotion re-derives it.
- role_start_date left blank: a joiner's start date; for someone already loaded, the
  date held is kept, unless the rank, grade or leadership level changes in this import
  (a promotion), when it is the day of the import.
- With --skip-invalid, a row whose line manager is on a rejected row is rejected too,
  unless that manager is already loaded (then the loaded record stands).
- An optional column missing from the file is not a blank cell: for people already loaded,
  their line manager, functions and leaving date stay as they are (the summary says so).
- A joiner's login account is created, or an existing account named after the staff number
  is taken over, but only one that has no person, no group and no staff or superuser rights.
- Two active people cannot share an email address: reminders would reach the wrong one.
"""

import datetime
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Upper
from django.utils import timezone

from compliance.audit.models import AuditEvent
from compliance.audit.services import audit_event_build
from compliance.people.models import (
    Function,
    LeadershipLevel,
    OrgUnit,
    Person,
    PersonFunction,
    RankChange,
    RankOrGrade,
    WorkerType,
)
from compliance.people.models.history import classify_change
from compliance.people.models.organisation import LINE_PATH_STEP, vocabulary_key
from compliance.people.services import _notify_people_changed, accounts_close, line_paths_rebuild
from courses.bulk import bulk_set

from .base import ImportReport, RowError, clip, parse_date
from .csvfile import ROW_ERROR, read_table

REQUIRED = [
    "staff_number",
    "first_name",
    "last_name",
    "email",
    "worker_type",
    "rank_or_grade",
    "unit_code",
    "start_date",
]
OPTIONAL = ["leadership_level", "line_manager_staff_number", "role_start_date", "functions", "end_date"]
# Optional columns whose absence keeps what is loaded (for the others a blank already does).
KEPT_WHEN_ABSENT = ["line_manager_staff_number", "functions", "end_date"]
COLUMNS = REQUIRED + OPTIONAL

# Fields compared to decide whether a person changed; order is the order of the report.
PERSON_FIELDS = [
    "first_name",
    "last_name",
    "email",
    "worker_type",
    "rank_or_grade",
    "leadership_level",
    "leadership_level_overridden",
    "unit_id",
    "start_date",
    "role_start_date",
    "end_date",
    "is_active",
]

WORKER_TYPE_SYNONYMS = {
    "officer": WorkerType.POLICE_OFFICER,
    "police officer": WorkerType.POLICE_OFFICER,
    "regular officer": WorkerType.POLICE_OFFICER,
    "student": WorkerType.STUDENT_OFFICER,
    "student police officer": WorkerType.STUDENT_OFFICER,
    "probationer": WorkerType.STUDENT_OFFICER,
    "staff": WorkerType.POLICE_STAFF,
    "police community support officer": WorkerType.PCSO,
    "special": WorkerType.SPECIAL_CONSTABLE,
    "specials": WorkerType.SPECIAL_CONSTABLE,
    "volunteer": WorkerType.VOLUNTEER,
    "police support volunteer": WorkerType.VOLUNTEER,
}
LEVEL_SYNONYMS = {
    "first line": "first_line",
    "first line leader": "first_line",
    "flm": "first_line",
    "middle": "middle",
    "middle leader": "middle",
    "senior": "senior",
    "senior leader": "senior",
    "none": "none",
    "no": "none",
}
BATCH = 2000
STAFF_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")
STAFF_NUMBER_MAX = 32
MAX_LINE_DEPTH = Person._meta.get_field("line_path").max_length // LINE_PATH_STEP
FORMULA_START = ("=", "+", "-", "@")
EMAIL_MAX = 254


def _fold(staff_number: str) -> str:
    return staff_number.upper()


def _chunks(items: Iterable) -> Iterator[list]:
    """Slices for IN (...) lists: BATCH at a time, fewer where the database limits parameters (SQLite)."""
    items = list(items)
    limit = connection.features.max_query_params
    size = min(BATCH, limit - 99) if limit else BATCH
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _choices_lookup(choices: type, synonyms: dict[str, str]) -> dict[str, str]:
    lookup = {vocabulary_key(value): value for value in choices.values}
    lookup.update({vocabulary_key(label): value for value, label in choices.choices})
    lookup.update({vocabulary_key(k): v for k, v in synonyms.items()})
    return lookup


WORKER_TYPES = _choices_lookup(WorkerType, {"pcso": WorkerType.PCSO, **WORKER_TYPE_SYNONYMS})
LEVELS = _choices_lookup(LeadershipLevel, LEVEL_SYNONYMS)
_email = EmailValidator()


@dataclass
class PersonRow:
    row: int
    staff_number: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    worker_type: str = ""
    rank_or_grade: str = ""
    leadership_level: str = ""
    leadership_level_overridden: bool = False
    unit_id: int | None = None
    manager_staff_number: str = ""
    start_date: datetime.date | None = None
    role_start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    function_ids: set[int] = field(default_factory=set)
    # Columns not in the file, whose loaded values this row keeps.
    keep: frozenset[str] = frozenset()

    @property
    def is_active(self) -> bool:
        return self.end_date is None or self.end_date > timezone.localdate()


class _Reference:
    """Everything the validator looks up, loaded once."""

    def __init__(self) -> None:
        self.units = dict(OrgUnit.objects.values_list("code", "pk"))
        self.units_folded = {code.lower(): pk for code, pk in self.units.items()}
        self.ranks: dict[str, RankOrGrade] = {}
        for rank in RankOrGrade.objects.all():
            for name in [rank.name, *rank.aliases.split(";")]:
                if name.strip():
                    self.ranks[vocabulary_key(name)] = rank
        self.functions = {}
        self.function_names = []
        for function in Function.objects.all():
            self.functions[vocabulary_key(function.code)] = function.pk
            self.functions[vocabulary_key(function.name)] = function.pk
            self.function_names.append(function.name)
        # staff number -> (pk, manager pk); the database's tree, which the file overlays.
        self.people = {}
        # Lower-cased email -> staff numbers of the active people using it.
        self.emails: dict[str, set[str]] = {}
        for staff, pk, manager, email, active in Person.objects.values_list(
            "staff_number", "pk", "line_manager_id", "email", "is_active"
        ):
            self.people[staff] = (pk, manager)
            if active and email:
                self.emails.setdefault(email.lower(), set()).add(staff)
        self.staff_by_pk = {pk: staff for staff, (pk, _) in self.people.items()}
        # Upper-cased staff number -> the spelling already loaded.
        self.spelling = {_fold(staff): staff for staff in self.people}


def _parse_row(
    number: int, values: dict[str, str], ref: _Reference, spelling: dict[str, str], present: frozenset[str]
) -> tuple[PersonRow | None, list[RowError]]:
    errors: list[RowError] = []

    def error(column: str, message: str, unknown: str = "") -> None:
        errors.append(RowError(number, column, message, unknown))

    if ROW_ERROR in values:
        error("(whole row)", values[ROW_ERROR])
        return None, errors
    for column in REQUIRED:
        if not values[column]:
            error(column, "a value is required")
    staff_number = values["staff_number"]
    if staff_number and (len(staff_number) > STAFF_NUMBER_MAX or not STAFF_NUMBER.match(staff_number)):
        error(
            "staff_number",
            f"'{clip(staff_number)}' is not a staff number: at most {STAFF_NUMBER_MAX} letters, digits, "
            "'.', '_' or '-', with no spaces",
        )
    row = PersonRow(row=number, staff_number=spelling.get(_fold(staff_number), staff_number))
    loaded = ref.people.get(row.staff_number)
    if loaded:
        row.keep = frozenset(c for c in KEPT_WHEN_ABSENT if c not in present)
    for name in ("first_name", "last_name"):
        value = values[name]
        if len(value) > 150:
            error(name, "must be at most 150 characters")
        elif value.startswith(FORMULA_START):
            error(name, f"'{clip(value)}' starts with '{value[0]}', like a spreadsheet formula: not a name")
        setattr(row, name, value)
    if values["email"]:
        value = values["email"]
        try:
            if len(value) > EMAIL_MAX or value.startswith(FORMULA_START):
                raise ValidationError("invalid")
            _email(value)
            row.email = value.lower()
        except ValidationError:
            error("email", f"'{clip(value)}' is not a valid email address")
    if values["worker_type"]:
        row.worker_type = WORKER_TYPES.get(vocabulary_key(values["worker_type"]), "")
        if not row.worker_type:
            error(
                "worker_type",
                f"unknown worker type '{clip(values['worker_type'])}'; use one of: " + ", ".join(WorkerType.values),
                unknown=clip(values["worker_type"]),
            )
    if values["leadership_level"]:
        level = LEVELS.get(vocabulary_key(values["leadership_level"]))
        if level:
            row.leadership_level, row.leadership_level_overridden = level, True
        else:
            error(
                "leadership_level",
                f"unknown leadership level '{clip(values['leadership_level'])}'; use one of: "
                + ", ".join(LeadershipLevel.values)
                + ", or leave it blank to derive it from the rank or grade",
            )
    if values["rank_or_grade"]:
        rank = ref.ranks.get(vocabulary_key(values["rank_or_grade"]))
        if rank:
            row.rank_or_grade = rank.name
            if not row.leadership_level_overridden:
                row.leadership_level = rank.leadership_level
        elif values["rank_or_grade"].startswith(FORMULA_START) or len(values["rank_or_grade"]) > 64:
            error("rank_or_grade", f"'{clip(values['rank_or_grade'])}' is not a rank or grade")
        elif row.leadership_level_overridden:
            row.rank_or_grade = values["rank_or_grade"]
        elif "leadership_level" not in {e.column for e in errors}:
            error(
                "rank_or_grade",
                f"unknown rank or grade '{clip(values['rank_or_grade'])}': add it to the ranks "
                "and grades table, or give its leadership_level in the file",
                unknown=clip(values["rank_or_grade"]),
            )
    if values["unit_code"]:
        code = values["unit_code"]
        row.unit_id = ref.units.get(code) or ref.units_folded.get(code.lower())
        if row.unit_id is None:
            error("unit_code", f"unknown unit '{clip(code)}': import it with import_units first", unknown=clip(code))
    if "line_manager_staff_number" in row.keep:
        manager = ref.staff_by_pk.get(loaded[1]) or ""
    else:
        manager = values["line_manager_staff_number"]
    row.manager_staff_number = spelling.get(_fold(manager), manager)
    if manager and _fold(manager) == _fold(staff_number):
        error("line_manager_staff_number", "a person cannot be their own line manager")
    for name in ("start_date", "role_start_date", "end_date"):
        if values[name]:
            try:
                setattr(row, name, parse_date(values[name]))
            except ValueError as exc:
                error(name, str(exc))
    if row.start_date and row.end_date and row.end_date < row.start_date:
        error("end_date", f"leaving date {row.end_date:%d/%m/%Y} is before the start date {row.start_date:%d/%m/%Y}")
    for name in filter(None, (part.strip() for part in values["functions"].split(";"))):
        function_id = ref.functions.get(vocabulary_key(name))
        if function_id is None:
            known = ", ".join(ref.function_names)
            error("functions", f"unknown function '{clip(name)}'; known functions: {known}", unknown=clip(name))
        else:
            row.function_ids.add(function_id)
    return (None if errors else row), errors


def _find_cycles(managers: dict[str, str | None]) -> list[list[str]]:
    """Every cycle in a staff number -> manager staff number graph."""
    state: dict[str, int] = {}  # 1 = on the current walk, 2 = done
    cycles = []
    for start in managers:
        if state.get(start):
            continue
        walk: list[str] = []
        node: str | None = start
        while node is not None and node in managers and not state.get(node):
            state[node] = 1
            walk.append(node)
            node = managers[node]
        if node is not None and state.get(node) == 1:
            cycles.append(walk[walk.index(node) :])
        for member in walk:
            state[member] = 2
    return cycles


def _depths(managers: dict[str, str | None], wanted: Iterable[str]) -> dict[str, int]:
    """How many levels each wanted person sits below the top (the top is 1); no cycles here."""
    depth: dict[str, int] = {}
    for start in wanted:
        chain = []
        node: str | None = start
        while node is not None and node not in depth and node in managers:
            chain.append(node)
            node = managers[node]
        base = depth.get(node, 0) if node is not None else 0
        for member in reversed(chain):
            base += 1
            depth[member] = base
    return {staff: depth[staff] for staff in wanted}


def _login_name_clashes(joiners: list[str]) -> dict[str, str]:
    """Joiners whose staff number is already a login name (letter case ignored) that the import
    must not take over, with why: someone else's account, or one with rights of its own."""
    User = get_user_model()
    in_a_group = Exists(User.groups.through.objects.filter(user_id=OuterRef("pk")))
    clashes: dict[str, str] = {}
    by_fold = {_fold(staff): staff for staff in joiners}
    for chunk in _chunks(by_fold):
        accounts = (
            User.objects.annotate(fold=Upper("username"), grouped=in_a_group)
            .filter(fold__in=chunk)
            .values_list("fold", "username", "person", "is_superuser", "is_staff", "grouped")
        )
        for fold, username, person, superuser, staff, grouped in accounts:
            if person is not None:
                clashes[by_fold[fold]] = "another person's account"
            elif superuser or staff or grouped:
                clashes[by_fold[fold]] = (
                    "an account with administrative rights or roles, which an import never takes over"
                )
            elif username != by_fold[fold]:
                clashes[by_fold[fold]] = f"an account spelt '{clip(username)}'"
    return clashes


def _guarded_account_changes(parsed: dict[str, "PersonRow"], ref: _Reference) -> dict[str, RowError]:
    """Rows that would change the email, the active flag or the leaving date of a person whose
    account holds rights (a role, staff or superuser status, or a password of its own): an HR
    file never changes those, so it can never hand such an account to someone else. An
    administrator does, in the admin."""
    User = get_user_model()
    in_a_group = Exists(User.groups.through.objects.filter(user_id=OuterRef("user_id")))
    existing = [staff for staff in parsed if staff in ref.people]
    errors: dict[str, RowError] = {}
    for chunk in _chunks(existing):
        people = (
            Person.objects.filter(staff_number__in=chunk)
            .annotate(grouped=in_a_group)
            .values_list(
                "staff_number", "email", "is_active", "end_date", "user__is_superuser", "user__is_staff",
                "user__password", "grouped",
            )
        )  # fmt: skip
        for staff, email, active, end_date, superuser, staff_rights, password, grouped in people:
            row = parsed[staff]
            guarded = superuser or staff_rights or grouped or (password and not password.startswith("!"))
            if not guarded:
                continue
            why = (
                "holds rights (a role, staff or superuser status, or a password of its own): an HR file "
                "never changes its {what}; an administrator does, in the admin"
            )
            if row.email and row.email != (email or "").lower():
                errors[staff] = RowError(row.row, "email", f"the account of {staff} " + why.format(what="email"))
            elif "end_date" not in row.keep and (row.end_date != end_date or row.is_active != active):
                errors[staff] = RowError(
                    row.row, "end_date", f"the account of {staff} " + why.format(what="leaving date or access")
                )
    return errors


def _shared_emails(parsed: dict[str, "PersonRow"], ref: _Reference) -> dict[str, RowError]:
    """Rows whose email another active person would also have, in the file or already loaded."""
    users: dict[str, set[str]] = {
        email: {staff for staff in holders if staff not in parsed} for email, holders in ref.emails.items()
    }
    for staff, row in parsed.items():
        if row.is_active and row.email:
            users.setdefault(row.email, set()).add(staff)
    errors = {}
    for staff, row in parsed.items():
        others = users.get(row.email, set()) - {staff}
        if row.is_active and others:
            rows = {parsed[o].row for o in others if o in parsed}
            where = [f"row {n}" for n in sorted(rows)] + sorted(
                f"{clip(o)} (already loaded)" for o in others if o not in parsed
            )
            errors[staff] = RowError(
                row.row,
                "email",
                f"'{clip(row.email)}' is also the email of {', '.join(where)}: each person needs their own",
            )
    return errors


def _too_deep(managers: dict[str, str | None], changed: set[str]) -> dict[str, int]:
    """Rows that would put someone more than MAX_LINE_DEPTH levels down, in the file or below
    it in the loaded tree: the nearest changed row above each such person -> the depth."""
    blamed: dict[str, int] = {}
    for staff, depth in _depths(managers, list(managers)).items():
        if depth <= MAX_LINE_DEPTH:
            continue
        node: str | None = staff
        while node is not None and node not in changed:
            node = managers.get(node)
        if node is not None:
            blamed[node] = max(blamed.get(node, 0), depth)
    return blamed


def validate(
    table_rows: list[tuple[int, dict[str, str]]], ref: _Reference, skip_invalid: bool, present: frozenset[str]
) -> tuple[list[PersonRow], list[RowError], int]:
    errors: list[RowError] = []
    parsed: dict[str, PersonRow] = {}
    # Spelling of each staff number: as already loaded, else as first written in the file.
    spelling = dict(ref.spelling)
    rows_by_staff: dict[str, list[int]] = {}
    for number, values in table_rows:
        staff = values.get("staff_number", "")
        if staff:
            spelling.setdefault(_fold(staff), staff)
            rows_by_staff.setdefault(_fold(staff), []).append(number)
    duplicated = {fold: numbers for fold, numbers in rows_by_staff.items() if len(numbers) > 1}
    for number, values in table_rows:
        fold = _fold(values.get("staff_number", ""))
        if fold in duplicated:
            # Neither copy can be trusted to be the right one.
            others = ", ".join(str(n) for n in duplicated[fold] if n != number)
            errors.append(
                RowError(
                    number,
                    "staff_number",
                    f"duplicate staff number '{clip(values['staff_number'])}' (letter case is ignored), "
                    f"also on row {others}",
                )
            )
            continue
        row, row_errors = _parse_row(number, values, ref, spelling, present)
        errors.extend(row_errors)
        if row is not None:
            parsed[row.staff_number] = row
    file_staff = {spelling[fold] for fold in rows_by_staff}
    joiners = [staff for staff in parsed if staff not in ref.people]
    for staff, whose in _login_name_clashes(joiners).items():
        errors.append(
            RowError(parsed[staff].row, "staff_number", f"'{clip(staff)}' is already the login name of {whose}")
        )
        del parsed[staff]
    for check in (_guarded_account_changes, _shared_emails):
        for staff, error in check(parsed, ref).items():
            errors.append(error)
            del parsed[staff]
    # References, cycles and depth, repeated because rejecting a manager can orphan their reports.
    while True:
        new_errors: list[RowError] = []
        for staff, row in list(parsed.items()):
            manager = row.manager_staff_number
            if not manager or manager in parsed or manager in ref.people:
                continue
            if manager in file_staff:
                reason = f"line manager '{clip(manager)}' is on a row that has errors"
            else:
                reason = f"line manager '{clip(manager)}' is not in the file nor already loaded"
            new_errors.append(RowError(row.row, "line_manager_staff_number", reason))
            del parsed[staff]
        managers: dict[str, str | None] = {
            staff: (ref.staff_by_pk.get(manager_pk) if manager_pk else None)
            for staff, (_, manager_pk) in ref.people.items()
        }
        managers.update({staff: (row.manager_staff_number or None) for staff, row in parsed.items()})
        for cycle in _find_cycles(managers):
            path = " → ".join([*cycle, cycle[0]])
            for staff in cycle:
                if staff in parsed:
                    new_errors.append(
                        RowError(parsed[staff].row, "line_manager_staff_number", f"line-management cycle: {path}")
                    )
                    del parsed[staff]
        if not new_errors:
            changed = {
                staff
                for staff, row in parsed.items()
                if staff not in ref.people
                or (row.manager_staff_number or None) != ref.staff_by_pk.get(ref.people[staff][1])
            }
            for staff, depth in _too_deep(managers, changed).items():
                new_errors.append(
                    RowError(
                        parsed[staff].row,
                        "line_manager_staff_number",
                        f"this would make the line-management chain {depth} levels deep at or below this "
                        f"person; at most {MAX_LINE_DEPTH} are supported",
                    )
                )
                del parsed[staff]
        if not new_errors:
            break
        errors.extend(new_errors)
        if not skip_invalid:
            break
    errors.sort(key=lambda e: (e.row, e.column))
    rejected = len({e.row for e in errors})
    return list(parsed.values()), errors, rejected


def import_people(
    data: bytes | str,
    *,
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    source: str = "import_people",
    actor=None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    table = read_table(data, required=REQUIRED, optional=OPTIONAL, mapping=mapping)
    report = ImportReport(kind="people", rows=len(table.rows), dry_run=dry_run, skip_invalid=skip_invalid)
    if table.ignored_columns:
        report.notes.append("Ignored column(s): " + ", ".join(clip(c, 40) for c in table.ignored_columns))
    if kept := [c for c in KEPT_WHEN_ABSENT if c not in table.columns]:
        report.notes.append(
            f"Column(s) not in the file: {', '.join(kept)}. People already loaded keep theirs; joiners have none."
        )
    ref = _Reference()
    rows, errors, rejected = validate(table.rows, ref, skip_invalid, table.columns)
    report.errors, report.rejected = errors, rejected
    if errors and not skip_invalid:
        return report
    with transaction.atomic():
        _apply(rows, ref, report, source=source, actor=actor, progress=progress)
        if dry_run:
            transaction.set_rollback(True)
        else:
            report.applied = True
    return report


def _apply(rows: list[PersonRow], ref: _Reference, report: ImportReport, *, source, actor, progress) -> None:
    User = get_user_model()
    existing_by_pk = Person.objects.in_bulk(
        [ref.people[r.staff_number][0] for r in rows if r.staff_number in ref.people]
    )
    existing = {p.staff_number: p for p in existing_by_pk.values()}
    current_functions: dict[int, dict[int, PersonFunction]] = {}
    for chunk in _chunks(existing_by_pk):
        for link in PersonFunction.objects.filter(person_id__in=chunk):
            current_functions.setdefault(link.person_id, {})[link.function_id] = link
    today, now = timezone.localdate(), timezone.now()
    to_create: list[PersonRow] = []
    to_update: list[Person] = []
    changes_by_person: dict[int, dict] = {}
    deactivated: set[int] = set()
    reactivated: set[int] = set()
    function_links_new: list[PersonFunction] = []
    function_links_gone: list[int] = []
    # (person, old rank, old level, new rank, new level): the rank history's new rows.
    rank_changes: list[tuple] = []
    rank_change_dates: dict[str, datetime.date] = {}
    total = len(rows)

    def advance(fraction: float) -> None:
        # The comparison is quick; the writes that follow are most of the time.
        if progress and total:
            progress(int(total * fraction), total)

    for done, row in enumerate(rows, start=1):
        if done % BATCH == 0:
            advance(0.1 * done / total)
        person = existing.get(row.staff_number)
        if person is None:
            row.role_start_date = row.role_start_date or row.start_date
            to_create.append(row)
            continue
        if "end_date" in row.keep:
            row.end_date = person.end_date
        promoted = row.rank_or_grade != person.rank_or_grade
        if not row.leadership_level_overridden and person.leadership_level_overridden and not promoted:
            row.leadership_level, row.leadership_level_overridden = person.leadership_level, True
        if row.role_start_date is None:
            if promoted or row.leadership_level != person.leadership_level:
                row.role_start_date = max(today, row.start_date)
            else:
                row.role_start_date = person.role_start_date
        if (row.rank_or_grade, row.leadership_level) != (person.rank_or_grade, person.leadership_level):
            rank_changes.append(
                (person, person.rank_or_grade, person.leadership_level, row.rank_or_grade, row.leadership_level)
            )
            rank_change_dates[person.staff_number] = row.role_start_date
        changes = {}
        was_active = person.is_active
        for name in PERSON_FIELDS:
            wanted = getattr(row, name)
            if getattr(person, name) != wanted:
                changes[name] = [_jsonable(getattr(person, name)), _jsonable(wanted)]
                setattr(person, name, wanted)
        current_manager = ref.staff_by_pk.get(person.line_manager_id)
        if current_manager != (row.manager_staff_number or None):
            changes["line_manager"] = [current_manager, row.manager_staff_number or None]
        have = current_functions.get(person.pk, {})
        if "functions" in row.keep:
            row.function_ids = set(have)
        for function_id in row.function_ids - have.keys():
            function_links_new.append(PersonFunction(person=person, function_id=function_id, gained_on=today))
        function_links_gone.extend(link.pk for fid, link in have.items() if fid not in row.function_ids)
        if row.function_ids != set(have):
            changes["functions"] = [sorted(have), sorted(row.function_ids)]
        if changes:
            if was_active and not person.is_active:
                deactivated.add(person.pk)
            elif person.is_active and not was_active:
                reactivated.add(person.pk)
            changes_by_person[person.pk] = changes
            person.updated_at = now  # bulk writes do not apply auto_now
            to_update.append(person)
    # Joiners: a login account each (no password: they sign in through the force's identity provider).
    usernames = [r.staff_number for r in to_create]
    users = {}
    for chunk in _chunks(usernames):
        users.update({u.username: u for u in User.objects.filter(username__in=chunk)})
    new_users = [
        User(
            username=r.staff_number,
            email=r.email,
            first_name=r.first_name[:150],
            last_name=r.last_name[:150],
            is_active=r.is_active,
            password="!",
        )
        for r in to_create
        if r.staff_number not in users
    ]
    # An account already named after the staff number, with no person yet, is taken over.
    reused = set(users)
    for user in User.objects.bulk_create(new_users, batch_size=BATCH):
        users[user.username] = user
    if any(user.pk is None for user in users.values()):
        for chunk in _chunks(usernames):
            users.update({u.username: u for u in User.objects.filter(username__in=chunk)})
    advance(0.3)
    created = Person.objects.bulk_create(
        [
            Person(
                user_id=users[r.staff_number].pk,
                staff_number=r.staff_number,
                **{name: getattr(r, name) for name in PERSON_FIELDS},
            )
            for r in to_create
        ],
        batch_size=BATCH,
    )
    if created and created[0].pk is None:
        created = []
        for chunk in _chunks(usernames):
            created.extend(Person.objects.filter(staff_number__in=chunk))
    by_staff = {p.staff_number: p for p in created} | existing
    pk_by_staff = {staff: pk for staff, (pk, _) in ref.people.items()} | {p.staff_number: p.pk for p in created}
    for row in to_create:
        person = by_staff[row.staff_number]
        function_links_new.extend(
            PersonFunction(person=person, function_id=f, gained_on=today) for f in sorted(row.function_ids)
        )
    advance(0.6)
    # Managers, now that every joiner has a primary key.
    manager_updates = []
    for row in rows:
        person = by_staff[row.staff_number]
        wanted = pk_by_staff[row.manager_staff_number] if row.manager_staff_number else None
        if person.line_manager_id != wanted:
            person.line_manager_id, person.updated_at = wanted, now
            manager_updates.append(person)
    bulk_set(Person, to_update, [*PERSON_FIELDS, "updated_at"], batch_size=BATCH)
    bulk_set(Person, manager_updates, ["line_manager", "updated_at"], batch_size=BATCH)
    for chunk in _chunks(function_links_gone):
        PersonFunction.objects.filter(pk__in=chunk).delete()
    PersonFunction.objects.bulk_create(function_links_new, batch_size=BATCH)
    _record_rank_changes(created, rank_changes, rank_change_dates, ref, source=source, now=now)
    advance(0.75)
    moved = line_paths_rebuild() if (created or manager_updates) else []
    advance(0.85)
    _sync_user_accounts(to_update + [p for p in created if p.staff_number in reused])

    def action(person: Person) -> str:
        if person.pk in deactivated:
            return "person_deactivated"
        return "person_reactivated" if person.pk in reactivated else "person_updated"

    summaries = {"person_deactivated": "Left the force: ", "person_reactivated": "Rejoined: ", "person_updated": ""}
    events = [
        audit_event_build(action="person_created", obj=p, summary=f"Joined: {p}", source=source, actor=actor)
        for p in created
    ] + [
        audit_event_build(
            action=action(p),
            obj=p,
            summary=f"{summaries[action(p)] or 'Updated: '}{p}: " + ", ".join(changes_by_person[p.pk]),
            source=source,
            actor=actor,
            changes=changes_by_person[p.pk],
        )
        for p in to_update
    ]
    AuditEvent.objects.bulk_create(events, batch_size=BATCH)
    report.created = len(created)
    report.deactivated = len(deactivated)
    report.updated = len(to_update) - len(deactivated)
    report.unchanged = len(rows) - len(created) - len(to_update)
    _note_reports_of_leavers(report)
    advance(1)
    _notify_people_changed([p.pk for p in created] + [p.pk for p in to_update] + list(moved))


def _record_rank_changes(created, changes, dates, ref: _Reference, *, source: str, now) -> None:
    """The rank history (`RankChange`): a joiner's first rank or grade, and every change of
    rank or grade or leadership level, from the date the new one started, classified as a
    promotion or entry into a leadership level by the ranks and grades table."""
    seniority = {rank.name: (rank.kind, rank.seniority) for rank in ref.ranks.values()}
    history = [
        RankChange(
            person=p,
            started_on=p.role_start_date,
            rank_or_grade=p.rank_or_grade,
            leadership_level=p.leadership_level,
            source=source[:40],
            recorded_at=now,
        )
        for p in created
    ]
    for person, old_rank, old_level, new_rank, new_level in changes:
        promotion, level_entry = classify_change(
            old_rank=old_rank, old_level=old_level, new_rank=new_rank, new_level=new_level, seniority=seniority
        )
        history.append(
            RankChange(
                person=person,
                started_on=dates[person.staff_number],
                rank_or_grade=new_rank,
                leadership_level=new_level,
                previous_rank_or_grade=old_rank,
                previous_leadership_level=old_level,
                promotion=promotion,
                level_entry=level_entry,
                source=source[:40],
                recorded_at=now,
            )
        )
    RankChange.objects.bulk_create(history, batch_size=BATCH)


def _note_reports_of_leavers(report: ImportReport) -> None:
    """Active people whose line manager has left stay with them until HR names a new one: say so."""
    orphaned = Person.objects.filter(is_active=True, line_manager__is_active=False)
    examples = list(orphaned.order_by("staff_number").values_list("staff_number", "line_manager__staff_number")[:5])
    if examples:
        count = orphaned.count() if len(examples) == 5 else len(examples)
        report.notes.append(
            f"{count} active person(s) report to a line manager who has left, for example "
            + ", ".join(f"{staff} to {manager}" for staff, manager in examples)
            + ": send their new line managers."
        )


def _sync_user_accounts(people: list[Person]) -> None:
    User = get_user_model()
    users = User.objects.in_bulk([p.user_id for p in people])
    changed, closed = [], []
    for person in people:
        user = users[person.user_id]
        wanted = (person.email, person.first_name[:150], person.last_name[:150], person.is_active)
        if (user.email, user.first_name, user.last_name, user.is_active) != wanted:
            if user.is_active and not person.is_active:
                closed.append(user.pk)
            user.email, user.first_name, user.last_name, user.is_active = wanted
            changed.append(user)
    bulk_set(User, changed, ["email", "first_name", "last_name", "is_active"], batch_size=BATCH)
    accounts_close(user_ids=closed)


def _jsonable(value):
    return value.isoformat() if isinstance(value, datetime.date) else value
