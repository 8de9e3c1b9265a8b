"""The facts of one learner's learning: enrolments, progress, attempts, reflections,
evaluations, certificates and the guided-reflection schedule. Keyed by login account."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from courses.privacy import Basis, Expiry, PersonalData, Retention


class Enrolment(models.Model):
    """A learner working through a course. One open enrolment per learner and course; a
    finished one stays, and a later cycle (an annual course) starts a new one."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments")
    course = models.ForeignKey("courses.CoursePage", on_delete=models.PROTECT, related_name="enrolments")
    started_at = models.DateTimeField(auto_now_add=True)
    last_module = models.ForeignKey(
        "courses.ModulePage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attended_at = models.DateTimeField(null=True, blank=True, help_text="When the face-to-face part was attended.")
    completed_at = models.DateTimeField(null=True, blank=True)
    completion = models.OneToOneField(
        "courses.Completion", null=True, blank=True, on_delete=models.PROTECT, related_name="enrolment"
    )

    personal_data = PersonalData(
        about="A course you started, where you got to, and when you finished.",
        purpose="To let you resume a course and to record its completion.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.TRAINING_RECORD,
        seen_by="The person, their line managers up the chain, L&D and compliance administrators.",
        subject="user",
        identity=("user",),
        training=("course", "started_at", "last_module", "attended_at", "completed_at", "completion"),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], condition=Q(completed_at__isnull=True), name="one_open_enrolment"
            )
        ]
        indexes = [models.Index(fields=["user", "-started_at"], name="enrolment_user_recent")]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.course_id}"


class ProgressStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"


class ModuleProgress(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="module_progress")
    module = models.ForeignKey("courses.ModulePage", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, choices=ProgressStatus.choices, default=ProgressStatus.IN_PROGRESS)
    last_screen = models.PositiveSmallIntegerField(default=1)
    best_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    personal_data = PersonalData(
        about="How far you got through each module of a course.",
        purpose="To let you resume a module and to complete the course when its modules are done.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.TRAINING_RECORD,
        seen_by="The person, their line managers up the chain, L&D and compliance administrators.",
        subject="enrolment__user",
        training=("enrolment", "module", "status", "last_screen", "best_score", "completed_at"),
        other=("started_at", "updated_at"),
    )

    class Meta:
        verbose_name_plural = "module progress"
        constraints = [models.UniqueConstraint(fields=["enrolment", "module"], name="one_progress_per_module")]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: module {self.module_id} {self.status}"


class KnowledgeCheckAttempt(models.Model):
    """One submission of a module's knowledge check, marked on the server."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attempts")
    module = models.ForeignKey("courses.ModulePage", on_delete=models.CASCADE, related_name="+")
    revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    answers = models.JSONField(default=dict)
    results = models.JSONField(default=dict, help_text="Question id to true (right) or false (wrong).")
    correct = models.PositiveSmallIntegerField()
    total = models.PositiveSmallIntegerField()
    score = models.DecimalField(max_digits=5, decimal_places=2)
    passed = models.BooleanField()

    personal_data = PersonalData(
        about="Your answers to a module's knowledge check and the result.",
        purpose="To decide whether a module is passed.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.TRAINING_RECORD,
        seen_by="The person; L&D see scores in aggregate.",
        subject="enrolment__user",
        training=("enrolment", "module", "revision", "answers", "results", "correct", "total", "score", "passed"),
        other=("submitted_at",),
    )

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(correct__lte=models.F("total")), name="attempt_correct_le_total"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="attempt_score_percentage"),
        ]

    def __str__(self) -> str:
        return f"attempt {self.pk}: {self.correct}/{self.total}"


class Reflection(models.Model):
    """A learner's private reflection, in a module or answering a scheduled prompt."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections")
    course = models.ForeignKey("courses.CoursePage", on_delete=models.CASCADE, related_name="+")
    module = models.ForeignKey("courses.ModulePage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    prompt_key = models.CharField(max_length=120)
    prompt = models.TextField()
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    personal_data = PersonalData(
        about="What you wrote when a course asked you to reflect.",
        purpose="Your own learning: private to you.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.FREE_TEXT,
        counts_from="created_at",
        on_expiry=Expiry.DELETE,
        seen_by="The person alone.",
        subject="user",
        identity=("user",),
        training=("course", "module", "prompt_key", "prompt"),
        free_text=("text",),
        other=("created_at", "updated_at"),
    )

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course", "prompt_key"], name="one_reflection_per_prompt")
        ]

    def __str__(self) -> str:
        return f"reflection {self.pk} by {self.user_id}"


