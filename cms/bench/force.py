"""The one synthetic force every benchmark builds on: units, accounts and people in a line-
management tree, written in a few bulk statements (a 50,000-person force in seconds).

The shape is a police force's: a chief; commanders (Chief Superintendents) each with a local
policing area; about 31 inspectors per commander, each with a department; 30 sergeants per
inspector, each with a team of 8. So the teams below a sergeant, an inspector and a commander
are about 8, 270 and 8,400 people, the sizes the reporting benchmark measures. Each benchmark
adds its own requirements, assignments and completions to it.

Below the sergeants, `mixed=True` makes the workforce a force's mix of officers, student
officers, staff and PCSOs, gives about 3% of people each function (so function rules have
someone to find) and makes 1% leavers. Every name carries `prefix`, so a benchmark that runs
in a shared database removes exactly its own rows (`remove_synthetic_force`).
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection

from compliance.people.models import Function, OrgUnit, Person, PersonFunction
from compliance.people.models.organisation import line_path_segment

SERGEANTS_PER_INSPECTOR = 30
CONSTABLES_PER_SERGEANT = 8
INSPECTORS_PER_COMMANDER = 31
LEVELS = {
    "Chief Constable": "senior",
    "Chief Superintendent": "senior",
    "Inspector": "middle",
    "Sergeant": "first_line",
    "Constable": "none",
}
# Below the sergeants, with `mixed`: (worker type, rank or grade), drawn at random.
MIX = [
    ("police_officer", "Constable"),
    ("police_officer", "Constable"),
    ("police_officer", "Constable"),
    ("student_officer", "Student Officer"),
    ("police_staff", "Grade C"),
    ("police_staff", "Grade D"),
    ("pcso", "PCSO"),
]
FUNCTION_SHARE = 0.03
LEAVER_SHARE = 0.01


@dataclass(frozen=True)
class SyntheticForce:
    root: OrgUnit
    first_person: int
    people: int
    command_codes: list[str]  # the units directly below the root, one per commander

    @property
    def person_ids(self) -> range:
        return range(self.first_person, self.first_person + self.people)

    @property
    def line_prefix(self) -> str:
        """The chief's line path: everyone in this force has a line path starting with it."""
        return line_path_segment(self.first_person)


def force_shape(people: int) -> list[tuple[str, int | None, int]]:
    """(rank, index of line manager, index of unit) for each person, top down, `people` long."""
    rows: list[tuple[str, int | None, int]] = [("Chief Constable", None, 0)]
    units = 1
    while len(rows) < people:
        commander = len(rows)
        rows.append(("Chief Superintendent", 0, units))
        units += 1
        for _ in range(INSPECTORS_PER_COMMANDER):
            if len(rows) >= people:
                break
            inspector = len(rows)
            rows.append(("Inspector", commander, units))
            units += 1
            for _ in range(SERGEANTS_PER_INSPECTOR):
                if len(rows) >= people:
                    break
                sergeant = len(rows)
                team_unit = units
                units += 1
                rows.append(("Sergeant", inspector, team_unit))
                for _ in range(CONSTABLES_PER_SERGEANT):
                    if len(rows) >= people:
                        break
                    rows.append(("Constable", sergeant, team_unit))
    return rows[:people]


