"""Output shapes for the team and report API: explicit fields, no model serializers, so
nothing a viewer should not see (reflections, equality data) can leak in by accident."""

from rest_framework import serializers

from compliance.selectors.assignments import Status


def _status_counts_field():
    return serializers.DictField(
        child=serializers.IntegerField(), help_text="Counts by status: " + ", ".join(Status.LABELS)
    )


class RateRowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Requirement id, unit path prefix, rank or worker type")
    label = serializers.CharField()
    code = serializers.CharField(required=False, help_text="Unit code, for unit rows")
    total = serializers.IntegerField(help_text="Assigned (not withdrawn)")
    completed = serializers.IntegerField()
    exempt = serializers.IntegerField()
    overdue = serializers.IntegerField()
    due_soon = serializers.IntegerField()
    outstanding = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text="Completed / (assigned - exempt), per cent")
    counts = _status_counts_field()


class TeamSummarySerializer(serializers.Serializer):
    scope = serializers.CharField()
    direct_only = serializers.BooleanField()
    total = serializers.IntegerField()
    counts = _status_counts_field()
    by_requirement = RateRowSerializer(many=True)


class PersonBriefSerializer(serializers.Serializer):
    staff_number = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    rank_or_grade = serializers.CharField()
    worker_type = serializers.CharField()
    unit_code = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")


class TeamAssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    person = PersonBriefSerializer()
    requirement_id = serializers.IntegerField()
    requirement = serializers.CharField(source="requirement.name")
    status = serializers.CharField()
    due_date = serializers.DateField(source="effective_due")
    original_due_date = serializers.DateField(source="due_date")
    completed_on = serializers.DateField(source="satisfied_on", allow_null=True)
    valid_until = serializers.DateField(allow_null=True)


class PersonAssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    requirement = serializers.CharField()
    status = serializers.CharField()
    due_date = serializers.DateField()
    completed_on = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)
    reason = serializers.CharField()


class HistoryEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    requirement = serializers.CharField(source="assignment.requirement.name")
    kind = serializers.CharField()
    actor = serializers.SerializerMethodField()
    reason = serializers.CharField()

    def get_actor(self, event) -> str | None:
        return event.actor.username if event.actor_id else None


class PendingRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    requirement = serializers.CharField(source="assignment.requirement.name")
    requested_due_date = serializers.DateField()
    reason = serializers.CharField()
    requested_at = serializers.DateTimeField()


class TeamPersonSerializer(serializers.Serializer):
    person = PersonBriefSerializer()
    line_manager_staff_number = serializers.CharField(allow_null=True)
    assignments = PersonAssignmentSerializer(many=True)
    extension_requests = PendingRequestSerializer(many=True)
    history = HistoryEventSerializer(many=True)


class TrendPointSerializer(serializers.Serializer):
    month_end = serializers.DateField(source="month")
    due = serializers.IntegerField()
    completed = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class TrendSerializer(serializers.Serializer):
    scope = serializers.CharField()
    points = TrendPointSerializer(many=True)


class MatrixCellSerializer(serializers.Serializer):
    unit_key = serializers.CharField()
    requirement_id = serializers.IntegerField()
    completed = serializers.IntegerField()
    assigned = serializers.IntegerField(help_text="Assigned, not exempt")
    rate = serializers.FloatField(allow_null=True)


class RequirementRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class UnitMatrixSerializer(serializers.Serializer):
    scope = serializers.CharField()
    unit_code = serializers.CharField(allow_null=True, help_text="The unit whose children are the rows")
    requirements = RequirementRefSerializer(many=True)
    units = RateRowSerializer(many=True)
    cells = MatrixCellSerializer(many=True)
    totals = RateRowSerializer()


class CampaignSerializer(serializers.Serializer):
    requirement_id = serializers.IntegerField()
    name = serializers.CharField()
    deadline = serializers.DateField()
    days_left = serializers.IntegerField()
    completed = serializers.IntegerField(source="row.completed")
    remaining = serializers.IntegerField()
    overdue = serializers.IntegerField(source="row.overdue")
    exempt = serializers.IntegerField(source="row.exempt")
    rate = serializers.FloatField(source="row.rate", allow_null=True)


class BreakdownSerializer(serializers.Serializer):
    by = serializers.CharField()
    rows = RateRowSerializer(many=True)
    totals = RateRowSerializer()
