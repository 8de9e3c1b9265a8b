"""Compliance API: requirements and their preview, assignments with reasons, exemptions,
extensions, learners' requests for more time and for exemptions, completions (import, manual
entry, voiding), audit."""

import django_filters
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import IsComplianceAdministrator
from api.schema import ERROR_RESPONSES, ErrorSerializer
from api.v1.compliance import serializers as s
from api.v1.hr import ImportJobSerializer, ImportReportSerializer, _ImportView
from compliance.access import extension_requests_visible, user_may_see_person
from compliance.audit.models import AuditEvent
from compliance.importing.completions import COLUMNS as COMPLETION_COLUMNS
from compliance.models import Assignment, Exemption, ExtensionRequest, ImportJob, RequestKind, Requirement
from compliance.models.requirements import requirement_rule_errors
from compliance.people.models import Person
from compliance.services.assignments import (
    exemption_grant,
    exemption_request_create,
    exemption_revoke,
    extension_grant,
    extension_request_create,
    extension_request_decide,
)
from compliance.services.completions import completion_enter_manually, completion_void_audited
from compliance.services.requirements import requirement_save
from compliance.services.sync import requirement_preview
from courses.models import Completion, CoursePage


def _courses_prefetch():
    return Prefetch(
        "requirement__courses",
        queryset=CoursePage.objects.only("id", "title", "course_code", "url_path", "path", "depth"),
    )


def _requirement_from(serializer, instance: Requirement | None = None) -> tuple[Requirement, list[int]]:
    data = dict(serializer.validated_data)
    data.pop("course_codes", None)
    requirement = instance or Requirement()
    for field, value in data.items():
        setattr(requirement, field, value)
    errors = requirement_rule_errors(requirement=requirement)
    if errors:
        raise serializers.ValidationError({name: [message] for name, message in errors.items()})
    return requirement, serializer.context.get("course_ids", [])


@extend_schema(tags=["compliance"])
class RequirementListView(generics.ListCreateAPIView):
    """Requirements (compliance administrators). Creating one assigns it on commit."""

    permission_classes = [IsComplianceAdministrator]
    queryset = Requirement.objects.prefetch_related("courses").order_by("name")

    def get_serializer_class(self):
        return s.RequirementSerializer if self.request.method == "POST" else s.RequirementOutputSerializer

    @extend_schema(request=s.RequirementSerializer, responses={201: s.RequirementOutputSerializer})
    def post(self, request):
        serializer = s.RequirementSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        requirement, course_ids = _requirement_from(serializer)
        requirement_save(requirement=requirement, course_ids=course_ids, actor=request.user, source="api")
        return Response(s.RequirementOutputSerializer(requirement).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["compliance"])
