"""The weekly releases of the fairness tables.

A release holds the counts a page is computed from (never shown as they are) for one week, so
that every view, export and API call in that week shows the same figures, whatever changes in
between: a completion on a known day cannot be read from the difference between two looks at the
tables. Only `compliance.fairness.services` writes them and only the fairness selectors' output
is ever shown; there is no admin, API or template for a release.
"""

from django.db import models


class Release(models.Model):
    """The counts behind one table (measure, characteristic, breakdown) for one week."""

    measure = models.CharField(max_length=32)
    characteristic = models.CharField(max_length=32)
    breakdown = models.CharField(max_length=32)
    week = models.DateField(help_text="The Monday the release's week starts on")
    threshold = models.PositiveIntegerField()
    inputs = models.JSONField()
    taken_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "characteristic", "breakdown", "week", "threshold"], name="fairness_release_once"
            )
        ]

    def __str__(self) -> str:
        return f"Fairness release {self.measure}/{self.characteristic}/{self.breakdown} week of {self.week}"
