"""Reminder policy, the messages themselves, and managers' digest preferences.

Every message the product sends is a `Reminder` row before it is sent, whatever its kind:
learner reminders, escalations, digests, decisions on requests for more time, observation
prompts to managers, guided-reflection prompts and places freed on a session. A unique
constraint on what the row is about (the assignment and its due date, the kind, the offset and
the recipient; a digest's or observation prompt's manager and period; the decided request; the
reflection prompt; the booking) is what makes planning idempotent: running a day again, or two
planners at once, inserts nothing new. Every row is sent through one claim protocol
(services.reminders_send), so a row is sent once.

The in-app notification list is the same rows seen by their recipient (`Notification`).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from courses.privacy import Basis, Expiry, PersonalData, Retention


def named_as_escalation_address(person) -> models.Q:
    """The reminder policies that send escalations to this person's own email address."""
    return models.Q(ld_email__iexact=person.email) if person.email else models.Q(pk__in=[])


WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class ReminderPolicy(models.Model):
    """When reminders go out. One force-wide default (no requirement) and optional overrides,
    one per requirement. Empty day counts switch that reminder off."""

    requirement = models.OneToOneField(
        "compliance.Requirement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminder_policy",
        help_text="Leave empty for the force-wide default; choose a requirement to override it for that one.",
    )
    learner_on_assignment = models.BooleanField(
        default=True, help_text="Tell the learner when a new obligation is assigned to them."
    )
    learner_days_before = models.PositiveSmallIntegerField(
        default=14, null=True, blank=True, help_text="Remind the learner this many days before the due date."
    )
    learner_on_due_date = models.BooleanField(default=True, help_text="Remind the learner on the due date.")
    learner_days_overdue = models.PositiveSmallIntegerField(
        default=7, null=True, blank=True, help_text="Remind the learner this many days after the due date."
    )
    escalate_second_line_days = models.PositiveSmallIntegerField(
        default=14,
        null=True,
        blank=True,
        help_text="Tell the learner's second-line manager (their line manager's manager) this many days overdue.",
    )
    escalate_ld_days = models.PositiveSmallIntegerField(
        default=30, null=True, blank=True, help_text="Tell Learning and Development this many days overdue."
    )
    ld_email = models.EmailField(
        blank=True,
        help_text="Where escalations to Learning and Development go. Empty: every member of the L&D lead group.",
    )

    # Digest settings are force-wide: only the default policy's are used.
    digest_enabled = models.BooleanField(
        default=True, help_text="Send line managers a digest of their team's overdue and due-soon training."
    )
    digest_weekday = models.PositiveSmallIntegerField(
        choices=WEEKDAYS, default=0, help_text="The day the weekly digest goes out."
    )
    digest_due_soon_days = models.PositiveSmallIntegerField(
        default=14, help_text="The digest lists training due within this many days, as well as overdue training."
    )

    updated_at = models.DateTimeField(auto_now=True)

    personal_data = PersonalData(
        about=(
            "When reminders and escalations go out, and the L&D address escalations go to "
            "(yours, if it is your own email address)."
        ),
        purpose="To send reminders on the force's schedule.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.AUDIT,
        seen_by="L&D leads and compliance administrators.",
        subject=named_as_escalation_address,
        identity=("ld_email",),
        other=(
            "requirement",
            "learner_on_assignment",
            "learner_days_before",
            "learner_on_due_date",
            "learner_days_overdue",
            "escalate_second_line_days",
            "escalate_ld_days",
            "digest_enabled",
            "digest_weekday",
            "digest_due_soon_days",
            "updated_at",
        ),
    )

    class Meta:
        verbose_name = "reminder policy"
        verbose_name_plural = "reminder policies"
        ordering = ["requirement__name"]
        constraints = [
            models.UniqueConstraint(
                models.Value(1),
                condition=models.Q(requirement__isnull=True),
                name="reminder_policy_one_default",
            ),
        ]

    def __str__(self) -> str:
        return f"Reminders for {self.requirement}" if self.requirement_id else "Force-wide reminder policy"

    def clean(self) -> None:
        if (
            self.escalate_second_line_days is not None
            and self.escalate_ld_days is not None
            and self.escalate_ld_days <= self.escalate_second_line_days
        ):
            raise ValidationError({"escalate_ld_days": "Escalate to L&D later than to the second-line manager."})


class DigestFrequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    DAILY = "daily", "Daily"


