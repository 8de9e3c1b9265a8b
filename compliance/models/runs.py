from django.db import models

from courses.privacy import NoPersonalData


class DayRun(models.Model):
    """A daily job's run for one day: whether it began, finished or failed. The recovery sweep
    reads it to run again, the same day, a job whose run was lost or failed (services.runs)."""

    job = models.CharField(max_length=200, help_text="The task's name.")
    day = models.DateField()
    queued_at = models.DateTimeField(null=True, blank=True, help_text="When the sweep last enqueued it again.")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    result = models.JSONField(default=dict, blank=True)

    personal_data = NoPersonalData("A daily job's run: when it ran and what it counted, about no one.")

    class Meta:
        ordering = ["-day", "job"]
        constraints = [models.UniqueConstraint(fields=["job", "day"], name="day_run_once_per_day")]
        verbose_name = "daily run"

    def __str__(self) -> str:
        state = "finished" if self.finished_at else "failed" if self.last_error else "started"
        return f"{self.job} on {self.day}: {state}"
