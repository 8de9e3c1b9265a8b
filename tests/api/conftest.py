"""What the API tests share: a small force loaded through the imports, and clients with a token
(or a session) for an account with given roles."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from compliance.access import Role
from compliance.importing.people import import_people
from compliance.importing.units import import_units
from tests.compliance.test_import_people import UNITS, to_csv, tree_rows
from tests.factories import UserFactory


@pytest.fixture
def force(db):
    import_units(UNITS)
    import_people(to_csv(tree_rows()))


@pytest.fixture
def hr(force):
    return client_for(roles=[Role.HR_SERVICE])


def client_for(*, roles=(), token=True, username=None) -> APIClient:
    user = UserFactory(roles=list(roles), **({"username": username} if username else {}))
    client = APIClient()
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    else:
        client.force_login(user)
    client.user = user
    return client
