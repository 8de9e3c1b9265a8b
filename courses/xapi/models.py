"""The outbox: one row per xAPI statement, keyed by its statement id.

The id is a UUID5 of a stable event key (`statements.statement_id`), so an event recorded twice
lands on the same row, and a row sent twice lands on the same statement in the LRS (a PUT with
`statementId` is idempotent there)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from courses.privacy import Basis, Expiry, PersonalData, Retention


class StatementStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed (dead letter)"


class Statement(models.Model):
    id = models.UUIDField(primary_key=True, editable=False, help_text="The statement's id, also in the LRS.")
    event_key = models.CharField(max_length=255, help_text="The learning event the id is derived from.")
    verb = models.CharField(max_length=20)
    activity = models.CharField(max_length=500, help_text="The statement's object (an activity id).")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    statement = models.JSONField()
    status = models.CharField(max_length=10, choices=StatementStatus.choices, default=StatementStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="Not before this (the back-off after a failure); empty: at once."
    )
    queued_at = models.DateTimeField(null=True, blank=True, help_text="When a task to send it was last enqueued.")
    claimed_by = models.CharField(max_length=100, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    personal_data = PersonalData(
        about="A learning statement about you sent to the force's learning record store.",
        purpose="To keep the force's learning record store complete.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.LEARNING_STATEMENTS,
        counts_from="created_at",
        on_expiry=Expiry.DELETE,
        seen_by="L&D leads and compliance administrators (statements the store did not take).",
        subject="user",
        identity=("user",),
        training=("verb", "activity", "statement"),
        other=(
            "event_key",
            "status",
            "attempts",
            "next_attempt_at",
            "queued_at",
            "claimed_by",
            "lease_until",
            "last_error",
            "created_at",
            "sent_at",
            "failed_at",
        ),
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="xapi_statement_due")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=StatementStatus.values), name="xapi_statement_status_known"),
            models.CheckConstraint(
                condition=~Q(status=StatementStatus.SENDING) | Q(lease_until__isnull=False),
                name="xapi_statement_sending_has_lease",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.verb} {self.activity} ({self.id})"
