from django.apps import AppConfig


class XapiConfig(AppConfig):
    name = "courses.xapi"
    label = "xapi"
    verbose_name = "xAPI statements"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks, receivers  # noqa: F401
