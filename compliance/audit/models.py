"""The audit trail: who changed what, when and why. Append-only."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from courses.privacy import Basis, Expiry, PersonalData, Retention


def named_in(person) -> Q:
    """The audit events that name a person: what they did, what was done to their record, and
    every summary that names them ("Name (staff number)")."""
    named = Q(object_type="person", object_id=str(person.pk)) | Q(summary__contains=f"({person.staff_number})")
    return named | Q(actor_id=person.user_id) if person.user_id else named


class AuditEvent(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=50, help_text="Where the change came from: admin, api, import_people, ...")
    action = models.CharField(max_length=50, db_index=True)
    object_type = models.CharField(max_length=50)
    object_id = models.CharField(max_length=64)
    summary = models.CharField(max_length=500)
    changes = models.JSONField(default=dict, blank=True)

    personal_data = PersonalData(
        about="An entry in the audit trail that names you: something you did, or something done to your record.",
        purpose="To show who changed what, when and why.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.AUDIT,
        counts_from="at",
        on_expiry=Expiry.DELETE,
        seen_by="Compliance administrators.",
        subject=named_in,
        identity=("actor",),
        free_text=("summary", "changes"),
        other=("at", "source", "action", "object_type", "object_id"),
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"], name="audit_object_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type} {self.object_id}"
