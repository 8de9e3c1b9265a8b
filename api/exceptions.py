"""One error shape for the whole API:

{"error": {"status": 400, "code": "invalid", "message": "...", "details": ...}}
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

# While the database cannot be reached (a restart, a failover): 503, not 500, and when to retry.
UNAVAILABLE_MESSAGE = "The service cannot reach its database just now; try again in a minute."
RETRY_AFTER_SECONDS = 30


def _first_message(detail) -> str:
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    if isinstance(detail, dict) and detail:
        key, value = next(iter(detail.items()))
        inner = _first_message(value)
        return inner if key in ("non_field_errors", "detail") else f"{key}: {inner}"
    return str(detail)


def error_response(*, status_code: int, code: str, message: str, details=None) -> Response:
    body = {"error": {"status": status_code, "code": code, "message": message}}
    if details is not None:
        body["error"]["details"] = details
    return Response(body, status=status_code)


def exception_handler(exc, context):
    if isinstance(exc, (OperationalError, InterfaceError)):
        # The database is unreachable (a restart, a failover): 503 in the API's shape, not a 500.
        response = error_response(status_code=503, code="service_unavailable", message=UNAVAILABLE_MESSAGE)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    if isinstance(exc, exceptions.ValidationError):
        return error_response(
            status_code=response.status_code,
            code="invalid",
            message=_first_message(detail),
            details=detail,
        )
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    if not isinstance(code, str):
        code = "error"
    new = error_response(status_code=response.status_code, code=code, message=_first_message(detail))
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            new[header] = response[header]
    return new


__all__ = ["error_response", "exception_handler", "status"]
