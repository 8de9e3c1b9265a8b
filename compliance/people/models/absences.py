"""Absences HR sends: long periods away (sickness, parental leave, a career break, a
secondment), with no medical detail. While someone is absent their obligations are paused: no
reminder goes to them or about them. On their return every obligation that was running is
extended by the days it was paused, in its ledger (`compliance.services.absences`)."""

from django.db import models

from courses.privacy import Basis, Expiry, PersonalData, Retention

from .organisation import Person


class AbsenceCategory(models.TextChoices):
    LONG_TERM_SICKNESS = "long_term_sickness", "Long-term sickness"
    PARENTAL_LEAVE = "parental_leave", "Maternity, paternity, adoption or parental leave"
    CAREER_BREAK = "career_break", "Career break"
    SECONDMENT = "secondment", "Secondment"
    OTHER = "other", "Other long absence"


class Absence(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="absences")
    starts_on = models.DateField(help_text="The first day away.")
    ends_on = models.DateField(null=True, blank=True, help_text="The last day away; empty while it has no end.")
    category = models.CharField(max_length=20, choices=AbsenceCategory.choices)
    returned_on = models.DateField(
        null=True, blank=True, help_text="When the person's due dates were extended for it (after its last day)."
    )
    source = models.CharField(max_length=50, default="import")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    personal_data = PersonalData(
        about="A period of long absence HR told us about (its kind, not its reason).",
        purpose="To pause due dates while you are away.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.PERSON,
        counts_from="person__end_date",
        on_expiry=Expiry.DELETE,
        seen_by="Compliance administrators; your line managers see that a due date was moved.",
        subject="person",
        identity=("person",),
        training=("starts_on", "ends_on", "category", "returned_on"),
        other=("source", "created_at", "updated_at"),
    )

    class Meta:
        ordering = ["person", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["person", "starts_on"], name="absence_once_per_start"),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="absence_ends_after_it_starts",
            ),
        ]
        indexes = [models.Index(fields=["ends_on", "returned_on"], name="absence_returns")]

    def __str__(self) -> str:
        return f"{self.get_category_display()} for {self.person_id} from {self.starts_on}"