class ReflectionPromptDelivery(models.Model):
    """One scheduled guided-reflection prompt. Its email is a message of the reminders app
    (one per prompt), which records `sent_at` when it has gone."""

    completion = models.ForeignKey("courses.Completion", on_delete=models.CASCADE, related_name="reflection_prompts")
    weeks = models.PositiveSmallIntegerField()
    due_at = models.DateTimeField(db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    personal_data = PersonalData(
        about="When you were asked to reflect on a course after completing it.",
        purpose="To ask once, at the weeks the course sets.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.MESSAGES,
        counts_from="due_at",
        on_expiry=Expiry.DELETE,
        seen_by="The person.",
        subject="completion__user",
        training=("completion", "weeks"),
        other=("due_at", "sent_at"),
    )

    class Meta:
        verbose_name_plural = "reflection prompt deliveries"
        ordering = ["due_at"]
        constraints = [models.UniqueConstraint(fields=["completion", "weeks"], name="one_prompt_per_interval")]
        indexes = [models.Index(fields=["sent_at", "due_at"], name="reflection_prompt_due")]

    def __str__(self) -> str:
        return f"{self.weeks}-week prompt for completion {self.completion_id}"

    @property
    def prompt_key(self) -> str:
        return f"week-{self.weeks}:completion-{self.completion_id}"


SCALE = [(1, "1"), (2, "2"), (3, "3"), (4, "4"), (5, "5")]


class Evaluation(models.Model):
    """End-of-course evaluation: reaction, and confidence before and after."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="evaluation")
    course = models.ForeignKey("courses.CoursePage", on_delete=models.CASCADE, related_name="evaluations")
    overall = models.PositiveSmallIntegerField(choices=SCALE)
    relevance = models.PositiveSmallIntegerField(choices=SCALE)
    confidence_before = models.PositiveSmallIntegerField(choices=SCALE)
    confidence_after = models.PositiveSmallIntegerField(choices=SCALE)
    comments = models.TextField(blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    personal_data = PersonalData(
        about="Your evaluation of a course: ratings, confidence before and after, and comments.",
        purpose="To improve courses; reported only in aggregate.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.FREE_TEXT,
        counts_from="submitted_at",
        seen_by="The person; L&D see ratings in aggregate and comments without names.",
        subject="enrolment__user",
        training=("enrolment", "course", "overall", "relevance", "confidence_before", "confidence_after"),
        free_text=("comments",),
        other=("submitted_at",),
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(overall__range=(1, 5))
                & Q(relevance__range=(1, 5))
                & Q(confidence_before__range=(1, 5))
                & Q(confidence_after__range=(1, 5)),
                name="evaluation_scale_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"evaluation of {self.course_id} ({self.enrolment_id})"


def new_verification_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class Certificate(models.Model):
    """Issued for a completion; anyone can check its code at the public verification URL."""

    completion = models.OneToOneField("courses.Completion", on_delete=models.PROTECT, related_name="certificate")
    code = models.CharField(max_length=20, unique=True, default=new_verification_code)
    holder_name = models.CharField(max_length=200)
    issued_at = models.DateTimeField(auto_now_add=True)

    personal_data = PersonalData(
        about="A certificate of completion, with the name it was issued to and its checking code.",
        purpose="To prove a completion, to the person and to anyone they show the certificate to.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.TRAINING_RECORD,
        seen_by="The person, and anyone they give the certificate's code to (it shows the name, course and date).",
        subject="completion__user",
        identity=("holder_name",),
        training=("completion", "code"),
        other=("issued_at",),
    )

    def __str__(self) -> str:
        return self.code
