from rest_framework import serializers

from compliance.reminders.models import Notification, Reminder, ReminderPolicy


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "subject", "sent_at", "read_at"]
        read_only_fields = fields


class ReminderPolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = ReminderPolicy
        fields = [
            "learner_on_assignment",
            "learner_days_before",
            "learner_on_due_date",
            "learner_days_overdue",
            "escalate_second_line_days",
            "escalate_ld_days",
            "ld_email",
            "digest_enabled",
            "digest_weekday",
            "digest_due_soon_days",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]

    def validate(self, attrs):
        second = attrs.get("escalate_second_line_days", getattr(self.instance, "escalate_second_line_days", None))
        ld = attrs.get("escalate_ld_days", getattr(self.instance, "escalate_ld_days", None))
        if second is not None and ld is not None and ld <= second:
            raise serializers.ValidationError(
                {"escalate_ld_days": "Escalate to L&D later than to the second-line manager."}
            )
        return attrs


class ReminderLogSerializer(serializers.ModelSerializer):
    about_staff_number = serializers.CharField(source="assignment.person.staff_number", default=None, read_only=True)
    requirement = serializers.CharField(source="assignment.requirement.name", default=None, read_only=True)

    class Meta:
        model = Reminder
        fields = [
            "id",
            "kind",
            "status",
            "recipient_email",
            "about_staff_number",
            "requirement",
            "due_on",
            "period",
            "planned_on",
            "subject",
            "reason",
            "skip_reason",
            "attempts",
            "sent_at",
        ]
        read_only_fields = fields