class DigestPreference(models.Model):
    """A line manager's choice of how often to get their team digest (weekly unless set)."""

    person = models.OneToOneField("people.Person", on_delete=models.CASCADE, related_name="digest_preference")
    frequency = models.CharField(max_length=10, choices=DigestFrequency.choices, default=DigestFrequency.WEEKLY)
    updated_at = models.DateTimeField(auto_now=True)

    personal_data = PersonalData(
        about="How often you want a summary email of your team's training.",
        purpose="To send digests as you chose.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.PERSON,
        counts_from="person__end_date",
        on_expiry=Expiry.DELETE,
        seen_by="The person.",
        subject="person",
        identity=("person",),
        other=("frequency", "updated_at"),
    )

    def __str__(self) -> str:
        return f"{self.person_id}: {self.frequency}"


class ReminderKind(models.TextChoices):
    ASSIGNED = "assigned", "New training assigned"
    BEFORE_DUE = "before_due", "Due soon"
    DUE_TODAY = "due_today", "Due today"
    OVERDUE = "overdue", "Overdue"
    ESCALATION_SECOND_LINE = "escalation_second_line", "Escalation to second-line manager"
    ESCALATION_LD = "escalation_ld", "Escalation to L&D"
    MANAGER_DIGEST = "manager_digest", "Line manager digest"
    EXTENSION_DECISION = "extension_decision", "Request for more time or an exemption decided"
    EXTENSION_REQUEST = "extension_request", "Request for more time or an exemption to decide"
    OBSERVATION_PROMPT = "observation_prompt", "Observation prompt to a line manager"
    REFLECTION_PROMPT = "reflection_prompt", "Guided-reflection prompt"
    BOOKING_PLACE = "booking_place", "Place on a session freed"


# Kinds about one assignment's obligation, re-checked against the learner's record at send time.
OBLIGATION_KINDS = frozenset(
    {
        ReminderKind.ASSIGNED,
        ReminderKind.BEFORE_DUE,
        ReminderKind.DUE_TODAY,
        ReminderKind.OVERDUE,
        ReminderKind.ESCALATION_SECOND_LINE,
        ReminderKind.ESCALATION_LD,
    }
)
# Kinds about a learner's request, for more time or an exemption (one row of each kind per request).
REQUEST_KINDS = frozenset({ReminderKind.EXTENSION_DECISION, ReminderKind.EXTENSION_REQUEST})
# Kinds that gather a manager's items for a period (one row per manager and period).
PERIODIC_KINDS = frozenset({ReminderKind.MANAGER_DIGEST, ReminderKind.OBSERVATION_PROMPT})


class ReminderStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Skipped"
    FAILED = "failed", "Failed"


