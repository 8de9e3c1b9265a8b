"""Subject access requests (UK GDPR Article 15): when each was received, when the answer is due,
and when and by whom it was delivered."""

import calendar
import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from compliance.people.models import Person
from courses.privacy import Basis, Expiry, NoPersonalData, PersonalData, Retention


def one_month_after(received_on: datetime.date) -> datetime.date:
    """The deadline of Article 12(3): the same day of the next month, or that month's last day
    when it has no such day (a request received on 31 January is due on 28 or 29 February)."""
    year, month = (received_on.year + 1, 1) if received_on.month == 12 else (received_on.year, received_on.month + 1)
    return datetime.date(year, month, min(received_on.day, calendar.monthrange(year, month)[1]))


class AccessRequest(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField(help_text="The day the request reached the force.")
    due_on = models.DateField(help_text="One calendar month after it was received.")
    received_how = models.CharField(
        "how it was received", max_length=200, help_text="For example 'email to the data protection officer'."
    )
    note = models.TextField(blank=True, max_length=2000)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    delivered_on = models.DateField(null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    archive_sha256 = models.CharField(
        max_length=64, blank=True, help_text="The fingerprint of the archive delivered, to show later what was sent."
    )

    personal_data = PersonalData(
        about="A request you made to see the information the force holds about you, and when it was answered.",
        purpose="To answer subject access requests within the legal time and show that they were answered.",
        basis=Basis.LEGAL_OBLIGATION,
        retention=Retention.AUDIT,
        counts_from="received_on",
        on_expiry=Expiry.DELETE,
        seen_by="Compliance administrators who answer subject access requests.",
        subject="person",
        identity=("person", "opened_by", "delivered_by"),
        free_text=("note",),
        other=("received_on", "due_on", "received_how", "opened_at", "delivered_on", "archive_sha256"),
    )

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["due_on"], condition=Q(delivered_on__isnull=True), name="access_request_open")]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=models.F("received_on")), name="access_request_due_after")
        ]

    def __str__(self) -> str:
        return f"Subject access request {self.pk}"


class RetentionRule(models.Model):
    """A force's own period for one kind of record, where it differs from the default."""

    retention = models.CharField(max_length=30, choices=Retention.choices, unique=True)
    months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Months the records are kept after their date; empty to keep them."
    )
    reason = models.CharField(max_length=500, help_text="Why the force keeps them this long.")
    updated_at = models.DateTimeField(auto_now=True)

    personal_data = NoPersonalData("A period and the force's reason for it: nothing about a person.")

    def __str__(self) -> str:
        return Retention(self.retention).label


class RightsRequest(models.Model):
    """A request to erase (Article 17) or to restrict (Article 18) the records about a person,
    with the decision, its lawful ground, and what was done."""

    class Kind(models.TextChoices):
        ERASURE = "erasure", "Erasure"
        RESTRICTION = "restriction", "Restriction of processing"

    class Outcome(models.TextChoices):
        GRANTED = "granted", "Granted"
        PARTLY = "partly", "Partly granted"
        REFUSED = "refused", "Refused"

    class Ground(models.TextChoices):
        NONE = "", "No ground needed: granted in full"
        PUBLIC_TASK = "public_task", "Needed for the force's public task (Article 17(3)(b))"
        LEGAL_OBLIGATION = "legal_obligation", "Needed to meet a legal obligation (Article 17(3)(b))"
        LEGAL_CLAIMS = "legal_claims", "Needed for legal claims or proceedings (Article 17(3)(e))"
        STATISTICS = "statistics", "Needed for statistics without names (Article 17(3)(d))"
        ACCURATE = "accurate", "The records are accurate and processed lawfully (Article 18(1)(a), (b))"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    received_on = models.DateField(help_text="The day the request reached the force.")
    due_on = models.DateField(help_text="One calendar month after it was received.")
    received_how = models.CharField("how it was received", max_length=200)
    note = models.TextField(blank=True, max_length=2000)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    ground = models.CharField(max_length=20, choices=Ground.choices, blank=True)
    reason = models.TextField(blank=True, max_length=2000, help_text="The reason given to the person.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    done = models.JSONField(default=dict, blank=True, help_text="What was erased: rows by kind of record.")

    personal_data = PersonalData(
        about="A request you made to erase or restrict the records about you, the decision and its reason.",
        purpose="To answer erasure and restriction requests within the legal time and show how.",
        basis=Basis.LEGAL_OBLIGATION,
        retention=Retention.AUDIT,
        counts_from="received_on",
        on_expiry=Expiry.DELETE,
        seen_by="Compliance administrators who answer data protection requests.",
        subject="person",
        identity=("person", "opened_by", "decided_by"),
        free_text=("note", "reason"),
        other=(
            "kind",
            "received_on",
            "due_on",
            "received_how",
            "opened_at",
            "outcome",
            "ground",
            "decided_on",
            "done",
        ),
    )

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["due_on"], condition=Q(decided_on__isnull=True), name="rights_request_open")]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=models.F("received_on")), name="rights_request_due_after")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} request {self.pk}"


class RetentionRun(models.Model):
    """One pass of the retention rules: when, whether it only counted (a dry run), and how many
    rows of each kind went or were blanked."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    dry_run = models.BooleanField(default=False)
    counts = models.JSONField(default=dict, blank=True, help_text="Rows by register entry and action.")

    personal_data = NoPersonalData("Counts of rows by kind of record: nothing about a person.")

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"Retention run {self.pk}"
