"""Team and report API: the numbers and lists of the team, command and force pages, filtered
to what the caller may see. A line manager reads their own team; a senior leader their units;
L&D and compliance administrators the force. A person outside the caller's chain is 404."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.schema import ERROR_RESPONSES, NOT_FOUND
from compliance import access
from compliance.people.models import OrgUnit
from compliance.reporting import selectors
from compliance.reporting.forms import TEAM_PARAMETERS, TeamFilterForm
from compliance.selectors.assignments import MANAGER, assignment_reason, assignment_status, person_assignments
from courses.selectors.learning import MAX_ID

from . import serializers as s


class IsLineManager(BasePermission):
    message = "Only line managers (people with someone reporting to them) have a team."

    def has_permission(self, request, view) -> bool:
        person = access.viewer_person(user=request.user)
        return access.person_has_team(person=person)


class IsSeniorLeaderOrAdministrator(BasePermission):
    message = "Only senior leaders (Superintendent and above) and L&D or compliance administrators may do this."

    def has_permission(self, request, view) -> bool:
        return access.command_scope(user=request.user) is not None


class SeesForceReports(BasePermission):
    message = "Only L&D and compliance administrators may see force reports."

    def has_permission(self, request, view) -> bool:
        return access.user_sees_force_reports(user=request.user)


TEAM_FILTER_PARAMETERS = [
    OpenApiParameter("direct", OpenApiTypes.STR, enum=["", "1"], description="1: direct reports only"),
    OpenApiParameter("unit", OpenApiTypes.STR, description="Unit code (with the units below it)"),
    OpenApiParameter("requirement", OpenApiTypes.INT, description="Requirement id"),
    OpenApiParameter("rank", OpenApiTypes.STR, description="Rank or grade name"),
    OpenApiParameter("q", OpenApiTypes.STR, description="Name or staff number"),
]
LIST_PARAMETERS = [
    OpenApiParameter("status", OpenApiTypes.STR, enum=selectors.REPORT_STATUSES),
    OpenApiParameter("sort", OpenApiTypes.STR, enum=list(selectors.SORTS)),
]
UNIT_PARAMETER = OpenApiParameter(
    "unit", OpenApiTypes.STR, description="Unit code to drill into (default: the top of your scope)"
)


class _TeamMixin:
    permission_classes = [IsAuthenticated, IsLineManager]
    parameters = TEAM_PARAMETERS | {"page_size", "format"}

    def team(self, request):
        manager = access.viewer_person(user=request.user)
        choices = selectors.scope_filter_choices(scope=access.team_scope(manager=manager))
        form = TeamFilterForm(request.query_params, choices=choices, parameters=self.parameters)
        if not form.is_valid():
            raise ValidationError({k if k != "__all__" else "detail": v for k, v in form.errors.items()})
        scope = access.team_scope(manager=manager, direct_only=form.direct_only)
        return manager, scope, form.filters(), form.direct_only


@extend_schema(
    tags=["team"], parameters=TEAM_FILTER_PARAMETERS, responses={200: s.TeamSummarySerializer, **ERROR_RESPONSES}
)
class TeamSummaryView(_TeamMixin, APIView):
    """Counts by status and completion by requirement for the caller's team."""

    parameters = (TEAM_PARAMETERS | {"format"}) - {"status", "sort", "page"}

    def get(self, request):
        _, scope, filters, direct_only = self.team(request)
        base = selectors.filter_assignments(
            selectors.scope_assignments(scope=scope), filters=filters, with_status=False
        )
        counts = selectors.status_counts(base)
        data = {
            "scope": scope.label,
            "direct_only": direct_only,
            "total": sum(counts.values()),
            "counts": counts,
            "by_requirement": selectors.rates_by_requirement(queryset=base),
        }
        return Response(s.TeamSummarySerializer(data).data)


