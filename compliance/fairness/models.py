"""The weekly releases of the fairness tables, and the community benchmark.

A release holds the counts a page is computed from (never shown as they are) for one week, so
that every view, export and API call in that week shows the same figures, whatever changes in
between: a completion on a known day cannot be read from the difference between two looks at the
tables. Only `compliance.fairness.services` writes them and only the fairness selectors' output
is ever shown; there is no admin, API or template for a release.
"""

from django.conf import settings
from django.db import models

from courses.privacy import Basis, NoPersonalData, PersonalData, Retention


class Release(models.Model):
    """The counts behind one table (measure, characteristic, breakdown) for one week."""

    measure = models.CharField(max_length=32)
    characteristic = models.CharField(max_length=32)
    breakdown = models.CharField(max_length=32)
    week = models.DateField(help_text="The Monday the release's week starts on")
    threshold = models.PositiveIntegerField()
    inputs = models.JSONField()
    taken_at = models.DateTimeField()

    personal_data = NoPersonalData(
        "A week's counts behind the fairness tables: figures without names or ids, perturbed and suppressed when shown."
    )

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "characteristic", "breakdown", "week", "threshold"], name="fairness_release_once"
            )
        ]

    def __str__(self) -> str:
        return f"Fairness release {self.measure}/{self.characteristic}/{self.breakdown} week of {self.week}"


class CommunityBenchmark(models.Model):
    """Population shares of the community the force serves (a census of its area, say), loaded
    by the D&I analyst as a CSV; the latest one is what the workforce view compares with. Public
    figures, not anyone's data: `shares` is {characteristic: {category: per cent}}."""

    area = models.CharField(max_length=200, help_text="The area the shares describe, e.g. the force area.")
    source = models.TextField(help_text="Where the figures come from: publisher, table, date, any adjustment.")
    shares = models.JSONField()
    file_name = models.CharField(max_length=200, blank=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    loaded_at = models.DateTimeField()

    personal_data = PersonalData(
        about="A community population table the D&I analyst loaded, with who loaded it.",
        purpose="To compare the workforce with the community it serves.",
        basis=Basis.PUBLIC_TASK,
        retention=Retention.AGGREGATES,
        seen_by="The D&I analyst.",
        subject="loaded_by",
        identity=("loaded_by",),
        other=("area", "source", "shares", "file_name", "loaded_at"),
    )

    class Meta:
        default_permissions = ()
        ordering = ["-loaded_at", "-pk"]

    def __str__(self) -> str:
        return f"Community benchmark for {self.area} ({self.loaded_at:%d %b %Y})"
