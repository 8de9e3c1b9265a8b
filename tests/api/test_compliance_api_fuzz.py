"""Random JSON at every compliance operation, as an administrator (who gets furthest): the
answer is a success or a 4xx in the one error shape, never a 500. (Beside schemathesis, in
tests/reporting/test_schema_conformance.py, which generates data from the schema: this sends
what no schema would.)"""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from compliance.access import Role
from compliance.models import Assignment, ExtensionRequest
from compliance.services.assignments import extension_request_create
from compliance.services.sync import sync_all
from tests.compliance.factories import make_course, make_requirement
from tests.factories import UserFactory, make_person

pytestmark = pytest.mark.django_db
API = "/api/v1/compliance"

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(["2026-02-29", "2025-02-29", "9999-12-31", "0001-01-01", "31/12/2026", "LFOH-OFFICER", "S4"]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
FIELDS = [
    "name",
    "course_codes",
    "trigger",
    "trigger_days",
    "trigger_function",
    "fixed_due_date",
    "active_from",
    "active_to",
    "recurrence",
    "recurrence_months",
    "window_month",
    "window_opens_days",
    "include_units",
    "include_ranks",
    "exclude_worker_types",
    "reason",
    "until",
    "new_due_date",
    "requested_due_date",
    "assignment",
    "decision",
    "note",
    "staff_number",
    "course_code",
    "completed_on",
    "score",
    "evidence",
    "rows",
    "mapping",
]
bodies = st.one_of(st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=8), json_values)


@pytest.fixture
def setting():
    person = make_person(username="pc", staff_number="S4")
    make_requirement(name="LFOH", courses=[make_course("LFOH-OFFICER")], trigger="joining", trigger_days=60)
    sync_all()
    assignment = Assignment.objects.get(person=person)
    extension_request_create(
        assignment=assignment,
        user=person.user,
        requested_due_date=max(assignment.due_date, datetime.date.today()) + datetime.timedelta(days=9),
        reason="Nights",
    )
    admin = APIClient()
    admin.force_authenticate(UserFactory(roles=[Role.COMPLIANCE_ADMIN]))
    learner = APIClient()
    learner.force_authenticate(person.user)
    return {"admin": admin, "learner": learner, "pk": assignment.pk, "req": ExtensionRequest.objects.get().pk}


OPERATIONS = [
    ("admin", "/requirements/"),
    ("admin", "/requirements/preview/"),
    ("admin", "/requirements/{rid}/preview/"),
    ("admin", "/assignments/{pk}/exemptions/"),
    ("admin", "/assignments/{pk}/extensions/"),
    ("learner", "/extension-requests/"),
    ("admin", "/extension-requests/{xr}/decision/"),
    ("admin", "/completions/"),
    ("admin", "/completions/import/"),
    ("admin", "/completions/1/void/"),
]


@pytest.mark.parametrize(("who", "path"), OPERATIONS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies)
def test_random_json_never_gets_a_500(setting, who, path, body):
    from compliance.models import Requirement

    url = API + path.format(pk=setting["pk"], xr=setting["req"], rid=Requirement.objects.order_by("pk").first().pk)
    response = setting[who].post(url, body, format="json")
    assert response.status_code < 500, (url, body, response.content[:300])
    if response.status_code >= 400:
        assert "error" in response.json(), response.content[:300]


VALID = {
    "/requirements/preview/": {
        "name": "Fuzz",
        "course_codes": ["LFOH-OFFICER"],
        "trigger": "joining",
        "trigger_days": 90,
        "active_from": "2026-01-01",
        "recurrence": "months",
        "recurrence_months": 12,
        "window_opens_days": 30,
    },
    "/completions/": {
        "staff_number": "S4",
        "course_code": "LFOH-OFFICER",
        "completed_on": "2026-01-05",
        "reason": "Paper",
        "evidence": "Register",
    },
    "/assignments/{pk}/extensions/": {"new_due_date": "2099-01-01", "reason": "Leave"},
    "/assignments/{pk}/exemptions/": {"reason": "Leave", "until": "2099-01-01"},
}


@pytest.mark.parametrize("path", list(VALID))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_one_hostile_field_in_an_otherwise_valid_body(setting, path, data):
    body = dict(VALID[path])
    field = data.draw(st.sampled_from([*body, "trigger", "trigger_function", "fixed_due_date", "window_month"]))
    body[field] = data.draw(json_values)
    url = API + path.format(pk=setting["pk"])
    response = setting["admin"].post(url, body, format="json")
    assert response.status_code < 500, (url, body, response.content[:300])
    if response.status_code >= 400:
        assert response.json()["error"]["message"], response.content[:300]
