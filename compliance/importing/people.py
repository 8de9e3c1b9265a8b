"""The HR import: the workforce file, loaded again and again as people join, move and leave."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.utils import timezone

from compliance.models import Function, LeadershipLevel, OrgUnit, Person, PersonFunction, RankOrGrade, WorkerType
from compliance.services.audit import audit_event_build
from compliance.services.people import _notify_people_changed, line_paths_rebuild

from .base import ImportReport, RowError, clip, parse_date
from .csvfile import read_table

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


def _key(text: str) -> str:
    return " ".join(text.replace("_", " ").replace("-", " ").lower().split())


def _choices_lookup(choices: type, synonyms: dict[str, str]) -> dict[str, str]:
    lookup = {_key(value): value for value in choices.values}
    lookup.update({_key(label): value for value, label in choices.choices})
    lookup.update({_key(k): v for k, v in synonyms.items()})
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
                    self.ranks[_key(name)] = rank
        self.functions = {}
        for function in Function.objects.all():
            self.functions[_key(function.code)] = function.pk
            self.functions[_key(function.name)] = function.pk
        self.function_names = sorted(Function.objects.values_list("name", flat=True))
        # staff number -> (pk, manager pk); the database's tree, which the file overlays.
        self.people = {
            staff: (pk, manager)
            for staff, pk, manager in Person.objects.values_list("staff_number", "pk", "line_manager_id")
        }
        self.staff_by_pk = {pk: staff for staff, (pk, _) in self.people.items()}


def _parse_row(number: int, values: dict[str, str], ref: _Reference) -> tuple[PersonRow | None, list[RowError]]:
    errors: list[RowError] = []

    def error(column: str, message: str) -> None:
        errors.append(RowError(number, column, message))

    if "__error__" in values:
        error("(whole row)", values["__error__"])
        return None, errors
    for column in REQUIRED:
        if not values[column]:
            error(column, "a value is required")
    staff_number = values["staff_number"]
    if staff_number and (len(staff_number) > 32 or any(ch.isspace() for ch in staff_number)):
        error("staff_number", f"'{clip(staff_number)}' must be at most 32 characters with no spaces")
    row = PersonRow(row=number, staff_number=staff_number)
    for name in ("first_name", "last_name"):
        if len(values[name]) > 150:
            error(name, "must be at most 150 characters")
        setattr(row, name, values[name])
    if values["email"]:
        try:
            _email(values["email"])
            row.email = values["email"].lower()
        except ValidationError:
            error("email", f"'{clip(values['email'])}' is not a valid email address")
    if values["worker_type"]:
        row.worker_type = WORKER_TYPES.get(_key(values["worker_type"]), "")
        if not row.worker_type:
            error(
                "worker_type",
                f"unknown worker type '{clip(values['worker_type'])}'; use one of: " + ", ".join(WorkerType.values),
            )
    if values["leadership_level"]:
        level = LEVELS.get(_key(values["leadership_level"]))
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
        rank = ref.ranks.get(_key(values["rank_or_grade"]))
        if rank:
            row.rank_or_grade = rank.name
            if not row.leadership_level_overridden:
                row.leadership_level = rank.leadership_level
        elif row.leadership_level_overridden:
            row.rank_or_grade = clip(values["rank_or_grade"], 64)
        elif "leadership_level" not in {e.column for e in errors}:
            error(
                "rank_or_grade",
                f"unknown rank or grade '{clip(values['rank_or_grade'])}': add it to the ranks "
                "and grades table, or give its leadership_level in the file",
            )
    if values["unit_code"]:
        code = values["unit_code"]
        row.unit_id = ref.units.get(code) or ref.units_folded.get(code.lower())
        if row.unit_id is None:
            error("unit_code", f"unknown unit '{clip(code)}': import it with import_units first")
    row.manager_staff_number = values["line_manager_staff_number"]
    if row.manager_staff_number and row.manager_staff_number == staff_number:
        error("line_manager_staff_number", "a person cannot be their own line manager")
    for name in ("start_date", "role_start_date", "end_date"):
        if values[name]:
            try:
                setattr(row, name, parse_date(values[name]))
            except ValueError as exc:
                error(name, str(exc))
    if row.role_start_date is None and "role_start_date" not in {e.column for e in errors}:
        row.role_start_date = row.start_date
    if row.start_date and row.end_date and row.end_date < row.start_date:
        error("end_date", f"leaving date {row.end_date:%d/%m/%Y} is before the start date {row.start_date:%d/%m/%Y}")
    for name in filter(None, (part.strip() for part in values["functions"].split(";"))):
        function_id = ref.functions.get(_key(name))
        if function_id is None:
            error("functions", f"unknown function '{clip(name)}'; known functions: " + ", ".join(ref.function_names))
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


def validate(
    table_rows: list[tuple[int, dict[str, str]]], ref: _Reference, skip_invalid: bool
) -> tuple[list[PersonRow], list[RowError], int]:
    errors: list[RowError] = []
    parsed: dict[str, PersonRow] = {}
    rows_by_staff: dict[str, list[int]] = {}
    for number, values in table_rows:
        rows_by_staff.setdefault(values.get("staff_number", ""), []).append(number)
    duplicated = {staff: numbers for staff, numbers in rows_by_staff.items() if staff and len(numbers) > 1}
    for number, values in table_rows:
        staff = values.get("staff_number", "")
        if staff in duplicated:
            # Neither copy can be trusted to be the right one.
            others = ", ".join(str(n) for n in duplicated[staff] if n != number)
            errors.append(
                RowError(number, "staff_number", f"duplicate staff number '{clip(staff)}', also on row {others}")
            )
            continue
        row, row_errors = _parse_row(number, values, ref)
        errors.extend(row_errors)
        if row is not None:
            parsed[staff] = row
    file_staff = set(rows_by_staff)
    # References and cycles, repeated because rejecting a manager can orphan their reports.
    while True:
        new_errors: list[RowError] = []
        for staff, row in list(parsed.items()):
            manager = row.manager_staff_number
            if not manager:
                continue
            if manager in parsed or (manager in ref.people and manager not in file_staff):
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
    report = ImportReport(kind="people", rows=len(table.rows), dry_run=dry_run)
    if table.ignored_columns:
        report.notes.append("Ignored column(s): " + ", ".join(clip(c, 40) for c in table.ignored_columns))
    ref = _Reference()
    rows, errors, rejected = validate(table.rows, ref, skip_invalid)
    report.errors, report.rejected = errors, rejected
    if errors and not skip_invalid:
        report.unchanged = 0
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
    existing = {p.staff_number: p for p in Person.objects.filter(staff_number__in=[r.staff_number for r in rows])}
    current_functions: dict[int, dict[int, PersonFunction]] = {}
    for link in PersonFunction.objects.filter(person__in=existing.values()):
        current_functions.setdefault(link.person_id, {})[link.function_id] = link
    today = timezone.localdate()
    to_create: list[PersonRow] = []
    to_update: list[Person] = []
    changes_by_person: dict[int, dict] = {}
    deactivated: set[int] = set()
    function_links_new: list[PersonFunction] = []
    function_links_gone: list[int] = []
    done = 0
    for row in rows:
        person = existing.get(row.staff_number)
        if person is None:
            to_create.append(row)
            continue
        changes = {}
        for name in PERSON_FIELDS:
            wanted = getattr(row, name)
            if getattr(person, name) != wanted:
                changes[name] = [_jsonable(getattr(person, name)), _jsonable(wanted)]
                setattr(person, name, wanted)
        current_manager = ref.staff_by_pk.get(person.line_manager_id)
        if current_manager != (row.manager_staff_number or None):
            changes["line_manager"] = [current_manager, row.manager_staff_number or None]
        have = current_functions.get(person.pk, {})
        for function_id in row.function_ids - have.keys():
            function_links_new.append(PersonFunction(person=person, function_id=function_id, gained_on=today))
        gone = [link.pk for fid, link in have.items() if fid not in row.function_ids]
        function_links_gone.extend(gone)
        if row.function_ids != set(have):
            changes["functions"] = [sorted(have), sorted(row.function_ids)]
        if changes:
            if "is_active" in changes and not row.is_active:
                deactivated.add(person.pk)
            changes_by_person[person.pk] = changes
            to_update.append(person)
        done += 1
        if progress and done % BATCH == 0:
            progress(done, len(rows))
    # Joiners: a login account each (no password: they sign in through the force's identity provider).
    usernames = {r.staff_number for r in to_create}
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
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
    for user in User.objects.bulk_create(new_users, batch_size=BATCH):
        users[user.username] = user
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
        created = list(Person.objects.filter(staff_number__in=usernames))
    by_staff = {p.staff_number: p for p in created} | existing
    pk_by_staff = {staff: pk for staff, (pk, _) in ref.people.items()} | {p.staff_number: p.pk for p in created}
    for row, person in ((r, by_staff[r.staff_number]) for r in to_create):
        function_links_new.extend(
            PersonFunction(person=person, function_id=f, gained_on=today) for f in row.function_ids
        )
    # Managers, now that every joiner has a primary key.
    manager_updates = []
    for row in rows:
        person = by_staff[row.staff_number]
        wanted = pk_by_staff[row.manager_staff_number] if row.manager_staff_number else None
        if person.line_manager_id != wanted:
            person.line_manager_id = wanted
            manager_updates.append(person)
    Person.objects.bulk_update(to_update, PERSON_FIELDS, batch_size=BATCH)
    Person.objects.bulk_update(manager_updates, ["line_manager"], batch_size=BATCH)
    PersonFunction.objects.filter(pk__in=function_links_gone).delete()
    PersonFunction.objects.bulk_create(function_links_new, batch_size=BATCH)
    if created or manager_updates:
        line_paths_rebuild()
    _sync_user_accounts(to_update)
    events = [
        audit_event_build(action="person_created", obj=p, summary=f"Joined: {p}", source=source, actor=actor)
        for p in created
    ] + [
        audit_event_build(
            action="person_deactivated" if p.pk in deactivated else "person_updated",
            obj=p,
            summary=("Left the force: " if p.pk in deactivated else "Updated: ") + ", ".join(changes_by_person[p.pk]),
            source=source,
            actor=actor,
            changes=changes_by_person[p.pk],
        )
        for p in to_update
    ]
    from compliance.models import AuditEvent

    AuditEvent.objects.bulk_create(events, batch_size=BATCH)
    report.created = len(created)
    report.deactivated = len(deactivated)
    report.updated = len(to_update) - len(deactivated)
    report.unchanged = len(rows) - len(created) - len(to_update)
    if progress:
        progress(len(rows), len(rows))
    _notify_people_changed([p.pk for p in created] + [p.pk for p in to_update])


def _sync_user_accounts(people: list[Person]) -> None:
    User = get_user_model()
    users = User.objects.in_bulk([p.user_id for p in people])
    changed = []
    for person in people:
        user = users[person.user_id]
        wanted = (person.email, person.first_name[:150], person.last_name[:150], person.is_active)
        if (user.email, user.first_name, user.last_name, user.is_active) != wanted:
            user.email, user.first_name, user.last_name, user.is_active = wanted
            changed.append(user)
    User.objects.bulk_update(changed, ["email", "first_name", "last_name", "is_active"], batch_size=BATCH)


def _jsonable(value):
    return value.isoformat() if isinstance(value, datetime.date) else value
