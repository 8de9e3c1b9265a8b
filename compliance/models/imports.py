from django.conf import settings
from django.db import models

from courses.privacy import Basis, PersonalData, Retention


class ImportJob(models.Model):
    """An HR or completions file imported in the background: large files take longer than a
    request may. The file is kept in the row only until it has been imported."""

    personal_data = PersonalData(
        about=(
            "An HR or completion file as received, with its report. It holds many people's "
            "rows and is not a record about one person."
        ),
        purpose="To import the file in the background and show what it changed.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.IMPORT_FILES,
        counts_from="created_at",
        seen_by="Those who may import that kind of file (HR integration, compliance administrators).",
        identity=("requested_by",),
        free_text=("data", "mapping", "report", "failure"),
        other=(
            "kind",
            "status",
            "size",
            "dry_run",
            "skip_invalid",
            "source",
            "created_at",
            "started_at",
            "finished_at",
        ),
    )

    class Kind(models.TextChoices):
        PEOPLE = "people", "People"
        UNITS = "units", "Units"
        COMPLETIONS = "completions", "Completions"
        ABSENCES = "absences", "Absences"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    data = models.BinaryField(help_text="The file as sent; emptied once imported.")
    size = models.PositiveIntegerField(default=0)
    mapping = models.JSONField(default=dict, blank=True)
    dry_run = models.BooleanField(default=False)
    skip_invalid = models.BooleanField(default=False)
    source = models.CharField(max_length=50, default="api")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="import_jobs"
    )
    report = models.JSONField(null=True, blank=True)
    failure = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import {self.pk} ({self.status})"
