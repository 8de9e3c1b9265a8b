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
    rate_low = serializers.FloatField(allow_null=True, help_text="Wilson interval of the rate, low end, per cent")
    rate_high = serializers.FloatField(allow_null=True, help_text="Wilson interval of the rate, high end, per cent")
    gap_low = serializers.FloatField(allow_null=True, help_text="Newcombe interval of the gap, low end, points")
    gap_high = serializers.FloatField(allow_null=True, help_text="Newcombe interval of the gap, high end, points")
    ratio = serializers.FloatField(allow_null=True, help_text="The group's rate over everyone else's in the column")
    p_adjusted = serializers.FloatField(
        allow_null=True, help_text="Fisher's exact test against everyone else, Holm-adjusted over the table"
    )
    unlikely_to_be_chance = serializers.BooleanField(help_text="p_adjusted below 1 - the confidence level")
    suppressed = serializers.BooleanField()


class RefusedSerializer(serializers.Serializer):
    label = serializers.CharField()
    reason = serializers.CharField()


class FairnessTableSerializer(serializers.Serializer):
    measure = serializers.CharField()
    measure_label = serializers.CharField()
    characteristic = serializers.CharField()
    breakdown = serializers.CharField()
    grouping = serializers.CharField()
    level = serializers.CharField(help_text="Confidence level of the intervals and of the flags, per cent")
    threshold = serializers.IntegerField(help_text="Counts of people below this are hidden")
    definition = serializers.CharField()
    perturbed = serializers.BooleanField(help_text="Every count carries cell-key noise (see method)")
    method = serializers.CharField()
    taken_at = serializers.DateTimeField(allow_null=True, help_text="When this week's counts were taken")
    refused = RefusedSerializer(many=True, help_text="Training left out: too close to another population")
    categories = LabelSerializer(many=True)
    columns = LabelSerializer(many=True)
    headcount = PositionSerializer(many=True, help_text="People counted (the denominators), protected")
    rates = PositionSerializer(many=True, help_text="The measure, protected with the headcount")
