"""HR deltas through the real import, end to end: the import commits, the sync runs on
commit, and each person's assignments and reasons follow (promotion, transfer, manager
change, leaving and rejoining)."""

import datetime

import pytest

from compliance.importing.people import import_people
from compliance.models import Assignment, AssignmentEvent
from compliance.selectors.assignments import assignment_reason
from tests.compliance.factories import make_requirement
from tests.factories import make_unit

pytestmark = pytest.mark.django_db
HEADER = (
    "staff_number,first_name,last_name,email,worker_type,rank_or_grade,unit_code,start_date,"
    "leadership_level,line_manager_staff_number,role_start_date,end_date\n"
)


def row(number, rank="Constable", unit="LPA-N", manager="", role_start="01/04/2015", end="", level=""):
    return (
        f"{number},Sam,Patel{number},{number}@force.example,police_officer,{rank},{unit},01/04/2015,"
        f"{level},{manager},{role_start},{end}\n"
    )


@pytest.fixture
def force(django_capture_on_commit_callbacks):
    root = make_unit(code="F", kind="force")
    make_unit(code="LPA-N", parent=root)
    make_unit(code="CID", parent=root)
    fairness = make_requirement(
        name="Championing Fairness",
        courses=["CHAMPIONING-FAIRNESS"],
        include_leadership_levels=["first_line"],
        trigger="role_start",
        trigger_days=90,
        triggered_on_or_after=datetime.date(2026, 1, 1),
    )
    north = make_requirement(name="North briefing", courses=["NORTH"], include_units=["LPA-N"], trigger="joining")

    def load(text: str):
        with django_capture_on_commit_callbacks(execute=True):
            report = import_people(HEADER + text, source="test")
        assert not report.errors, report.errors
        return report

    load(row("9001", rank="Inspector") + row("1001", manager="9001"))
    return {"load": load, "fairness": fairness, "north": north}


def test_promotion_transfer_manager_change_leaving_and_rejoining(force):
    load, fairness, north = force["load"], force["fairness"], force["north"]
    assert not Assignment.objects.filter(requirement=fairness).exists()
    assert Assignment.objects.filter(requirement=north).count() == 2

    # Promoted to Sergeant on 3 March 2026 (UK date format, as HR sends it).
    load(row("9001", rank="Inspector") + row("1001", rank="Sergeant", manager="9001", role_start="03/03/2026"))
    promoted = Assignment.objects.get(requirement=fairness, person__staff_number="1001")
    assert assignment_reason(assignment=promoted) == (
        "You became a Sergeant on 3 March 2026, so this is due within 90 days: by 1 June 2026."
    )

    # Moved to CID with a new manager: the area's briefing is withdrawn, the promotion's course stays.
    load(
        row("9001", rank="Inspector")
        + row("9002", rank="Inspector", unit="CID")
        + row("1001", rank="Sergeant", unit="CID", manager="9002", role_start="03/03/2026")
    )
    moved = Assignment.objects.get(requirement=north, person__staff_number="1001")
    assert moved.state == "withdrawn" and moved.withdrawn_reason == "No longer in the requirement's audience."
    promoted.refresh_from_db()
    assert promoted.state == "open"

    # Leaves, then comes back to the north area: the same rows, history intact.
    load(row("1001", rank="Sergeant", unit="CID", manager="9002", role_start="03/03/2026", end="30/04/2026"))
    promoted.refresh_from_db()
    assert (promoted.state, promoted.withdrawn_reason) == ("withdrawn", "Left the force.")
    load(row("1001", rank="Sergeant", unit="LPA-N", manager="9001", role_start="03/03/2026"))
    promoted.refresh_from_db()
    moved.refresh_from_db()
    assert promoted.state == moved.state == "open"
    assert Assignment.objects.filter(person__staff_number="1001").count() == 2
    assert list(promoted.events.values_list("kind", flat=True)) == ["created", "withdrawn", "reopened"]
    assert list(moved.events.values_list("kind", flat=True)) == ["created", "withdrawn", "reopened"]

    # The same file again changes nothing.
    before = AssignmentEvent.objects.count()
    load(row("1001", rank="Sergeant", unit="LPA-N", manager="9001", role_start="03/03/2026"))
    assert AssignmentEvent.objects.count() == before
