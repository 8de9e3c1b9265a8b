from django.apps import AppConfig


class ObservationsConfig(AppConfig):
    name = "compliance.observations"
    label = "observations"
    verbose_name = "Manager observations"
    default_auto_field = "django.db.models.BigAutoField"
