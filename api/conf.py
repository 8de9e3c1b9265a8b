"""The API's Django REST framework and drf-spectacular settings.

A host site uses them as they are (`from api.conf import REST_FRAMEWORK, SPECTACULAR_SETTINGS`
in its settings) or merges them with its own: the API needs token and session authentication,
its pagination, its exception handler (one error shape) and django-filter.
"""

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous call gets 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Inclusion training API",
    "DESCRIPTION": (
        "Training catalogue, compliance and reporting for a police force's inclusion "
        "training. Authenticate with a session or with `Authorization: Token <key>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "TAGS": [
        {"name": "hr", "description": "People and organisation, loaded from the HR system."},
        {"name": "learner", "description": "The signed-in learner's own courses, progress, bookings and reflections."},
        {"name": "compliance", "description": "Requirements, assignments, exemptions, extensions, completions."},
        {"name": "reminders", "description": "Reminder policy and the notification log."},
        {"name": "team", "description": "A line manager's team: everyone below them in line management."},
        {"name": "reports", "description": "Force-wide reports for L&D and compliance administrators."},
        {"name": "fairness", "description": "Aggregate, suppressed equality analytics (D&I analyst only)."},
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ReminderKindEnum": "compliance.reminders.models.ReminderKind",
        "RequestStatusEnum": "compliance.models.assignments.ExtensionRequest.Status",
    },
    "PREPROCESSING_HOOKS": ["api.schema.public_endpoints_only"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.every_operation_documents_its_errors",
    ],
    # Swagger UI served from our own static files: no CDN on a police network.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
