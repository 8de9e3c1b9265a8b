"""An id larger than any database integer, in a URL or a body, is "not found" or a clear 400,
never a server error (page ids are looked up through Wagtail's parent link, unguarded)."""

import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory

HUGE = 2**63
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "method, url",
    [
        ("post", f"/learning/courses/{HUGE}/start/"),
        ("get", f"/learning/courses/{HUGE}/evaluation/"),
        ("post", f"/learning/modules/{HUGE}/check/"),
        ("post", f"/learning/modules/{HUGE}/complete/"),
        ("post", f"/learning/modules/{HUGE}/reflection/"),
        ("get", f"/api/v1/learner/modules/{HUGE}/"),
        ("put", f"/api/v1/learner/modules/{HUGE}/progress/"),
        ("post", f"/api/v1/learner/modules/{HUGE}/knowledge-check/"),
        ("get", "/api/v1/learner/modules/0/"),
    ],
)
def test_a_page_id_beyond_the_database_is_not_found(client, method, url):
    user = UserFactory()
    client.force_login(user)
    api = APIClient()
    api.force_authenticate(user)
    caller = api if url.startswith("/api/") else client
    assert getattr(caller, method)(url).status_code == 404


def test_a_module_id_beyond_the_database_in_a_body_is_a_clear_400():
    api = APIClient()
    api.force_authenticate(UserFactory())
    response = api.post("/api/v1/learner/reflections/", {"module": HUGE, "prompt_id": "p", "text": "x"}, format="json")
    assert response.status_code == 400
    assert "module" in str(response.json()["error"])
