"""Subject access requests (UK GDPR Article 15): when each was received, when the answer is due,
and when and by whom it was delivered."""

import calendar
import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from compliance.people.models import Person
from courses.privacy import Basis, PersonalData, Retention


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
