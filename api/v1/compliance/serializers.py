"""Input and output shapes for the compliance API."""

from rest_framework import serializers

from compliance.audit.models import AuditEvent
from compliance.models import (
    Assignment,
    AssignmentEvent,
    Exemption,
    Extension,
    ExtensionRequest,
    RecurrenceKind,
    Requirement,
    TriggerKind,
)
from compliance.models.requirements import RULE_FIELDS
from compliance.people.models import Function, LeadershipLevel, OrgUnit, Person, RankOrGrade, WorkerType
from compliance.selectors.assignments import LEARNER, MANAGER, assignment_reason, assignment_status
from courses.models import CoursePage


class RequirementSerializer(serializers.ModelSerializer):
    """A requirement; `course_codes` are the courses, any one of which satisfies it."""

    course_codes = serializers.ListField(child=serializers.CharField(), min_length=1)
    include_worker_types = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Any of: " + ", ".join(WorkerType.values)
    )
    exclude_worker_types = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Any of: " + ", ".join(WorkerType.values)
    )
    include_leadership_levels = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Any of: " + ", ".join(LeadershipLevel.values)
    )
    exclude_leadership_levels = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Any of: " + ", ".join(LeadershipLevel.values)
    )
    include_ranks = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Rank or grade names"
    )
    exclude_ranks = serializers.ListField(child=serializers.CharField(), required=False)
    include_functions = serializers.ListField(child=serializers.CharField(), required=False)
    exclude_functions = serializers.ListField(child=serializers.CharField(), required=False)
    include_units = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Unit codes; each includes its subtree"
    )
    exclude_units = serializers.ListField(child=serializers.CharField(), required=False)
    trigger = serializers.ChoiceField(TriggerKind.choices)
    recurrence = serializers.ChoiceField(RecurrenceKind.choices, required=False)

    class Meta:
        model = Requirement
        fields = [
            "id",
            "name",
            "description",
            "course_codes",
            *RULE_FIELDS,
            "updated_at",
        ]
        read_only_fields = ["id", "updated_at"]

    def validate(self, attrs):
        allowed = {"worker_types": set(WorkerType.values), "leadership_levels": set(LeadershipLevel.values)}
        errors = {}
        for prefix in ("include", "exclude"):
            for dimension, values in allowed.items():
                name = f"{prefix}_{dimension}"
                unknown = [v for v in attrs.get(name, []) if v not in values]
                if unknown:
                    errors[name] = f"Unknown value(s) {', '.join(unknown)}; use: {', '.join(sorted(values))}."
        # A mistyped unit or function would make a rule catch nobody (or exclude nobody) silently.
        units = {code.upper() for code in OrgUnit.objects.values_list("code", flat=True)}
        functions = set(Function.objects.values_list("code", flat=True))
        ranks = {n.lower() for n in RankOrGrade.objects.values_list("name", flat=True)} | {
            n.lower() for n in Person.objects.values_list("rank_or_grade", flat=True).distinct()
        }
        for prefix in ("include", "exclude"):
            for name, known, fold in (
                (f"{prefix}_units", units, str.upper),
                (f"{prefix}_functions", functions, str),
                (f"{prefix}_ranks", ranks, str.lower),
            ):
                unknown = [v for v in attrs.get(name, []) if fold(v) not in known]
                if unknown:
                    errors[name] = f"Unknown value(s): {', '.join(unknown[:10])}."
        trigger_function = attrs.get("trigger_function")
        if trigger_function and trigger_function not in functions:
            errors["trigger_function"] = f"Unknown function '{trigger_function}'; use: {', '.join(sorted(functions))}."
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def validate_course_codes(self, codes):
        # Course codes match ignoring case, as in the completions import.
        found = {code.upper(): pk for code, pk in CoursePage.objects.values_list("course_code", "pk")}
        missing = [c for c in codes if c.upper() not in found]
        if missing:
            raise serializers.ValidationError(f"No course has the code(s): {', '.join(missing[:10])}.")
        self.context["course_ids"] = list(dict.fromkeys(found[c.upper()] for c in codes))
        return codes


class RequirementOutputSerializer(RequirementSerializer):
    course_codes = serializers.SerializerMethodField()

    def get_course_codes(self, requirement) -> list[str]:
        return [course.course_code for course in requirement.courses.all()]


class PreviewRowSerializer(serializers.Serializer):
    name = serializers.CharField()
    unit = serializers.CharField()
    due_date = serializers.DateField()


class PreviewWithdrawnSerializer(serializers.Serializer):
    name = serializers.CharField()
    unit = serializers.CharField()


class PreviewUnitSerializer(serializers.Serializer):
    unit = serializers.CharField()
    count = serializers.IntegerField()


class PreviewOverlapSerializer(serializers.Serializer):
    requirement_id = serializers.IntegerField()
    name = serializers.CharField()
    people = serializers.IntegerField(help_text="People in this audience who already carry that requirement")


class PreviewSerializer(serializers.Serializer):
    in_audience = serializers.IntegerField()
    would_assign = serializers.IntegerField()
    would_redate = serializers.IntegerField()
    would_withdraw = serializers.IntegerField()
    would_reopen = serializers.IntegerField()
    already_complete = serializers.IntegerField()
    sample = PreviewRowSerializer(many=True)
    withdrawn_sample = PreviewWithdrawnSerializer(many=True)
    by_unit = PreviewUnitSerializer(many=True)
    overlaps = PreviewOverlapSerializer(
        many=True, help_text="Other requirements satisfied by the same courses: saving may duplicate them"
    )


