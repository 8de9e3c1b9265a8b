from rest_framework import pagination
from rest_framework.exceptions import ValidationError


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        """A page_size that is not a whole number from 1 up is an error, not silently the default."""
        raw = (request.query_params.get(self.page_size_query_param) or "").strip()
        if raw and not (raw.isascii() and raw.isdigit() and int(raw) >= 1):
            raise ValidationError({self.page_size_query_param: [f"Use a whole number from 1 to {self.max_page_size}."]})
        return super().get_page_size(request)

    def paginate_queryset(self, queryset, request, view=None):
        """A page that is not a whole number from 1 up is the caller's error (400); a page past
        the last is one that does not exist (404, as DRF answers)."""
        raw = (request.query_params.get(self.page_query_param) or "").strip()
        if raw and raw not in self.last_page_strings and not (raw.isascii() and raw.isdigit() and int(raw) >= 1):
            raise ValidationError({self.page_query_param: ["Use a whole number from 1, or 'last'."]})
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["description"] = (
                    f"Results per page; more than {self.max_page_size} gives {self.max_page_size}."
                )
        return parameters