class Reminder(models.Model):
    kind = models.CharField(max_length=30, choices=ReminderKind.choices)
    assignment = models.ForeignKey(
        "compliance.Assignment", on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    due_on = models.DateField(null=True, blank=True, help_text="The due date the reminder is about.")
    offset_days = models.SmallIntegerField(
        default=0, help_text="Days after the due date (negative: before) that the policy asked for."
    )
    period = models.DateField(
        null=True, blank=True, help_text="For a digest or observation prompt: the day or week it covers."
    )
    extension_request = models.ForeignKey(
        "compliance.ExtensionRequest", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    reflection_prompt = models.ForeignKey(
        "courses.ReflectionPromptDelivery", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    booking = models.ForeignKey("courses.Booking", on_delete=models.CASCADE, null=True, blank=True, related_name="+")

    recipient_person = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="reminders"
    )
    recipient_email = models.EmailField()

    status = models.CharField(
        max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.PLANNED, db_index=True
    )
    planned_on = models.DateField(db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    subject = models.CharField(max_length=255, blank=True, help_text="As sent.")
    reason = models.CharField(max_length=500, blank=True, help_text="Why it was sent (the rule that applied).")
    skip_reason = models.CharField(max_length=255, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    # The send protocol (services.reminders_send): a sender claims the row, with its identity and
    # a lease, in a committed transaction before the message leaves, and marks it sent after.
    claimed_by = models.CharField(max_length=100, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True, help_text="When sending was last enqueued.")
    read_at = models.DateTimeField(null=True, blank=True, help_text="When the recipient read it in the site.")
    created_at = models.DateTimeField(auto_now_add=True)

    # A record, not content: Wagtail's "where is this used" has nothing to say of it.
    wagtail_reference_index_ignore = True

    personal_data = PersonalData(
        about="A message sent to you: reminders, digests, escalations, prompts and decisions.",
        purpose="To tell people what they must do, and to show that they were told.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.MESSAGES,
        counts_from="created_at",
        on_expiry=Expiry.DELETE,
        seen_by="The person (Notifications); L&D and compliance administrators in the message log.",
        subject=("recipient_person", "recipient_user"),
        identity=("recipient_person", "recipient_user", "recipient_email"),
        training=(
            "kind",
            "assignment",
            "due_on",
            "offset_days",
            "period",
            "extension_request",
            "reflection_prompt",
            "booking",
        ),
        free_text=("subject", "reason"),
        other=(
            "status",
            "planned_on",
            "attempts",
            "sent_at",
            "skip_reason",
            "last_error",
            "claimed_by",
            "lease_until",
            "queued_at",
            "read_at",
            "created_at",
        ),
    )

    class Meta:
        ordering = ["-planned_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "kind", "due_on", "offset_days", "recipient_email"],
                condition=models.Q(assignment__isnull=False) & ~models.Q(kind__in=sorted(REQUEST_KINDS)),
                name="reminder_once_per_assignment",
            ),
            models.UniqueConstraint(
                fields=["recipient_person", "kind", "period"],
                condition=models.Q(period__isnull=False),
                name="reminder_once_per_period",
            ),
            models.UniqueConstraint(
                fields=["extension_request", "kind"],
                condition=models.Q(extension_request__isnull=False),
                name="reminder_once_per_request",
            ),
            models.UniqueConstraint(
                fields=["reflection_prompt"],
                condition=models.Q(reflection_prompt__isnull=False),
                name="reminder_once_per_reflection_prompt",
            ),
            models.UniqueConstraint(
                fields=["booking"], condition=models.Q(booking__isnull=False), name="reminder_once_per_booking_place"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind__in=sorted(OBLIGATION_KINDS))
                    & models.Q(assignment__isnull=False)
                    & models.Q(due_on__isnull=False)
                )
                | (
                    models.Q(kind__in=sorted(PERIODIC_KINDS))
                    & models.Q(recipient_person__isnull=False)
                    & models.Q(period__isnull=False)
                )
                | (
                    models.Q(kind__in=sorted(REQUEST_KINDS))
                    & models.Q(extension_request__isnull=False)
                    & models.Q(assignment__isnull=False)
                    & models.Q(due_on__isnull=False)
                )
                | (models.Q(kind="reflection_prompt") & models.Q(reflection_prompt__isnull=False))
                | (models.Q(kind="booking_place") & models.Q(booking__isnull=False)),
                name="reminder_is_about_something",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False), name="reminder_sent_has_time"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="reminder_status_created"),
            models.Index(fields=["status", "queued_at"], name="reminder_status_queued"),
            models.Index(fields=["recipient_user", "status", "sent_at"], name="reminder_recipient_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient_email} ({self.get_status_display().lower()})"

    # For the log's listing and export: digests have no assignment, so these never fail on one.
    @property
    def about_person(self):
        """The person whose training the reminder is about; None for a digest."""
        return self.assignment.person if self.assignment_id else None

    @property
    def about_staff_number(self) -> str:
        person = self.about_person
        return person.staff_number if person else ""

    @property
    def recipient_staff_number(self) -> str:
        """The recipient's staff number; blank for an address that is not a person (the L&D inbox)."""
        return self.recipient_person.staff_number if self.recipient_person_id else ""

    @property
    def item(self) -> str:
        """What it was about: the training's name, the course, or which digest."""
        if self.assignment_id:
            return self.assignment.requirement.name
        if self.kind == ReminderKind.MANAGER_DIGEST:
            return f"Team digest ({self.period:%-d %B %Y})"
        if self.kind == ReminderKind.OBSERVATION_PROMPT:
            return f"Observation prompts ({self.period:%-d %B %Y})"
        if self.reflection_prompt_id:
            return self.reflection_prompt.completion.course.title
        if self.booking_id:
            return self.booking.session.course.title
        return ""


class NotificationManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(status=ReminderStatus.SENT, recipient_user__isnull=False)


class Notification(Reminder):
    """A sent reminder as its recipient sees it in the site."""

    objects = NotificationManager()

    class Meta:
        proxy = True
        ordering = ["-sent_at", "-pk"]