def _base36(number: int, width: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    text = ""
    while number:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
    return text.rjust(width, "0")


def _units(shape, *, prefix: str) -> tuple[OrgUnit, dict[int, str]]:
    """The root and one unit per commander, inspector and sergeant, as treebeard paths; returns
    the root and each person's unit path."""
    root = OrgUnit.add_root(code=f"{prefix}-FORCE", name="Benchmark force", kind="force")
    units: list[OrgUnit] = []
    children: dict[str, int] = {}
    path_of_unit = {0: root.path}
    depth_of_path = {root.path: root.depth}
    person_unit: dict[int, str] = {}
    for index, (rank, manager, unit_index) in enumerate(shape):
        if unit_index not in path_of_unit:
            parent = person_unit[manager]
            children[parent] = children.get(parent, 0) + 1
            path = parent + _base36(children[parent], OrgUnit.steplen)
            kind = {"Chief Superintendent": "lpa", "Inspector": "department"}.get(rank, "team")
            units.append(
                OrgUnit(
                    path=path,
                    depth=depth_of_path[parent] + 1,
                    numchild=0,
                    code=f"{prefix}-{len(units) + 1}",
                    name=f"{kind.title()} {len(units) + 1}",
                    kind=kind,
                )
            )
            path_of_unit[unit_index] = path
            depth_of_path[path] = depth_of_path[parent] + 1
        person_unit[index] = path_of_unit[unit_index]
    for unit in units:
        unit.numchild = children.get(unit.path, 0)
    OrgUnit.objects.bulk_create(units, batch_size=2000)
    OrgUnit.objects.filter(pk=root.pk).update(numchild=children.get(root.path, 0))
    return root, person_unit


def build_synthetic_force(
    *, people: int, prefix: str = "BENCH", seed: int = 1, today: datetime.date, mixed: bool = False
) -> SyntheticForce:
    rng = random.Random(seed)
    shape = force_shape(people)
    root, person_unit = _units(shape, prefix=prefix)
    unit_ids = dict(OrgUnit.objects.filter(path__startswith=root.path).values_list("path", "pk"))

    # Accounts, then people with explicit ids so their line paths are known before inserting.
    User = get_user_model()
    first_user = (User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    first_person = (Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    tag = prefix.lower()
    User.objects.bulk_create(
        [User(pk=first_user + i, username=f"{tag}-{first_person + i}", password="!") for i in range(people)],
        batch_size=5000,
    )
    paths: list[str] = []
    rows = []
    for i, (rank, manager, _) in enumerate(shape):
        pk = first_person + i
        path = (paths[manager] if manager is not None else "") + line_path_segment(pk)
        paths.append(path)
        worker_type, rank_or_grade = rng.choice(MIX) if mixed and rank == "Constable" else ("police_officer", rank)
        start = today - datetime.timedelta(days=rng.randint(30, 9000))
        role_start = max(start, today - datetime.timedelta(days=rng.randint(5, 3650)))
        rows.append(
            Person(
                pk=pk,
                user_id=first_user + i,
                staff_number=f"{prefix}{pk:08d}",
                first_name=rng.choice(["Alex", "Sam", "Jo", "Priya", "Tomasz", "Aisha", "Rhys", "Mei"]),
                last_name=f"Bench{pk:07d}",
                email=f"{tag}{pk}@force.example",
                worker_type=worker_type,
                rank_or_grade=rank_or_grade,
                leadership_level=LEVELS[rank],
                unit_id=unit_ids[person_unit[i]],
                line_manager_id=first_person + manager if manager is not None else None,
                line_path=path,
                start_date=start,
                role_start_date=role_start,
                # Leavers only below the sergeants: every manager is in post.
                is_active=not (mixed and rank == "Constable" and rng.random() < LEAVER_SHARE),
            )
        )
    Person.objects.bulk_create(rows, batch_size=5000)
    if mixed:
        functions = list(Function.objects.values_list("pk", flat=True))
        PersonFunction.objects.bulk_create(
            [
                PersonFunction(
                    person_id=person.pk,
                    function_id=function,
                    gained_on=today - datetime.timedelta(days=rng.randint(1, 2000)),
                )
                for person in rows
                for function in functions
                if rng.random() < FUNCTION_SHARE
            ],
            batch_size=5000,
        )
    # Ids were given explicitly: move the sequences past them for anything created later.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [User, Person]):
            cursor.execute(sql)
    commands = OrgUnit.objects.filter(path__startswith=root.path, depth=root.depth + 1).values_list("code", flat=True)
    return SyntheticForce(root=root, first_person=first_person, people=people, command_codes=list(commands))


def remove_synthetic_force(*, prefix: str) -> None:
    """Its people, accounts and units (what refers to them is the caller's to remove first)."""
    mine = Person.objects.filter(staff_number__startswith=prefix)
    PersonFunction.objects.filter(person__in=mine).delete()
    mine.update(line_manager=None)
    mine.delete()
    get_user_model().objects.filter(username__startswith=f"{prefix.lower()}-").delete()
    OrgUnit.objects.filter(code__startswith=f"{prefix}-").delete()
