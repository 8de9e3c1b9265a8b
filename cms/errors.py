"""The site's answer when something fails: 503, not 500, while the database cannot be reached
(a restart, a failover), in the API's JSON error shape under /api/. Rendered without touching
the database, so it works during the outage it reports."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views.defaults import server_error

from api.exceptions import RETRY_AFTER_SECONDS, UNAVAILABLE_MESSAGE


def server_error_or_unavailable(request, template_name="500.html"):
    error = sys.exc_info()[1]
    if not isinstance(error, (OperationalError, InterfaceError)):
        return server_error(request, template_name)
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"error": {"status": 503, "code": "service_unavailable", "message": UNAVAILABLE_MESSAGE}}, status=503
        )
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
