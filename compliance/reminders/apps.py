from django.apps import AppConfig


class RemindersConfig(AppConfig):
    """Reminders and escalation: its own app inside compliance, with its own migrations and tasks."""

    name = "compliance.reminders"
    label = "reminders"
    verbose_name = "Reminders"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import receivers  # noqa: F401
