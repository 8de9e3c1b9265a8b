from django.apps import AppConfig


class FairnessConfig(AppConfig):
    """Aggregate, perturbed and suppressed equality analytics for the D&I analyst. Its one model
    holds the weekly releases of the tables."""

    name = "compliance.fairness"
    label = "fairness"
    verbose_name = "Fairness analytics"