@extend_schema(
    tags=["team"],
    parameters=TEAM_FILTER_PARAMETERS + LIST_PARAMETERS,
    responses={200: s.TeamAssignmentSerializer(many=True), **ERROR_RESPONSES, **NOT_FOUND},
)
class TeamAssignmentListView(_TeamMixin, generics.ListAPIView):
    """The team's assignments, one row each, filtered and sorted as on the team page."""

    serializer_class = s.TeamAssignmentSerializer
    filter_backends: list = []

    def get_queryset(self):
        _, scope, filters, _ = self.team(self.request)
        return selectors.team_assignment_rows(scope=scope, filters=filters)


@extend_schema(tags=["team"], responses={200: s.TeamPersonSerializer, **ERROR_RESPONSES, **NOT_FOUND})
class TeamPersonView(APIView):
    """One person in the caller's team: assignments with their reasons, requests for more time
    waiting for a decision, and the history. 404 for anyone outside the caller's chain."""

    permission_classes = [IsAuthenticated, IsLineManager]

    def get(self, request, staff_number: str):
        manager = access.viewer_person(user=request.user)
        person = access.team_member(manager=manager, staff_number=staff_number)
        if person is None:
            raise NotFound("Nobody with that staff number is in your team.")
        today = timezone.localdate()
        assignments = [
            {
                "id": a.pk,
                "requirement": a.requirement.name,
                "status": assignment_status(assignment=a, today=today),
                "due_date": a.effective_due_date,
                "completed_on": a.satisfied_on,
                "valid_until": a.valid_until,
                "reason": assignment_reason(assignment=a, perspective=MANAGER, today=today),
            }
            for a in person_assignments(person=person)
        ]
        data = {
            "person": person,
            "line_manager_staff_number": person.line_manager.staff_number if person.line_manager_id else None,
            "assignments": assignments,
            "extension_requests": selectors.person_pending_requests(person=person),
            "history": selectors.person_history(person=person)[:200],
        }
        return Response(s.TeamPersonSerializer(data).data)


@extend_schema(
    tags=["team"],
    parameters=[TEAM_FILTER_PARAMETERS[0], TEAM_FILTER_PARAMETERS[2]],
    responses={200: s.TrendSerializer, **ERROR_RESPONSES},
)
class TeamTrendView(_TeamMixin, APIView):
    """Completion at each of the last 12 month ends (see `monthly_trend` for how it is derived)."""

    parameters = {"direct", "requirement", "format"}

    def get(self, request):
        _, scope, filters, _ = self.team(request)
        points = selectors.monthly_trend(scope=scope, requirement=filters.requirement)
        return Response(s.TrendSerializer({"scope": scope.label, "points": points}).data)


def _command(request):
    scope = access.command_scope(user=request.user)
    unknown = sorted(set(request.query_params) - {"unit", "format"})
    if unknown:
        raise ValidationError({"detail": f"Unknown filter(s): {', '.join(unknown)}. Use only: unit."})
    code = request.query_params.get("unit")
    if not code:
        return scope, selectors.command_root(scope=scope)
    unit = OrgUnit.objects.filter(code__iexact=code).first()
    if unit is None or not scope.contains_unit(unit):
        raise NotFound("That unit is not in your command.")
    return access.Scope(label=unit.name, unit_path=unit.path), unit


@extend_schema(
    tags=["reports"],
    parameters=[UNIT_PARAMETER],
    responses={200: s.UnitMatrixSerializer, **ERROR_RESPONSES, **NOT_FOUND},
)
class UnitMatrixView(APIView):
    """Units (each counting its subtree) by requirement, with completion rates."""

    permission_classes = [IsAuthenticated, IsSeniorLeaderOrAdministrator]

    def get(self, request):
        scope, unit = _command(request)
        matrix = selectors.unit_matrix(scope=scope, parent=unit)
        cells = [
            {
                "unit_key": key,
                "requirement_id": rid,
                "completed": cell.completed,
                "assigned": cell.denominator,
                "rate": cell.rate,
            }
            for (key, rid), cell in sorted(matrix.cells.items())
        ]
        data = {
            "scope": scope.label,
            "unit_code": unit.code if unit else None,
            "requirements": [{"id": pk, "name": name} for pk, name in matrix.requirements],
            "units": matrix.units,
            "cells": cells,
            "totals": matrix.totals,
        }
        return Response(s.UnitMatrixSerializer(data).data)


