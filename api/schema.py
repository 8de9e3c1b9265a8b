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
