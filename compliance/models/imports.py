from django.conf import settings
from django.db import models


class ImportJob(models.Model):
    """An HR or completions file imported in the background: large files take longer than a
    request may. The file is kept in the row only until it has been imported."""

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
