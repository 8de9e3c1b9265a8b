from django.apps import AppConfig


class FairnessConfig(AppConfig):
    """Aggregate, suppressed equality analytics for the D&I analyst. No models of its own."""

    name = "compliance.fairness"
    label = "fairness"
    verbose_name = "Fairness analytics"
