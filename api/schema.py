"""OpenAPI: what is published, and the one error shape every operation documents."""

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers


def public_endpoints_only(endpoints, **kwargs):
    """The published schema is our versioned API only, not Wagtail's internal admin API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "error": inline_serializer(
            name="ErrorBody",
            fields={
                "status": serializers.IntegerField(),
                "code": serializers.CharField(),
                "message": serializers.CharField(help_text="A sentence saying what is wrong and where."),
                "details": serializers.JSONField(required=False),
            },
        )
    },
)

# The responses every authenticated operation may give besides its success.
ERROR_RESPONSES = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer}
NOT_FOUND = {404: ErrorSerializer}


# What any operation can answer besides what it documents itself, in the one error shape.
COMMON_ERRORS = {
    "400": "The request is not valid; the message says what and where.",
    "401": "No credentials, or credentials that are not valid.",
    "403": "Your account may not do this.",
    "404": "Nothing at this address, no such page of results, or nothing your account may see.",
    "503": "The database cannot be reached just now; try again after Retry-After seconds.",
}


def every_operation_documents_its_errors(result, generator, request, public):
    """Postprocessing hook: every operation lists the errors any operation can give, so a
    client, and schemathesis, can rely on the list."""
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in COMMON_ERRORS.items():
                responses.setdefault(code, {"description": description, "content": error})
    return result
