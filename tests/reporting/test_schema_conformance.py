"""Schemathesis against the published schema, for every role that uses the API: each operation
is called with data generated from the schema (and some it forbids), and every answer must be
one the schema lists, in the shape it gives, and never a 500. About four minutes: it runs with
RUN_SLOW=1, as CI's PostgreSQL pass does."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis import checks

from cms.wsgi import application

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.timeout(600),
    pytest.mark.skipif(os.environ.get("RUN_SLOW") != "1", reason="slow: set RUN_SLOW=1 to run"),
]

ROLES = {
    "anonymous": None,
    "HR service": "hr.service",
    "compliance admin": "compliance.admin",
    "D&I analyst": "di.analyst",
    "sergeant": "sgt.a",
    "constable": "pc.a1",
}
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Calls go straight to the WSGI application, which closes the database connection after
    each request; inside a test's transaction that would close the test's own (Django's test
    client stops this the same way)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(force):
    """An API token for each role, on the authorisation test's force."""
    from django.contrib.auth.models import Group

    from compliance.access import Role
    from tests.factories import UserFactory

    UserFactory(username="hr.service").groups.add(Group.objects.get(name=Role.HR_SERVICE))
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(username__in=[name for name in ROLES.values() if name])
    return {user.username: Token.objects.get_or_create(user=user)[0].key for user in users}


@schema.parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@pytest.mark.parametrize("role", list(ROLES))
def test_every_operation_answers_as_its_schema_says(case, role, tokens):
    headers = {"Authorization": f"Token {tokens[ROLES[role]]}"} if ROLES[role] else {}
    case.call_and_validate(headers=headers, checks=CHECKS)
