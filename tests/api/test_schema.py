"""The published OpenAPI schema: valid, free of generator warnings, and limited to /api/v1."""

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
