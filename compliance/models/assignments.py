"""Assignments: one person's instance of a requirement for one cycle, with its ledger.

An assignment stores its lifecycle (`state`: open, satisfied or withdrawn) and the dates the
status is derived from; the status itself (overdue, due soon, ...) depends on today's date
and is computed by one selector, `compliance.selectors.assignments`.
"""

from django.conf import settings
from django.db import models

from compliance.people.models.organisation import Person
from courses.privacy import Basis, PersonalData, Retention

from .requirements import Requirement, TriggerKind


class AssignmentState(models.TextChoices):
    OPEN = "open", "Open"
    SATISFIED = "satisfied", "Satisfied"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Assignment(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="assignments")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="assignments")
    cycle = models.PositiveIntegerField(default=1)
    is_current = models.BooleanField(default=True, help_text="The latest cycle for this person and requirement.")

    # Why it exists.
    trigger = models.CharField(max_length=20, choices=TriggerKind.choices)
    trigger_date = models.DateField()
    reason_context = models.JSONField(
        default=dict, blank=True, help_text="What the trigger was about (rank, function, last completion)."
    )
    due_date = models.DateField()
    counts_from = models.DateField(
        null=True, blank=True, help_text="Completions on or after this date count; empty means any."
    )

    state = models.CharField(max_length=10, choices=AssignmentState.choices, default=AssignmentState.OPEN)
    satisfied_by = models.ForeignKey(
        "courses.Completion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    satisfied_on = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True, help_text="For recurring requirements.")
    expired_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True, help_text="When the learner started a course.")
    exemption = models.ForeignKey(
        "compliance.Exemption", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    exempt_until = models.DateField(null=True, blank=True)
    extended_due_date = models.DateField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=200, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    personal_data = PersonalData(
        about="A piece of required training assigned to you: why, when it is due, and how it was met.",
        purpose="To know who must complete what by when, and to prove it.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.TRAINING_RECORD,
        seen_by="The person, their line managers up the chain, L&D and compliance administrators.",
        subject="person",
        identity=("person",),
        training=(
            "requirement",
            "cycle",
            "is_current",
            "trigger",
            "trigger_date",
            "reason_context",
            "due_date",
            "counts_from",
            "state",
            "satisfied_by",
            "satisfied_on",
            "valid_until",
            "expired_at",
            "started_at",
            "exemption",
            "exempt_until",
            "extended_due_date",
            "withdrawn_at",
            "withdrawn_reason",
        ),
        other=("created_at", "updated_at"),
    )

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "requirement", "cycle"], name="assignment_once_per_cycle"),
            models.UniqueConstraint(
                fields=["person", "requirement"],
                condition=models.Q(is_current=True),
                name="assignment_one_current",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="satisfied") | models.Q(satisfied_on__isnull=False),
                name="assignment_satisfied_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["requirement", "is_current", "state"], name="assignment_req_current"),
            models.Index(fields=["person", "is_current"], name="assignment_person_current"),
            models.Index(fields=["due_date"], name="assignment_due"),
        ]

    def __str__(self) -> str:
        return f"{self.requirement} for {self.person_id} (cycle {self.cycle})"

    @property
    def effective_due_date(self):
        return self.extended_due_date or self.due_date


class EventKind(models.TextChoices):
    CREATED = "created", "Created"
    REDATED = "redated", "Re-dated"
    WITHDRAWN = "withdrawn", "Withdrawn"
    REOPENED = "reopened", "Reopened"
    SATISFIED = "satisfied", "Satisfied"
    EXPIRED = "expired", "Expired"
    EXEMPTED = "exempted", "Exempted"
    EXEMPTION_REVOKED = "exemption_revoked", "Exemption revoked"
    EXTENDED = "extended", "Extended"
    EXTENSION_REQUESTED = "extension_requested", "More time asked for"
    EXTENSION_REFUSED = "extension_refused", "Request for more time refused"
    EXEMPTION_REQUESTED = "exemption_requested", "Exemption asked for"
    EXEMPTION_REFUSED = "exemption_refused", "Request for an exemption refused"


