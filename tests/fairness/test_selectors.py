"""The fairness selectors against a small workforce counted by hand (tests/fairness/conftest.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.fairness.disclosure import SMALL
from compliance.fairness.selectors import fairness_counts, fairness_page
from compliance.models import Assignment

pytestmark = pytest.mark.django_db


def counts(measure, breakdown, small, characteristic="sex"):
    raw = fairness_counts(characteristic=characteristic, measure=measure, breakdown=breakdown, today=small.today)
    if breakdown == "unit":
        paths = {small.alpha.path: "ALPHA", small.bravo.path: "BRAVO"}
        return {(v, paths[c]): nk for (v, c), nk in raw.items()}
    ids = {str(small.r1.pk): "R1", str(small.r2.pk): "R2"}
    return {(v, ids[c]): nk for (v, c), nk in raw.items()}


def test_fixture_made_only_its_own_assignments(small):
    assert Assignment.objects.count() == 9


def test_completion_by_unit_counts_people_who_completed_everything(small):
    # p1 (1 of 2 done), p2 (2 of 2); p3 (R2 overdue; R1 exempt); p4 (R2 done; R1 withdrawn);
    # p5 only exempt: in no denominator.
    assert counts("completion", "unit", small) == {
        ("female", "ALPHA"): (2, 1),
        ("male", "BRAVO"): (1, 0),
        ("", "BRAVO"): (1, 1),
    }


def test_completion_by_requirement_counts_assignments_of_people(small):
    assert counts("completion", "requirement", small) == {
        ("female", "R1"): (2, 2),
        ("female", "R2"): (2, 1),
        ("male", "R2"): (1, 0),
        ("", "R2"): (1, 1),
    }


def test_lateness(small):
    # Due = deadline passed. Late = completed after it, or not completed.
    assert counts("lateness", "unit", small) == {
        ("female", "ALPHA"): (2, 1),  # p1 on time (R2 not yet due); p2 late with R1
        ("male", "BRAVO"): (1, 1),
        ("", "BRAVO"): (1, 1),
    }
    assert counts("lateness", "requirement", small) == {
        ("female", "R1"): (2, 1),
        ("female", "R2"): (1, 0),
        ("male", "R2"): (1, 1),
        ("", "R2"): (1, 1),
    }


def test_knowledge_check_pass_rate(small):
    # Passed: a passing attempt at every module attempted (a retake counts).
    assert counts("knowledge_check", "unit", small) == {("female", "ALPHA"): (2, 1), ("male", "BRAVO"): (1, 0)}
    assert counts("knowledge_check", "requirement", small) == {
        ("female", "R1"): (2, 2),
        ("female", "R2"): (1, 0),
        ("male", "R1"): (1, 0),
    }


def test_evaluation_share_more_confident(small):
    assert counts("evaluation", "unit", small) == {("female", "ALPHA"): (2, 1), ("male", "BRAVO"): (1, 0)}
    assert counts("evaluation", "requirement", small) == {
        ("female", "R1"): (1, 1),
        ("female", "R2"): (1, 0),
        ("male", "R1"): (1, 0),
    }


def test_prefer_not_to_say_and_not_recorded_are_categories(small):
    raw = counts("completion", "unit", small, characteristic="ethnicity")
    assert raw == {
        ("white", "ALPHA"): (1, 0),
        ("asian", "ALPHA"): (1, 1),
        ("prefer_not_to_say", "BRAVO"): (1, 0),
        ("", "BRAVO"): (1, 1),
    }
    page = fairness_page(characteristic="ethnicity", measure="completion", breakdown="unit", threshold=1)
    assert page.rates.rows[-2:] == ("prefer_not_to_say", "not_recorded")
    assert dict(page.categories)["not_recorded"] == "Not recorded"


def test_the_page_protects_small_cells(small):
    page = fairness_page(characteristic="sex", measure="completion", breakdown="unit")
    assert page.threshold == 10  # the setting's default
    assert all(c.reason == SMALL for row in page.rates.cells for c in row)
    assert all(c.count is None and c.rate is None for row in page.rates.cells for c in row)
    assert page.rates.grand_total.count is None


def test_the_threshold_comes_from_the_setting(small, settings):
    settings.INCLUSION_LMS = {**settings.INCLUSION_LMS, "FAIRNESS_THRESHOLD": 1}
    page = fairness_page(characteristic="sex", measure="completion", breakdown="unit")
    assert page.threshold == 1
    # At threshold 1 a rate is published when at least one person did and one did not do it.
    published = [c for row in page.rates.cells for c in row if not c.suppressed]
    assert all(c.numerator >= 1 and c.count - c.numerator >= 1 for c in published)
    assert page.perturbed


@pytest.mark.parametrize("measure", ["completion", "lateness", "knowledge_check", "evaluation"])
@pytest.mark.parametrize("breakdown", ["unit", "requirement"])
def test_a_fixed_number_of_queries(small, measure, breakdown):
    with CaptureQueriesContext(connection) as before:
        fairness_page(characteristic="religion", measure=measure, breakdown=breakdown)
    from tests.fairness.conftest import build_more_people

    build_more_people(small, 30)
    with CaptureQueriesContext(connection) as after:
        fairness_page(characteristic="religion", measure=measure, breakdown=breakdown)
    # Two queries for the counts and the column names; by requirement three more check that no
    # two populations differ by fewer than the threshold.
    assert len(before) == len(after) == (2 if breakdown == "unit" else 5)


def test_unknown_choices_are_refused(small):
    with pytest.raises(ValueError):
        fairness_page(characteristic="height", measure="completion", breakdown="unit")
    with pytest.raises(ValueError):
        fairness_page(characteristic="sex", measure="speed", breakdown="unit")
    with pytest.raises(ValueError):
        fairness_page(characteristic="sex", measure="completion", breakdown="rank")


def test_the_status_predicates_agree_with_the_status_definition(small):
    """The fairness counts use two plain conditions for speed; they must say what the one
    status definition says, for every assignment, today and on other days."""
    import datetime

    from django.db.models import Case, Value, When

    from compliance.fairness.selectors import status_predicates
    from compliance.selectors.assignments import Status, assignments_with_status

    Assignment.objects.filter(person=small.people[0]).update(valid_until=small.today - datetime.timedelta(days=1))
    for today in (small.today, small.today - datetime.timedelta(days=400), small.today + datetime.timedelta(days=400)):
        completed, exempt = status_predicates(today=today)
        rows = (
            assignments_with_status(Assignment.objects.exclude(state="withdrawn"), today=today)
            .annotate(
                is_completed=Case(When(completed, then=Value(True)), default=Value(False)),
                is_exempt=Case(When(exempt, then=Value(True)), default=Value(False)),
            )
            .values_list("status", "is_completed", "is_exempt")
        )
        for status, is_completed, is_exempt in rows:
            assert is_completed == (status == Status.COMPLETED)
            assert is_exempt == (status == Status.EXEMPT)
