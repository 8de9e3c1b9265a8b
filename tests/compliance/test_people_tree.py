"""The line-management tree: moving subtrees, refusing cycles, and reading teams in one query."""

import pytest
from django.core.exceptions import ValidationError

from compliance.access import people_below, person_is_manager_of
from compliance.audit.models import AuditEvent
from compliance.people.models import Person
from compliance.people.selectors import person_chain_of_command
from compliance.people.services import line_paths_rebuild, person_set_line_manager
from compliance.people.signals import people_changed
from tests.factories import make_person


@pytest.fixture
def chain(db):
    """A > B > C > D > E (depth 4 below A), C also manages C2; X is another top of tree."""
    a = make_person(staff_number="A")
    b = make_person(staff_number="B", manager=a)
    c = make_person(staff_number="C", manager=b)
    c2 = make_person(staff_number="C2", manager=b)
    d = make_person(staff_number="D", manager=c)
    e = make_person(staff_number="E", manager=d)
    x = make_person(staff_number="X")
    return {p.staff_number: p for p in (a, b, c, c2, d, e, x)}


def fresh(people: dict[str, Person]) -> dict[str, Person]:
    return {p.staff_number: p for p in Person.objects.filter(pk__in=[p.pk for p in people.values()])}


def seg(person: Person) -> str:
    return f"{person.pk:08x}"


def test_change_of_manager_moves_the_whole_subtree(chain, django_capture_on_commit_callbacks):
    received = []

    def listen(sender, person_ids, **kwargs):
        received.append(person_ids)

    people_changed.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            person_set_line_manager(person=chain["B"], manager=chain["X"], source="test")
    finally:
        people_changed.disconnect(listen)
    p = fresh(chain)
    assert p["B"].line_manager == p["X"]
    assert p["E"].line_path == seg(p["X"]) + seg(p["B"]) + seg(p["C"]) + seg(p["D"]) + seg(p["E"])
    assert p["C2"].line_path == seg(p["X"]) + seg(p["B"]) + seg(p["C2"])
    assert p["A"].line_path == seg(p["A"])
    assert received == [sorted(p[s].pk for s in ("B", "C", "C2", "D", "E"))]
    event = AuditEvent.objects.get(action="manager_changed")
    assert event.object_id == str(p["B"].pk) and event.source == "test"
    assert event.changes == {"line_manager": ["A", "X"]}
    # The paths agree with a rebuild from the manager links.
    assert line_paths_rebuild() == []


def test_moving_to_the_top_of_the_tree(chain):
    person_set_line_manager(person=chain["C"], manager=None)
    p = fresh(chain)
    assert p["C"].line_path == seg(p["C"])
    assert p["E"].line_path == seg(p["C"]) + seg(p["D"]) + seg(p["E"])


@pytest.mark.parametrize("below", ["C", "D", "E"])
def test_a_manager_below_the_person_is_refused_as_a_cycle(chain, below):
    with pytest.raises(ValidationError, match="would create a cycle"):
        person_set_line_manager(person=chain["B"], manager=chain[below])
    assert fresh(chain)["B"].line_manager == chain["A"]
    assert not AuditEvent.objects.exists()


def test_own_line_manager_is_refused(chain):
    with pytest.raises(ValidationError, match="own line manager"):
        person_set_line_manager(person=chain["C"], manager=chain["C"])


def test_setting_the_same_manager_writes_nothing(chain, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        person_set_line_manager(person=chain["C"], manager=chain["B"])
    assert callbacks == [] and not AuditEvent.objects.exists()


def test_team_is_everyone_below_at_every_depth(chain):
    assert set(people_below(manager=chain["A"]).values_list("staff_number", flat=True)) == {"B", "C", "C2", "D", "E"}
    assert set(people_below(manager=chain["C"]).values_list("staff_number", flat=True)) == {"D", "E"}
    assert set(people_below(manager=chain["B"], direct_only=True).values_list("staff_number", flat=True)) == {
        "C",
        "C2",
    }
    assert not people_below(manager=chain["E"]).exists()


def test_team_leaves_out_leavers_unless_asked(chain):
    Person.objects.filter(pk=chain["D"].pk).update(is_active=False)
    assert set(people_below(manager=chain["C"]).values_list("staff_number", flat=True)) == {"E"}
    assert set(people_below(manager=chain["C"], include_inactive=True).values_list("staff_number", flat=True)) == {
        "D",
        "E",
    }


def test_team_is_one_query_however_large(chain, django_assert_num_queries):
    with django_assert_num_queries(1):
        small = list(people_below(manager=chain["A"]))
    manager = chain["E"]
    for n in range(40):
        make_person(staff_number=f"T{n}", manager=manager if n < 10 else Person.objects.get(staff_number=f"T{n % 10}"))
    with django_assert_num_queries(1):
        large = list(people_below(manager=chain["A"]))
    assert len(large) == len(small) + 40


def test_team_of_someone_not_yet_in_the_tree_is_empty(chain):
    Person.objects.filter(pk=chain["X"].pk).update(line_path="")
    chain["X"].refresh_from_db()
    assert not people_below(manager=chain["X"]).exists()


def test_chain_of_command_runs_from_the_top_down(chain, django_assert_num_queries):
    with django_assert_num_queries(1):
        managers = [p.staff_number for p in person_chain_of_command(person=chain["E"])]
    assert managers == ["A", "B", "C", "D"]
    assert list(person_chain_of_command(person=chain["A"])) == []


def test_is_manager_of(chain):
    assert person_is_manager_of(manager=chain["A"], person=chain["E"])
    assert not person_is_manager_of(manager=chain["E"], person=chain["A"])
    assert not person_is_manager_of(manager=chain["C2"], person=chain["D"])
    assert not person_is_manager_of(manager=chain["C"], person=chain["C"])


def test_leavers_are_deactivated_when_their_leaving_date_comes(chain, django_capture_on_commit_callbacks):
    import datetime

    from compliance.people.services import people_deactivate_leavers

    Person.objects.filter(pk=chain["E"].pk).update(end_date=datetime.date(2026, 3, 31))
    Person.objects.filter(pk=chain["D"].pk).update(end_date=datetime.date(2026, 4, 30))
    assert people_deactivate_leavers(today=datetime.date(2026, 3, 30)) == []
    received = []

    def listen(sender, person_ids, **kwargs):
        received.append(person_ids)

    people_changed.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert people_deactivate_leavers(today=datetime.date(2026, 3, 31)) == [chain["E"].pk]
    finally:
        people_changed.disconnect(listen)
    e = Person.objects.select_related("user").get(pk=chain["E"].pk)
    assert not e.is_active and not e.user.is_active
    assert received == [[e.pk]]
    assert AuditEvent.objects.filter(action="person_deactivated", object_id=str(e.pk)).count() == 1
    # Running again changes nothing.
    assert people_deactivate_leavers(today=datetime.date(2026, 3, 31)) == []
    assert Person.objects.get(pk=chain["D"].pk).is_active


def test_staff_numbers_and_unit_codes_are_unique_whatever_their_case(db):
    from django.db import IntegrityError, transaction

    from tests.factories import make_unit

    make_person(staff_number="AB123")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_person(staff_number="ab123")
    make_unit(code="LPA-N")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_unit(code="lpa-n")