class CourseLinkSerializer(serializers.Serializer):
    course_code = serializers.CharField()
    title = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, course) -> str | None:
        return course.get_url(request=self.context.get("request"))


class AssignmentEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True)

    class Meta:
        model = AssignmentEvent
        fields = ["kind", "at", "actor", "reason", "data"]


class AssignmentSerializer(serializers.ModelSerializer):
    requirement = serializers.CharField(source="requirement.name")
    requirement_id = serializers.IntegerField()
    staff_number = serializers.CharField(source="person.staff_number")
    status = serializers.SerializerMethodField()
    reason = serializers.SerializerMethodField()
    effective_due_date = serializers.DateField()
    courses = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "staff_number",
            "requirement_id",
            "requirement",
            "cycle",
            "status",
            "reason",
            "trigger",
            "trigger_date",
            "due_date",
            "extended_due_date",
            "effective_due_date",
            "state",
            "satisfied_on",
            "valid_until",
            "exempt_until",
            "withdrawn_reason",
            "courses",
        ]

    def get_status(self, assignment) -> str:
        return assignment_status(assignment=assignment)

    def get_reason(self, assignment) -> str:
        # The learner reads "You joined on…"; their managers and administrators "Cora joined on…".
        request = self.context.get("request")
        own = request is None or assignment.person.user_id == getattr(request.user, "pk", None)
        return assignment_reason(assignment=assignment, perspective=LEARNER if own else MANAGER)

    def get_courses(self, assignment) -> list[dict]:
        return CourseLinkSerializer(assignment.requirement.courses.all(), many=True, context=self.context).data


class AssignmentDetailSerializer(AssignmentSerializer):
    events = AssignmentEventSerializer(many=True)

    class Meta(AssignmentSerializer.Meta):
        fields = [*AssignmentSerializer.Meta.fields, "events"]


class ExemptionInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    until = serializers.DateField(required=False, allow_null=True)


class ExemptionSerializer(serializers.ModelSerializer):
    approved_by = serializers.CharField(source="approved_by.username")
    revoked_by = serializers.CharField(source="revoked_by.username", default=None, allow_null=True)

    class Meta:
        model = Exemption
        fields = [
            "id",
            "assignment",
            "reason",
            "until",
            "approved_by",
            "granted_at",
            "revoked_at",
            "revoked_by",
            "revoke_reason",
        ]


class RevokeInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ExtensionInputSerializer(serializers.Serializer):
    new_due_date = serializers.DateField()
    reason = serializers.CharField(max_length=2000)


class ExtensionSerializer(serializers.ModelSerializer):
    approved_by = serializers.CharField(source="approved_by.username")

    class Meta:
        model = Extension
        fields = ["id", "assignment", "previous_due_date", "new_due_date", "reason", "approved_by", "granted_at"]


class ExtensionRequestInputSerializer(serializers.Serializer):
    assignment = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    requested_due_date = serializers.DateField()
    reason = serializers.CharField(max_length=2000)


class ExtensionRequestSerializer(serializers.ModelSerializer):
    staff_number = serializers.CharField(source="assignment.person.staff_number")
    requirement = serializers.CharField(source="assignment.requirement.name")
    decided_by = serializers.CharField(source="decided_by.username", default=None, allow_null=True)

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "assignment",
            "staff_number",
            "requirement",
            "requested_due_date",
            "reason",
            "status",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]


class ExemptionRequestInputSerializer(serializers.Serializer):
    assignment = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    reason = serializers.CharField(max_length=2000)
    evidence = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    exempt_until = serializers.DateField(required=False, allow_null=True, default=None)


class ExemptionRequestSerializer(serializers.ModelSerializer):
    staff_number = serializers.CharField(source="assignment.person.staff_number")
    requirement = serializers.CharField(source="assignment.requirement.name")
    decided_by = serializers.CharField(source="decided_by.username", default=None, allow_null=True)
    decider = serializers.CharField(
        source="assignment.requirement.exemption_decided_by",
        help_text="Who decides it: compliance_admin or line_manager (the requirement says).",
    )

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "assignment",
            "staff_number",
            "requirement",
            "exempt_until",
            "reason",
            "evidence",
            "status",
            "decider",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]


class DecisionInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "refuse"])
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ManualCompletionInputSerializer(serializers.Serializer):
    staff_number = serializers.CharField(max_length=32)
    course_code = serializers.CharField(max_length=50)
    completed_on = serializers.DateField()
    score = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False)
    reason = serializers.CharField(max_length=2000)
    evidence = serializers.CharField(max_length=2000)


class CompletionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    course_code = serializers.CharField(source="course.course_code")
    completed_at = serializers.DateTimeField()
    source = serializers.CharField()
    score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    voided_at = serializers.DateTimeField(allow_null=True)
    void_reason = serializers.CharField()


class VoidInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True)

    class Meta:
        model = AuditEvent
        fields = ["id", "at", "actor", "source", "action", "object_type", "object_id", "summary", "changes"]
