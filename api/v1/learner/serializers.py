"""Explicit serializers for the learner API. Nothing here ever carries which options of a
knowledge check are right: questions are sent as text only, and marks come back after
submission."""

from rest_framework import serializers

from courses.models import Booking, FaceToFaceSession, Reflection
from courses.selectors.learning import MAX_ID


class ModuleProgressSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    required = serializers.BooleanField()
    status = serializers.CharField(help_text="not_started, in_progress or completed")
    last_screen = serializers.IntegerField()
    best_score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)


class CourseProgressSerializer(serializers.Serializer):
    course_code = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()
    delivery_mode = serializers.CharField()
    status = serializers.CharField(help_text="in_progress or completed")
    started_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)
    attended_at = serializers.DateTimeField(allow_null=True)
    modules_done = serializers.IntegerField()
    modules_required = serializers.IntegerField()
    certificate_code = serializers.CharField(allow_null=True)


class CourseDetailSerializer(CourseProgressSerializer):
    modules = ModuleProgressSerializer(many=True)


class QuestionSerializer(serializers.Serializer):
    id = serializers.CharField()
    number = serializers.IntegerField()
    prompt = serializers.CharField()
    kind = serializers.CharField(help_text="single (one answer) or multiple (all that apply)")
    options = serializers.ListField(child=serializers.CharField(), help_text="Answer with the option's index.")


class AttemptSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()
    correct = serializers.IntegerField()
    total = serializers.IntegerField()
    score = serializers.DecimalField(max_digits=5, decimal_places=2)
    passed = serializers.BooleanField()


class ModuleDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    course_code = serializers.CharField()
    screens = serializers.IntegerField()
    pass_mark = serializers.IntegerField()
    status = serializers.CharField(help_text="not_started, in_progress or completed")
    last_screen = serializers.IntegerField()
    best_score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    questions = QuestionSerializer(many=True)
    attempts = AttemptSummarySerializer(many=True)


class ProgressInputSerializer(serializers.Serializer):
    screen = serializers.IntegerField(min_value=1, max_value=500)


class AnswersInputSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.ListField(child=serializers.IntegerField(min_value=0, max_value=100), allow_empty=False),
        help_text='Question id to the indexes of the options chosen, e.g. {"3f2...": [1]}.',
    )


class QuestionResultSerializer(serializers.Serializer):
    id = serializers.CharField()
    correct = serializers.BooleanField()
    explanation = serializers.CharField(help_text="HTML.")


class AttemptResultSerializer(AttemptSummarySerializer):
    pass_mark = serializers.IntegerField()
    module_completed = serializers.BooleanField()
    course_completed = serializers.BooleanField()
    results = QuestionResultSerializer(many=True)


class SessionSerializer(serializers.ModelSerializer):
    course_code = serializers.CharField(source="course.course_code")
    where = serializers.CharField()
    places_left = serializers.SerializerMethodField()

    class Meta:
        model = FaceToFaceSession
        fields = ["id", "course_code", "starts_at", "ends_at", "where", "online_link", "capacity", "places_left"]

    def get_places_left(self, session) -> int:
        return max(session.capacity - getattr(session, "booked", 0), 0)


class BookingSerializer(serializers.ModelSerializer):
    session = SessionSerializer()
    status = serializers.CharField(help_text="booked, waitlisted or cancelled")

    class Meta:
        model = Booking
        fields = ["id", "status", "attended", "created_at", "session"]


class BookingInputSerializer(serializers.Serializer):
    session = serializers.IntegerField(min_value=1)
    waitlist_ok = serializers.BooleanField(default=True)


class ReflectionSerializer(serializers.ModelSerializer):
    course_code = serializers.CharField(source="course.course_code")

    class Meta:
        model = Reflection
        fields = ["id", "course_code", "module", "prompt_key", "prompt", "text", "created_at", "updated_at"]


class ReflectionInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=10_000)
    module = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="A module's reflection prompt..."
    )
    prompt_id = serializers.CharField(required=False, max_length=64, help_text="...and the prompt's id in it.")
    scheduled_prompt = serializers.IntegerField(
        required=False, min_value=1, help_text="Or the id of a guided-reflection prompt you were sent."
    )

    def validate(self, data):
        by_module = "module" in data and "prompt_id" in data
        if by_module == ("scheduled_prompt" in data):
            raise serializers.ValidationError("Give either module and prompt_id, or scheduled_prompt.")
        return data


class EvaluationInputSerializer(serializers.Serializer):
    course_code = serializers.CharField(max_length=50)
    overall = serializers.IntegerField(min_value=1, max_value=5)
    relevance = serializers.IntegerField(min_value=1, max_value=5)
    confidence_before = serializers.IntegerField(min_value=1, max_value=5)
    confidence_after = serializers.IntegerField(min_value=1, max_value=5)
    comments = serializers.CharField(max_length=10_000, required=False, allow_blank=True, default="")


class EvaluationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    course_code = serializers.CharField(source="course.course_code")
    overall = serializers.IntegerField()
    relevance = serializers.IntegerField()
    confidence_before = serializers.IntegerField()
    confidence_after = serializers.IntegerField()
    comments = serializers.CharField()
    submitted_at = serializers.DateTimeField()
