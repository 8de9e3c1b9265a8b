from django.apps import AppConfig


class EqualityConfig(AppConfig):
    name = "compliance.equality"
    label = "equality"
    verbose_name = "Equality monitoring"
    default_auto_field = "django.db.models.BigAutoField"
