"""Output shape of the fairness API: explicit fields, only protected (published) values. A
hidden value is null with `suppressed: true`; why it is hidden is not said (see
`compliance.fairness.disclosure`)."""

from rest_framework import serializers


class LabelSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


class PositionSerializer(serializers.Serializer):
    row = serializers.CharField(help_text='Category key, or "Everyone" for the column totals')
    column = serializers.CharField(help_text='Unit code or requirement id, or "All" for the row totals')
    people = serializers.IntegerField(allow_null=True, help_text="The measure's denominator, in people")
    numerator = serializers.IntegerField(allow_null=True, help_text="People counted for the measure")
    rate = serializers.FloatField(allow_null=True, help_text="Per cent, one decimal")
    overall = serializers.FloatField(allow_null=True, help_text="The rate of everyone in the same column, per cent")
    gap = serializers.FloatField(allow_null=True, help_text="rate - overall, in percentage points")
    suppressed = serializers.BooleanField()


class FairnessTableSerializer(serializers.Serializer):
    measure = serializers.CharField()
    measure_label = serializers.CharField()
    characteristic = serializers.CharField()
    breakdown = serializers.CharField()
    threshold = serializers.IntegerField(help_text="Counts of people below this are hidden")
    definition = serializers.CharField()
    categories = LabelSerializer(many=True)
    columns = LabelSerializer(many=True)
    headcount = PositionSerializer(many=True, help_text="People counted (the denominators), protected")
    rates = PositionSerializer(many=True, help_text="The measure, protected with the headcount")
