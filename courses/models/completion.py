"""A completion is an immutable fact: who completed which course (and which revision of it),
when, how and with what score. A wrong one is voided with a reason, never deleted."""

from django.conf import settings
from django.db import models

from courses.privacy import Basis, PersonalData, Retention


class CompletionSource(models.TextChoices):
    ONLINE = "online", "Online"
    # Online, with at least one of the modules a SCORM package (courses/services/learning.py).
    SCORM = "scorm", "SCORM package"
    ATTENDANCE = "attendance", "Attendance"
    MANUAL = "manual", "Manual entry"
    IMPORT = "import", "Imported from another platform"


class Completion(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="completions")
    course = models.ForeignKey("courses.CoursePage", on_delete=models.PROTECT, related_name="completions")
    revision = models.ForeignKey(
        "wagtailcore.Revision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(db_index=True)
    source = models.CharField(max_length=20, choices=CompletionSource.choices)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True, help_text="Why it was entered by hand, or where it was imported from.")
    evidence = models.TextField(blank=True)
    # Makes a repeated write (double submit, re-import) land on the same row.
    idempotency_key = models.CharField(max_length=200, unique=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    void_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    personal_data = PersonalData(
        about=(
            "A course you completed: when, how (online, SCORM, attendance, entered by hand or imported) and any score."
        ),
        purpose="To prove that required training was done.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.TRAINING_RECORD,
        counts_from="user__person__end_date",
        seen_by="The person, their line managers up the chain, L&D and compliance administrators.",
        subject="user",
        identity=("user", "recorded_by", "voided_by"),
        training=("course", "revision", "completed_at", "source", "score", "voided_at"),
        free_text=("reason", "evidence", "void_reason"),
        other=("idempotency_key", "created_at"),
    )

    class Meta:
        ordering = ["-completed_at"]
        indexes = [models.Index(fields=["user", "course", "completed_at"], name="completion_user_course")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(voided_at__isnull=True) | ~models.Q(void_reason=""),
                name="completion_void_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0, score__lte=100),
                name="completion_score_percentage",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} completed {self.course_id} on {self.completed_at:%Y-%m-%d}"

    @property
    def is_valid(self) -> bool:
        return self.voided_at is None
