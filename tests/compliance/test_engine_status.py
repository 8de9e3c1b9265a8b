"""One definition of status: the Python rules (one assignment) and the SQL expression (lists,
counts, reports) agree for every combination of dates and states, at the edges of each window."""

import datetime

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance.models import Assignment, Exemption
from compliance.selectors.assignments import DUE_SOON_DAYS, Status, assignment_status, assignments_with_status
from compliance.services.sync import sync_all
from tests.compliance.factories import make_requirement
from tests.factories import UserFactory, make_person

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2028, 2, 29)
# Dates around each boundary: today, the due-soon window's edge, a day either side.
EDGES = [
    TODAY + datetime.timedelta(days=d)
    for d in (-400, -1, 0, 1, DUE_SOON_DAYS - 1, DUE_SOON_DAYS, DUE_SOON_DAYS + 1, 400)
]
maybe_edge = st.one_of(st.none(), st.sampled_from(EDGES))


@pytest.fixture
def assignment():
    make_person(start_date=datetime.date(2027, 12, 1))
    make_requirement(trigger="joining", trigger_days=30)
    sync_all(today=datetime.date(2027, 12, 2))
    row = Assignment.objects.get()
    exemption = Exemption.objects.create(assignment=row, reason="Leave", approved_by=UserFactory())
    return row, exemption


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    state=st.sampled_from(["open", "satisfied", "withdrawn"]),
    due=st.sampled_from(EDGES),
    extended=maybe_edge,
    valid_until=maybe_edge,
    exempt=st.booleans(),
    exempt_until=maybe_edge,
    started=st.booleans(),
)
def test_python_and_sql_status_agree(assignment, state, due, extended, valid_until, exempt, exempt_until, started):
    row, exemption = assignment
    fields = {
        "state": state,
        "due_date": due,
        "extended_due_date": extended if extended and extended > due else None,
        "satisfied_on": TODAY if state == "satisfied" else None,
        "valid_until": valid_until if state == "satisfied" else None,
        "exemption": exemption if exempt else None,
        "exempt_until": exempt_until if exempt else None,
        "started_at": timezone.now() if started else None,
    }
    Assignment.objects.filter(pk=row.pk).update(**fields)
    fresh = Assignment.objects.get(pk=row.pk)
    python = assignment_status(assignment=fresh, today=TODAY)
    sql = assignments_with_status(Assignment.objects.filter(pk=row.pk), today=TODAY).get().status
    assert python == sql
    assert python in Status.LABELS