@extend_schema(
    tags=["reports"],
    parameters=[UNIT_PARAMETER],
    responses={200: s.CampaignSerializer(many=True), **ERROR_RESPONSES, **NOT_FOUND},
)
class CampaignListView(APIView):
    """Fixed-date requirements: completed, remaining and days left to the deadline."""

    permission_classes = [IsAuthenticated, IsSeniorLeaderOrAdministrator]

    def get(self, request):
        scope, _ = _command(request)
        return Response(s.CampaignSerializer(selectors.campaign_progress(scope=scope), many=True).data)


@extend_schema(
    tags=["reports"], parameters=[UNIT_PARAMETER], responses={200: s.TrendSerializer, **ERROR_RESPONSES, **NOT_FOUND}
)
class CommandTrendView(APIView):
    """Completion at each of the last 12 month ends for the caller's units."""

    permission_classes = [IsAuthenticated, IsSeniorLeaderOrAdministrator]

    def get(self, request):
        scope, _ = _command(request)
        points = selectors.monthly_trend(scope=scope)
        return Response(s.TrendSerializer({"scope": scope.label, "points": points}).data)


FORCE = access.Scope(label="The whole force", force=True)


@extend_schema(
    tags=["reports"],
    parameters=[OpenApiParameter("by", OpenApiTypes.STR, enum=list(selectors.BREAKDOWNS), required=True)],
    responses={200: s.BreakdownSerializer, **ERROR_RESPONSES},
)
class BreakdownView(APIView):
    """Force completion by requirement, top-level unit, rank or grade, or worker type."""

    permission_classes = [IsAuthenticated, SeesForceReports]

    def get(self, request):
        unknown = sorted(set(request.query_params) - {"by", "format"})
        if unknown:
            raise ValidationError({"detail": f"Unknown filter(s): {', '.join(unknown)}. Use only: by."})
        by = request.query_params.get("by") or ""
        if by not in selectors.BREAKDOWNS:
            raise ValidationError({"by": [f"Use one of: {', '.join(selectors.BREAKDOWNS)}."]})
        rows = selectors.rates_by(scope=FORCE, dimension=by)
        return Response(s.BreakdownSerializer({"by": by, "rows": rows, "totals": selectors.rates_total(rows)}).data)


@extend_schema(
    tags=["reports"],
    parameters=[
        OpenApiParameter("requirement", OpenApiTypes.INT),
        OpenApiParameter("unit", OpenApiTypes.STR, description="Unit code (with the units below it)"),
    ],
    responses={200: s.TeamAssignmentSerializer(many=True), **ERROR_RESPONSES, **NOT_FOUND},
)
class OverdueListView(generics.ListAPIView):
    """Everyone overdue in the force, longest overdue first."""

    permission_classes = [IsAuthenticated, SeesForceReports]
    serializer_class = s.TeamAssignmentSerializer
    filter_backends: list = []

    def get_queryset(self):
        params = self.request.query_params
        unknown = sorted(set(params) - {"requirement", "unit", "page", "page_size", "format"})
        if unknown:
            raise ValidationError({"detail": f"Unknown filter(s): {', '.join(unknown)}."})
        qs = selectors.overdue_list(scope=FORCE)
        if params.get("requirement"):
            if not params["requirement"].isdigit() or int(params["requirement"]) > MAX_ID:
                raise ValidationError({"requirement": ["A requirement id is a whole number."]})
            qs = qs.filter(requirement_id=int(params["requirement"]))
        if params.get("unit"):
            unit = OrgUnit.objects.filter(code__iexact=params["unit"]).first()
            if unit is None:
                raise ValidationError({"unit": [f"There is no unit with the code '{params['unit']}'."]})
            qs = qs.filter(person__unit__path__startswith=unit.path)
        return qs
