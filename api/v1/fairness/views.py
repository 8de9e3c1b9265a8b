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
from compliance.fairness.forms import CHARACTERISTIC_LABELS, LEVEL_LABELS, PARAMETERS, FairnessForm
from compliance.fairness.selectors import BREAKDOWNS, GROUPINGS, MEASURES
from compliance.fairness.services import ACTION_VIEW, fairness_access_record, fairness_release_page
from compliance.fairness.statistics import DEFAULT_LEVEL, LEVELS

from . import serializers as s


def _positions(page, table, level: float) -> list[dict]:
    _, column_labels = presentation.labels(page)
    rows = presentation.positions(table, level=level, measure=page.measure, column_labels=column_labels)
    return [p.as_dict() for row in rows for p in row]


@extend_schema(
    tags=["fairness"],
    parameters=[
        OpenApiParameter("characteristic", OpenApiTypes.STR, enum=list(CHARACTERISTIC_LABELS), default="sex"),
        OpenApiParameter("measure", OpenApiTypes.STR, enum=list(MEASURES), default="completion"),
        OpenApiParameter("breakdown", OpenApiTypes.STR, enum=list(BREAKDOWNS), default="unit"),
        OpenApiParameter("grouping", OpenApiTypes.STR, enum=list(GROUPINGS), default="fine"),
        OpenApiParameter("level", OpenApiTypes.STR, enum=list(LEVEL_LABELS), default=DEFAULT_LEVEL),
    ],
    responses={200: s.FairnessTableSerializer, **ERROR_RESPONSES},
)
class FairnessTableView(APIView):
    """A measure by a protected characteristic and by unit or requirement: the same protected
    (perturbed, suppressed) numbers as the fairness page, from this week's release, with the
    overall rate, the gap and its interval, and whether it is unlikely to be chance."""

    permission_classes = [IsAuthenticated, IsEqualityAnalyst]

    def get(self, request):
        form = FairnessForm(request.query_params, allowed=(*PARAMETERS, "format"))
        if not form.is_valid():
            raise ValidationError({k if k != "__all__" else "detail": v for k, v in form.errors.items()})
        choices = form.choices()
        page = fairness_release_page(**form.table_choices())
        fairness_access_record(user=request.user, source="api", action=ACTION_VIEW, parameters=choices)
        terms = presentation.describe(page)
        level = LEVELS[choices["level"]]
        data = {
            **choices,
            "measure_label": terms["measure"],
            "threshold": page.threshold,
            "definition": f"People {terms['numerator']} of people {terms['denominator']}.",
            "perturbed": page.perturbed,
            "method": presentation.method_text(page),
            "taken_at": page.taken_at,
            "refused": [{"label": label, "reason": reason} for label, reason in page.refused],
            "categories": [{"key": k, "label": v} for k, v in page.categories],
            "columns": [{"key": k, "label": v} for k, v in page.columns],
            "headcount": _positions(page, page.headcount, level),
            "rates": _positions(page, page.rates, level),
        }
        return Response(s.FairnessTableSerializer(data).data)
