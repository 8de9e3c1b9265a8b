from django.apps import AppConfig


class ReportingConfig(AppConfig):
    """Team, command and force views, exports and fairness pages. Reads only: no models of its own."""

    name = "compliance.reporting"
    label = "reporting"
    verbose_name = "Reports"
    default_auto_field = "django.db.models.BigAutoField"
