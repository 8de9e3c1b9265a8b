"""Legal holds and restrictions of processing on the records about a person."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from courses.privacy import Basis, Expiry, PersonalData, Retention


class HoldQuerySet(models.QuerySet):
    def in_force(self, *, kind: str | None = None) -> "HoldQuerySet":
        holds = self.filter(lifted_at__isnull=True)
        return holds.filter(kind=kind) if kind else holds

    def restricted_person_ids(self, person_ids) -> set[int]:
        """Which of these people have asked for processing to be restricted: no message goes to them."""
        return set(
            self.in_force(kind=Hold.Kind.RESTRICTION)
            .filter(person_id__in=person_ids)
            .values_list("person_id", flat=True)
        )


class Hold(models.Model):
    """A legal hold (the records are needed for proceedings) or a restriction of processing
    (UK GDPR Article 18): either keeps every record about the person from retention until it is
    lifted; a legal hold keeps them from erasure too, and a restriction stops every message to
    or about the person."""

    class Kind(models.TextChoices):
        LEGAL_HOLD = "legal_hold", "Legal hold"
        RESTRICTION = "restriction", "Restriction of processing"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reason = models.CharField(max_length=500)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField()
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)

    objects = HoldQuerySet.as_manager()

    personal_data = PersonalData(
        about="A legal hold or a restriction on the records about you, and when it was lifted.",
        purpose="To keep records needed for proceedings, and to respect a restriction you asked for.",
        basis=Basis.LEGAL_OBLIGATION,
        retention=Retention.AUDIT,
        counts_from="lifted_at",
        on_expiry=Expiry.DELETE,
        seen_by="Compliance administrators who answer data protection requests.",
        subject="person",
        identity=("person", "placed_by", "lifted_by"),
        free_text=("reason",),
        other=("kind", "placed_at", "lifted_at"),
    )

    class Meta:
        ordering = ["-placed_at", "-pk"]
        indexes = [models.Index(fields=["person"], condition=Q(lifted_at__isnull=True), name="hold_in_force")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"
