"""Every schema change carries a force's data forward: a database populated at each app's first
migration is migrated to the last, and what was there is still there and still works.

The apps and their migrations are read from the migration graph, so a new migration (or a
new app) is covered without touching this test. It runs on SQLite here and on PostgreSQL in
CI's second pass."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from compliance.people.models.organisation import line_path_segment

PLUGIN_APPS = {"audit", "people", "equality", "observations", "compliance", "reminders", "fairness", "talent"}
PLUGIN_APPS |= {"courses", "xapi", "cms"}


def first_and_last_migrations():
    graph = MigrationLoader(connection).graph
    first, last = [], []
    for app in sorted(PLUGIN_APPS):
        roots = graph.root_nodes(app)
        leaves = graph.leaf_nodes(app)
        assert len(roots) == 1 and len(leaves) == 1, f"{app}: one first and one last migration ({roots}, {leaves})"
        first += roots
        last += leaves
    return first, last


@pytest.fixture
def migrator(migrator_factory):
    migrator = migrator_factory()
    yield migrator
    migrator.reset()


def populate(apps):
    """A small force written with the models as the first migrations knew them."""
    User = apps.get_model("auth", "User")
    OrgUnit = apps.get_model("people", "OrgUnit")
    Person = apps.get_model("people", "Person")
    Requirement = apps.get_model("compliance", "Requirement")
    Assignment = apps.get_model("compliance", "Assignment")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    EqualityRecord = apps.get_model("equality", "EqualityRecord")
    force = OrgUnit.objects.create(code="FORCE", name="Example Police", kind="force", path="0001", depth=1, numchild=1)
    team = OrgUnit.objects.create(code="T1", name="Response team 1", kind="team", path="00010001", depth=2)
    people = {}
    for n, (first, rank, level, manager) in enumerate(
        [
            ("Sam", "Inspector", "middle", None),
            ("Ola", "Sergeant", "first_line", "Sam"),
            ("Kit", "Constable", "none", "Ola"),
        ]
    ):
        user = User.objects.create(username=first.lower(), email=f"{first.lower()}@example.police.uk")
        line_manager = people.get(manager)
        people[first] = Person.objects.create(
            user=user,
            staff_number=f"{1000 + n}",
            first_name=first,
            last_name="Example",
            email=user.email,
            worker_type="police_officer",
            rank_or_grade=rank,
            leadership_level=level,
            unit=team if manager else force,
            line_manager=line_manager,
            start_date=datetime.date(2015, 4, 1),
            role_start_date=datetime.date(2020, 4, 1),
        )
        people[first].line_path = (line_manager.line_path if line_manager else "") + line_path_segment(people[first].pk)
        people[first].save(update_fields=["line_path"])
    requirement = Requirement.objects.create(
        name="Equality assessment training",
        include_worker_types=["police_officer"],
        trigger="fixed_date",
        fixed_due_date=datetime.date(2026, 11, 30),
        active_from=datetime.date(2026, 1, 1),
    )
    for person in people.values():
        Assignment.objects.create(
            person=person,
            requirement=requirement,
            trigger="fixed_date",
            trigger_date=datetime.date(2026, 1, 1),
            due_date=datetime.date(2026, 11, 30),
            counts_from=datetime.date(2026, 1, 1),
        )
    AuditEvent.objects.create(
        source="import_people", action="create", object_type="person", object_id="1", summary="Imported"
    )
    EqualityRecord.objects.create(person=people["Kit"], sex="female")


def test_a_populated_database_migrates_from_each_apps_first_migration_to_its_last(migrator):
    first, last = first_and_last_migrations()
    old = migrator.apply_initial_migration(first)
    populate(old.apps)

    migrator.apply_tested_migration(last)

    from compliance.access import people_below
    from compliance.equality.models import EqualityRecord
    from compliance.models import Assignment, Requirement
    from compliance.people.models import Person, RankOrGrade

    kit = Person.objects.get(staff_number="1002")
    assert (kit.full_name, kit.line_manager.first_name, kit.unit.code) == ("Kit Example", "Ola", "T1")
    sam = Person.objects.get(first_name="Sam")
    assert sorted(p.first_name for p in people_below(manager=sam)) == ["Kit", "Ola"]
    requirement = Requirement.objects.get(name="Equality assessment training")
    assert sorted(Assignment.objects.filter(requirement=requirement).values_list("person__first_name", flat=True)) == [
        "Kit",
        "Ola",
        "Sam",
    ]
    assert EqualityRecord.objects.get().sex == "female"
    # The data migrations after the first still ran: the force's vocabulary is there.
    assert RankOrGrade.objects.filter(name__in=["Constable", "Special Constable", "Student Officer"]).count() == 3


def test_the_audit_trail_written_before_mentions_gets_them(migrator):
    old = migrator.apply_initial_migration(("audit", "0001_initial"))
    Person = old.apps.get_model("people", "Person")
    AuditEvent = old.apps.get_model("audit", "AuditEvent")
    unit = old.apps.get_model("people", "OrgUnit").objects.create(
        code="FORCE", name="Example Police", kind="force", path="0001", depth=1
    )
    User = old.apps.get_model("auth", "User")
    for number, first in (("1001", "Ola"), ("1002", "Kit")):
        Person.objects.create(
            user=User.objects.create(username=first.lower()),
            staff_number=number,
            first_name=first,
            last_name="Example",
            email=f"{first.lower()}@example.police.uk",
            worker_type="police_officer",
            rank_or_grade="Constable",
            unit=unit,
            start_date=datetime.date(2015, 4, 1),
            role_start_date=datetime.date(2015, 4, 1),
        )
    summaries = [
        ("Kit Example (1002): line manager Ola Example (1001)", {"line_manager": [None, "1001"]}),
        ("Nobody we know (9999) (1002x)", {"state": "due", "n": 3}),
    ]
    for n in range(5001):  # more than one backfill batch
        summary, changes = summaries[n % 2]
        AuditEvent.objects.create(
            source="admin", action="x", object_type="person", object_id="1", summary=summary, changes=changes
        )

    new = migrator.apply_tested_migration(("audit", "0002_mentions"))

    AuditMention = new.apps.get_model("audit", "AuditMention")
    assert AuditMention.objects.count() == 2 * 2501
    assert set(AuditMention.objects.values_list("number", flat=True)) == {"1001", "1002"}
    assert AuditMention.objects.filter(event__summary__startswith="Nobody").count() == 0