class RequirementDetailView(generics.RetrieveUpdateAPIView):
    """One requirement (compliance administrators). A change re-dates, assigns and withdraws on commit."""

    permission_classes = [IsComplianceAdministrator]
    queryset = Requirement.objects.prefetch_related("courses")
    http_method_names = ["get", "put", "head", "options"]

    def get_serializer_class(self):
        return s.RequirementSerializer if self.request.method == "PUT" else s.RequirementOutputSerializer

    @extend_schema(request=s.RequirementSerializer, responses={200: s.RequirementOutputSerializer})
    def put(self, request, pk):
        instance = self.get_object()
        serializer = s.RequirementSerializer(instance, data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        requirement, course_ids = _requirement_from(serializer, instance)
        requirement_save(requirement=requirement, course_ids=course_ids, actor=request.user, source="api")
        return Response(s.RequirementOutputSerializer(Requirement.objects.get(pk=pk)).data)


@extend_schema(tags=["compliance"], request=s.RequirementSerializer, responses={200: s.PreviewSerializer})
class RequirementPreviewView(APIView):
    """Who a requirement would catch and when they would be due, without saving it. POST the
    same body as for creating (or, at /requirements/{id}/preview/, the changed requirement)."""

    permission_classes = [IsComplianceAdministrator]

    def post(self, request, pk=None):
        instance = get_object_or_404(Requirement, pk=pk) if pk is not None else None
        serializer = s.RequirementSerializer(instance, data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        requirement, course_ids = _requirement_from(serializer, instance)
        requirement.full_clean(exclude=["courses", "name"])
        preview = requirement_preview(requirement=requirement, course_ids=course_ids)
        return Response(s.PreviewSerializer(preview).data)


class RequirementChangePreviewView(RequirementPreviewView):
    """What changing an existing requirement would do: new, re-dated and withdrawn assignments."""

    @extend_schema(
        tags=["compliance"],
        request=s.RequirementSerializer,
        responses={200: s.PreviewSerializer},
        operation_id="compliance_requirement_change_preview",
    )
    def post(self, request, pk=None):
        return super().post(request, pk=pk)


def _visible_person(request, staff_number: str) -> Person:
    """The person, if the access policy lets the caller see them; else 404 (deny by default)."""
    person = get_object_or_404(Person, staff_number=staff_number)
    if not user_may_see_person(user=request.user, person=person):
        raise Http404
    return person


class AssignmentFilter(django_filters.FilterSet):
    include_withdrawn = django_filters.BooleanFilter(method="withdrawn", label="Include withdrawn assignments")
    all_cycles = django_filters.BooleanFilter(method="cycles", label="Include earlier cycles")

    class Meta:
        model = Assignment
        fields = ["include_withdrawn", "all_cycles"]

    def withdrawn(self, queryset, name, value):
        return queryset if value else queryset.exclude(state="withdrawn")

    def cycles(self, queryset, name, value):
        return queryset if value else queryset.filter(is_current=True)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("include_withdrawn"):
            queryset = queryset.exclude(state="withdrawn")
        if not self.form.cleaned_data.get("all_cycles"):
            queryset = queryset.filter(is_current=True)
        return queryset


@extend_schema(tags=["compliance"])
class PersonAssignmentsView(generics.ListAPIView):
    """A person's assignments with status and the reason each applies (the person themselves,
    their managers up the line, and compliance administrators)."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.AssignmentSerializer
    filterset_class = AssignmentFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        person = _visible_person(self.request, self.kwargs["staff_number"])
        return (
            Assignment.objects.filter(person=person)
            .select_related("requirement", "person")
            .prefetch_related(_courses_prefetch())
            .order_by("due_date", "pk")
        )


@extend_schema(tags=["compliance"])
class MyAssignmentsView(PersonAssignmentsView):
    """The signed-in learner's own assignments."""

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        return (
            Assignment.objects.filter(person__user=self.request.user)
            .select_related("requirement", "person")
            .prefetch_related(_courses_prefetch())
            .order_by("due_date", "pk")
        )


def _visible_assignment(request, pk: int) -> Assignment:
    assignment = get_object_or_404(Assignment.objects.select_related("person", "requirement"), pk=pk)
    _visible_person(request, assignment.person.staff_number)
    return assignment


@extend_schema(tags=["compliance"], responses=s.AssignmentDetailSerializer)
class AssignmentDetailView(APIView):
    """One assignment with its ledger (who changed what, when and why)."""

    permission_classes = [IsAuthenticated]

    def get(self, request, pk):
        assignment = _visible_assignment(request, pk)
        assignment = (
            Assignment.objects.select_related("requirement", "person")
            .prefetch_related(_courses_prefetch(), "events__actor")
            .get(pk=assignment.pk)
        )
        return Response(s.AssignmentDetailSerializer(assignment, context={"request": request}).data)


@extend_schema(tags=["compliance"])
class ExemptionCreateView(APIView):
    """An assignment's exemptions, newest first; POST exempts the person from it (compliance
    administrators)."""

    permission_classes = [IsComplianceAdministrator]

    @extend_schema(responses=s.ExemptionSerializer(many=True))
    def get(self, request, pk):
        assignment = get_object_or_404(Assignment, pk=pk)
        exemptions = assignment.exemptions.select_related("approved_by", "revoked_by").order_by("-granted_at", "-pk")
        return Response(s.ExemptionSerializer(exemptions, many=True).data)

    @extend_schema(request=s.ExemptionInputSerializer, responses={201: s.ExemptionSerializer})
    def post(self, request, pk):
        assignment = get_object_or_404(Assignment, pk=pk)
        data = s.ExemptionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        exemption = exemption_grant(
            assignment=assignment,
            reason=data.validated_data["reason"],
            until=data.validated_data.get("until"),
            actor=request.user,
            source="api",
        )
        return Response(s.ExemptionSerializer(exemption).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["compliance"], request=s.RevokeInputSerializer, responses=s.ExemptionSerializer)
class ExemptionRevokeView(APIView):
    """End an exemption early, with a reason: the assignment is due again (compliance
    administrators). Revoking twice changes nothing."""

    permission_classes = [IsComplianceAdministrator]

    def post(self, request, pk):
        exemption = get_object_or_404(Exemption, pk=pk)
        data = s.RevokeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        exemption = exemption_revoke(
            exemption=exemption, actor=request.user, reason=data.validated_data["reason"], source="api"
        )
        return Response(s.ExemptionSerializer(exemption).data)


@extend_schema(tags=["compliance"])
class ExtensionCreateView(APIView):
    """An assignment's extensions, newest first; POST gives it a later due date (compliance
    administrators)."""

    permission_classes = [IsComplianceAdministrator]

    @extend_schema(responses=s.ExtensionSerializer(many=True))
    def get(self, request, pk):
        assignment = get_object_or_404(Assignment, pk=pk)
        extensions = assignment.extensions.select_related("approved_by").order_by("-granted_at", "-pk")
        return Response(s.ExtensionSerializer(extensions, many=True).data)

    @extend_schema(request=s.ExtensionInputSerializer, responses={201: s.ExtensionSerializer})
    def post(self, request, pk):
        assignment = get_object_or_404(Assignment, pk=pk)
        data = s.ExtensionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        extension = extension_grant(
            assignment=assignment,
            new_due_date=data.validated_data["new_due_date"],
            reason=data.validated_data["reason"],
            actor=request.user,
            source="api",
        )
        return Response(s.ExtensionSerializer(extension).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["compliance"])
class ExtensionRequestListView(generics.ListAPIView):
    """Requests for more time: your own, and those of people below you in line management."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.ExtensionRequestSerializer
    filterset_fields = ["status"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ExtensionRequest.objects.none()
        return extension_requests_visible(user=self.request.user, kind=RequestKind.MORE_TIME).order_by("-requested_at")

    @extend_schema(request=s.ExtensionRequestInputSerializer, responses={201: s.ExtensionRequestSerializer})
    def post(self, request):
        """Ask for more time for one of your own assignments."""
        data = s.ExtensionRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignment = _own_assignment(request, data.validated_data["assignment"])
        created = extension_request_create(
            assignment=assignment,
            user=request.user,
            requested_due_date=data.validated_data["requested_due_date"],
            reason=data.validated_data["reason"],
        )
        created = extension_requests_visible(user=request.user).get(pk=created.pk)
        return Response(s.ExtensionRequestSerializer(created).data, status=status.HTTP_201_CREATED)


class _RequestDecisionView(APIView):
    """Approve or refuse one request of `kind` the caller may see, answered as `serializer_class`."""

    permission_classes = [IsAuthenticated]
    kind: str = ""
    serializer_class = s.ExtensionRequestSerializer

    def post(self, request, pk):
        pending = get_object_or_404(extension_requests_visible(user=request.user, kind=self.kind), pk=pk)
        data = s.DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decided = extension_request_decide(
            request=pending,
            actor=request.user,
            approve=data.validated_data["decision"] == "approve",
            note=data.validated_data["note"],
            source="api",
        )
        decided = extension_requests_visible(user=request.user).get(pk=decided.pk)
        return Response(self.serializer_class(decided).data)


def _own_assignment(request, pk: int) -> Assignment:
    """One of the caller's own assignments; another id is a bad field, not a missing page."""
    assignment = Assignment.objects.filter(pk=pk, person__user=request.user).first()
    if assignment is None:
        raise serializers.ValidationError({"assignment": ["You have no assignment with this id."]})
    return assignment


@extend_schema(tags=["compliance"], request=s.DecisionInputSerializer, responses=s.ExtensionRequestSerializer)
class ExtensionRequestDecisionView(_RequestDecisionView):
    """Approve or refuse a request (the learner's line managers, or an administrator)."""

    kind = RequestKind.MORE_TIME


@extend_schema(tags=["compliance"])
class ExemptionRequestListView(generics.ListAPIView):
    """Requests to be exempted: your own; those of people below you that your line manager
    decides (the requirement says who decides); every one for a compliance administrator."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.ExemptionRequestSerializer
    filterset_fields = ["status"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ExtensionRequest.objects.none()
        return extension_requests_visible(user=self.request.user, kind=RequestKind.EXEMPTION).order_by(
            "-requested_at", "-pk"
        )

    @extend_schema(request=s.ExemptionRequestInputSerializer, responses={201: s.ExemptionRequestSerializer})
    def post(self, request):
        """Ask to be exempted from one of your own assignments."""
        data = s.ExemptionRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignment = _own_assignment(request, data.validated_data["assignment"])
        created = exemption_request_create(
            assignment=assignment,
            user=request.user,
            reason=data.validated_data["reason"],
            evidence=data.validated_data["evidence"],
            until=data.validated_data.get("exempt_until"),
        )
        created = extension_requests_visible(user=request.user).get(pk=created.pk)
        return Response(s.ExemptionRequestSerializer(created).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["compliance"], request=s.DecisionInputSerializer, responses=s.ExemptionRequestSerializer)
class ExemptionRequestDecisionView(_RequestDecisionView):
    """Approve or refuse a request to be exempted (whoever the requirement says decides it)."""

    kind = RequestKind.EXEMPTION
    serializer_class = s.ExemptionRequestSerializer


@extend_schema(tags=["compliance"], request=s.ManualCompletionInputSerializer, responses={201: s.CompletionSerializer})
class ManualCompletionView(APIView):
    """Record a completion by hand, with the reason and the evidence (compliance administrators)."""

    permission_classes = [IsComplianceAdministrator]

    def post(self, request):
        data = s.ManualCompletionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        person = Person.objects.filter(staff_number=v["staff_number"]).first()
        course = CoursePage.objects.filter(course_code=v["course_code"]).first()
        errors = {}
        if person is None:
            errors["staff_number"] = [f"Nobody has the staff number {v['staff_number']}."]
        if course is None:
            errors["course_code"] = [f"No course has the code {v['course_code']}."]
        if errors:
            raise serializers.ValidationError(errors)
        completion, created = completion_enter_manually(
            person=person,
            course=course,
            completed_on=v["completed_on"],
            score=v.get("score"),
            reason=v["reason"],
            evidence=v["evidence"],
            actor=request.user,
            source="api",
        )
        return Response(
            s.CompletionSerializer(completion).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


@extend_schema(tags=["compliance"], request=s.VoidInputSerializer, responses=s.CompletionSerializer)
class CompletionVoidView(APIView):
    """Void a wrong completion with a reason; assignments it satisfied reopen (administrators)."""

    permission_classes = [IsComplianceAdministrator]

    def post(self, request, pk):
        completion = get_object_or_404(Completion.objects.select_related("course"), pk=pk)
        data = s.VoidInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():
            completion = completion_void_audited(
                completion=completion, actor=request.user, reason=data.validated_data["reason"], source="api"
            )
        return Response(s.CompletionSerializer(completion).data)


@extend_schema(
    tags=["compliance"],
    request=None,
    responses={
        200: ImportReportSerializer,
        202: ImportJobSerializer,
        **ERROR_RESPONSES,
        413: ErrorSerializer,
        415: ErrorSerializer,
    },
)
class CompletionsImportView(_ImportView):
    """Import historic completions (compliance administrators). Columns: staff_number,
    course_code, completed_on, score, source. `?dry_run=true`, `?skip_invalid=true`."""

    permission_classes = [IsComplianceAdministrator]
    columns = COMPLETION_COLUMNS
    source = "api"
    kind = ImportJob.Kind.COMPLETIONS


class AuditFilter(django_filters.FilterSet):
    action = django_filters.CharFilter()
    object_type = django_filters.CharFilter()
    object_id = django_filters.CharFilter()
    source = django_filters.CharFilter()
    actor = django_filters.CharFilter(field_name="actor__username")
    since = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="lt")
    q = django_filters.CharFilter(field_name="summary", lookup_expr="icontains", label="Text in the summary")

    class Meta:
        model = AuditEvent
        fields = ["action", "object_type", "object_id", "source", "actor", "since", "until", "q"]


@extend_schema(tags=["compliance"])
class AuditListView(generics.ListAPIView):
    """The audit trail, newest first, searchable (compliance administrators)."""

    permission_classes = [IsComplianceAdministrator]
    serializer_class = s.AuditEventSerializer
    filterset_class = AuditFilter
    queryset = AuditEvent.objects.select_related("actor").order_by("-at", "-id")
