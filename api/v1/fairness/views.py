"""Fairness API: the numbers of the fairness pages, for the D&I analyst role only (403 for
anyone else, 401 without credentials). Every call is written to the audit trail."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import IsEqualityAnalyst
from api.schema import ERROR_RESPONSES
from compliance.fairness import presentation
from compliance.fairness.forms import CHARACTERISTIC_LABELS, PARAMETERS, FairnessForm
from compliance.fairness.selectors import BREAKDOWNS, MEASURES, fairness_page
from compliance.fairness.services import ACTION_VIEW, fairness_access_record

from . import serializers as s


def _positions(table) -> list[dict]:
    return [p.as_dict() for row in presentation.positions(table) for p in row]


@extend_schema(
    tags=["fairness"],
    parameters=[
        OpenApiParameter("characteristic", OpenApiTypes.STR, enum=list(CHARACTERISTIC_LABELS), default="sex"),
        OpenApiParameter("measure", OpenApiTypes.STR, enum=list(MEASURES), default="completion"),
        OpenApiParameter("breakdown", OpenApiTypes.STR, enum=list(BREAKDOWNS), default="unit"),
    ],
    responses={200: s.FairnessTableSerializer, **ERROR_RESPONSES},
)
class FairnessTableView(APIView):
    """A measure by a protected characteristic and by unit or requirement: the same protected
    numbers as the fairness page, with the overall rate and the gap beside each group."""

    permission_classes = [IsAuthenticated, IsEqualityAnalyst]

    def get(self, request):
        form = FairnessForm(request.query_params, allowed=(*PARAMETERS, "format"))
        if not form.is_valid():
            raise ValidationError({k if k != "__all__" else "detail": v for k, v in form.errors.items()})
        choices = form.choices()
        page = fairness_page(**choices)
        fairness_access_record(user=request.user, source="api", action=ACTION_VIEW, parameters=choices)
        terms = presentation.describe(page)
        data = {
            **choices,
            "measure_label": terms["measure"],
            "threshold": page.threshold,
            "definition": f"People {terms['numerator']} of people {terms['denominator']}.",
            "categories": [{"key": k, "label": v} for k, v in page.categories],
            "columns": [{"key": k, "label": v} for k, v in page.columns],
            "headcount": _positions(page.headcount),
            "rates": _positions(page.rates),
        }
        return Response(s.FairnessTableSerializer(data).data)
