"""The published OpenAPI schema: valid, free of generator warnings, and limited to /api/v1."""

import pytest
import yaml
from django.core.management import call_command


def test_the_schema_is_valid_and_generates_without_warnings(tmp_path):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    schema = yaml.safe_load(path.read_text())
    assert schema["paths"], "the schema lists no endpoints"
    assert all(p.startswith("/api/v1/") for p in schema["paths"])
    tags = {tag for operation in _operations(schema) for tag in operation.get("tags", [])}
    assert {"hr", "learner", "compliance", "reminders", "team", "reports", "fairness"} <= tags


def _operations(schema):
    for item in schema["paths"].values():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield operation


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/api/v1/learner/modules/abc/", "/api/v1/compliance/requirements/-1/", "/api/v1/nothing/", "/api/"]
)
def test_an_unknown_api_address_answers_in_the_api_error_shape(client, url):
    for method in ("get", "post", "delete"):
        response = getattr(client, method)(url)
        assert response.status_code == 404, (method, url)
        assert response.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_an_api_address_without_its_slash_is_still_redirected(client):
    assert client.get("/api/docs").url == "/api/docs/"
