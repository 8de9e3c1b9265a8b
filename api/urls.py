from django.urls import include, path, re_path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.exceptions import NotFound
from rest_framework.views import APIView

from api.permissions import SchemaPermission


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """Any other path under /api/ (an unknown endpoint, an id that is not a number): the API's
    own error shape, not the site's HTML page."""

    authentication_classes: list = []
    permission_classes: list = []

    def not_found(self, request, *args, **kwargs):
        raise NotFound("There is no API endpoint at this address: see /api/docs/.")

    get = post = put = patch = delete = head = options = not_found


urlpatterns = [
    path("v1/", include("api.v1.urls")),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[SchemaPermission]), name="api-schema"),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="api-schema", permission_classes=[SchemaPermission]),
        name="api-docs",
    ),
    # Only addresses ending in a slash: without one, Django first redirects to the slashed form.
    re_path(r"^([\s\S]*/)?$", NotFoundView.as_view()),  # any character, line breaks too
]