class AssignmentEvent(models.Model):
    """The ledger: every change to an assignment, never updated or deleted."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)

    personal_data = PersonalData(
        about="The history of an assignment: each change, who made it and why.",
        purpose="To show how an assignment came to its state.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.TRAINING_RECORD,
        counts_from="assignment__person__end_date",
        seen_by="The person, their line managers up the chain, L&D and compliance administrators.",
        subject="assignment__person",
        identity=("actor",),
        training=("assignment", "kind"),
        free_text=("reason", "data"),
        other=("at",),
    )

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["assignment", "at"], name="assignment_event_at")]

    def __str__(self) -> str:
        return f"{self.kind} {self.assignment_id} at {self.at:%Y-%m-%d %H:%M}"


class Exemption(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="exemptions")
    reason = models.TextField()
    until = models.DateField(null=True, blank=True, help_text="Empty: for this whole cycle.")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.TextField(blank=True)
    request = models.OneToOneField(
        "compliance.ExtensionRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="exemption"
    )

    personal_data = PersonalData(
        about="An exemption from required training: why, until when, who approved it.",
        purpose="To record decisions not to require training.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.TRAINING_RECORD,
        counts_from="assignment__person__end_date",
        seen_by="The person, their line managers up the chain, L&D and compliance administrators.",
        subject="assignment__person",
        identity=("approved_by", "revoked_by"),
        training=("assignment", "until", "request"),
        free_text=("reason", "revoke_reason"),
        other=("granted_at", "revoked_at"),
    )

    class Meta:
        ordering = ["-granted_at"]
        constraints = [models.CheckConstraint(condition=~models.Q(reason=""), name="exemption_has_reason")]

    def __str__(self) -> str:
        return f"Exemption for assignment {self.assignment_id}"


class Extension(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="extensions")
    new_due_date = models.DateField()
    previous_due_date = models.DateField()
    reason = models.TextField()
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)
    request = models.OneToOneField(
        "compliance.ExtensionRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="extension"
    )

    personal_data = PersonalData(
        about="More time granted for required training: the new date, why, who approved it.",
        purpose="To record decisions to move a due date.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.TRAINING_RECORD,
        counts_from="assignment__person__end_date",
        seen_by="The person, their line managers up the chain, L&D and compliance administrators.",
        subject="assignment__person",
        identity=("approved_by",),
        training=("assignment", "new_due_date", "previous_due_date", "request"),
        free_text=("reason",),
        other=("granted_at",),
    )

    class Meta:
        ordering = ["-granted_at"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="extension_has_reason"),
            models.CheckConstraint(
                condition=models.Q(new_due_date__gt=models.F("previous_due_date")), name="extension_is_later"
            ),
        ]

    def __str__(self) -> str:
        return f"Extension of assignment {self.assignment_id} to {self.new_due_date}"


class RequestKind(models.TextChoices):
    MORE_TIME = "more_time", "More time"
    EXEMPTION = "exemption", "Exemption"


class ExtensionRequest(models.Model):
    """A learner's request about one of their assignments, decided by someone above them or a
    compliance administrator: more time (a later due date) or an exemption (with a reason and
    the evidence they describe). One model for both, so closing, notifying and deciding are
    the same machinery; the name is historic (it began with requests for more time)."""

    personal_data = PersonalData(
        about="Your request for more time or to be exempted, with your reasons, the decision and its note.",
        purpose="To decide requests fairly and show the decision.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.TRAINING_RECORD,
        counts_from="assignment__person__end_date",
        seen_by="The person, whoever decides it (their line managers or compliance administrators).",
        subject="assignment__person",
        identity=("requested_by", "decided_by"),
        training=("assignment", "kind", "requested_due_date", "exempt_until", "status"),
        free_text=("reason", "evidence", "decision_note"),
        other=("requested_at", "decided_at"),
    )

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"
        WITHDRAWN = "withdrawn", "Withdrawn"

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="extension_requests")
    kind = models.CharField(max_length=10, choices=RequestKind.choices, default=RequestKind.MORE_TIME)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_due_date = models.DateField(null=True, blank=True, help_text="For more time: the date asked for.")
    exempt_until = models.DateField(
        null=True, blank=True, help_text="For an exemption: until when (empty: for this whole cycle)."
    )
    reason = models.TextField()
    evidence = models.TextField(blank=True, help_text="For an exemption: the evidence the learner describes.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="extension_request_has_reason"),
            models.CheckConstraint(
                condition=~models.Q(kind="more_time") | models.Q(requested_due_date__isnull=False),
                name="extension_request_more_time_has_date",
            ),
            models.UniqueConstraint(
                fields=["assignment", "kind"],
                condition=models.Q(status="pending"),
                name="extension_request_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} request for assignment {self.assignment_id} ({self.status})"

    @property
    def is_exemption(self) -> bool:
        return self.kind == RequestKind.EXEMPTION
