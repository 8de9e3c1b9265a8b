import io
import time

import pytest

from compliance.models import Assignment, Requirement
from compliance.selectors.assignments import assignments_with_status
from tests.compliance.factories import make_demo_force

pytestmark = pytest.mark.django_db


def test_demo_gives_every_status_quickly():
    from cms.demo.compliance import load_compliance_demo

    make_demo_force(600)
    out = io.StringIO()
    started = time.perf_counter()
    load_compliance_demo(seed=1, stdout=out)
    elapsed = time.perf_counter() - started
    assert Requirement.objects.count() == 12
    statuses = set(assignments_with_status(Assignment.objects.filter(is_current=True)).values_list("status", flat=True))
    assert {"completed", "due_soon", "overdue", "exempt", "extended", "not_started"} <= statuses
    assert elapsed < 20, elapsed
    sergeant = Assignment.objects.filter(person__user__username="sergeant", requirement__name="Championing Fairness")
    assert sergeant.exists()


def test_demo_skips_courses_not_there_yet():
    from cms.demo.compliance import load_compliance_demo

    make_demo_force(150, courses=["MC-STAGE-1"])
    out = io.StringIO()
    load_compliance_demo(seed=1, stdout=out)
    assert Requirement.objects.count() == 1
    assert "Skipped requirement 'Championing Fairness'" in out.getvalue()


def _loaded_demo(people: int = 600):
    from cms.demo.compliance import load_compliance_demo

    make_demo_force(people)
    load_compliance_demo(seed=1, stdout=io.StringIO())


# Twelve days spread over a year and more, with the turns of the year and of the month, a leap
# day, and the days around the yearly equality-assessment window opening.
DEMO_DATES = [
    "2026-01-01",
    "2026-02-14",
    "2028-02-29",
    "2026-03-31",
    "2026-05-18",
    "2026-07-01",
    "2026-08-31",
    "2026-10-28",
    "2026-11-30",
    "2026-12-01",
    "2026-12-04",
    "2026-12-31",
]


@pytest.mark.parametrize("day", DEMO_DATES)
def test_demo_mix_is_realistic_explained_recorded_and_stable_on_any_day(day, pinned_clock):
    from collections import Counter

    from compliance.audit.models import AuditEvent
    from compliance.models import AssignmentEvent, ExtensionRequest
    from compliance.selectors.assignments import assignment_reason
    from compliance.services.sync import sync_all

    pinned_clock.move_to(f"{day}T08:00:00+00:00")
    _loaded_demo(300)
    current = assignments_with_status(Assignment.objects.filter(is_current=True).exclude(state="withdrawn"))
    counts = Counter(current.values_list("status", flat=True))
    total = sum(counts.values())
    # A force part-way through its programmes: most done or on track, a minority late.
    assert {"completed", "due_soon", "overdue", "exempt", "extended", "not_started"} <= set(counts), counts
    assert 0.25 <= counts["completed"] / total <= 0.75, counts
    assert 0.02 <= counts["overdue"] / total <= 0.35, counts
    assert counts["due_soon"] >= 10 and counts["exempt"] >= 3 and counts["extended"] >= 3, counts
    for requirement in Requirement.objects.all():
        statuses = Counter(current.filter(requirement=requirement).values_list("status", flat=True))
        assert sum(statuses.values()) >= 3, requirement.name
        assert statuses["completed"] >= 1, (requirement.name, statuses)
        assert statuses["completed"] < sum(statuses.values()), (requirement.name, statuses)
    # Every assignment can say why it applies.
    for assignment in Assignment.objects.filter(is_current=True).select_related("requirement")[:300]:
        assert assignment_reason(assignment=assignment).endswith(".")
    # Exemptions and extensions went through the services: ledger and audit trail agree.
    kinds = Counter(AssignmentEvent.objects.values_list("kind", flat=True))
    actions = Counter(AuditEvent.objects.values_list("action", flat=True))
    assert kinds["exempted"] == actions["exemption_granted"] == counts["exempt"]
    assert kinds["extended"] == actions["extension_granted"] >= counts["extended"]
    assert actions["requirement_created"] == Requirement.objects.count()
    assert ExtensionRequest.objects.filter(status="pending", assignment__person__user__username="constable").exists()
    assert actions["extension_requested"] == 1
    # The nightly sync after loading changes nothing.
    assert sync_all().rows_written == 0


def test_demo_has_every_programme_in_the_product_brief():
    _loaded_demo(150)
    requirements = list(Requirement.objects.all())
    names = " | ".join(r.name.lower() for r in requirements)
    for programme in ("moral courage stage 1", "xxl", "stage 3", "championing fairness", "integrity"):
        assert programme in names
    assert sum("learning from our history" in r.name.lower() for r in requirements) == 3
    assert "equality assessment" in names
    assert "dilemma" in names
    assert any(r.recurrence == "calendar" for r in requirements)
    assessor_functions = {f for r in requirements if r.include_functions for f in r.include_functions}
    assert {"recruitment-assessor", "promotion-panel-member"} <= assessor_functions
