from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Privacy through the life of a record: the register's page, the staff privacy notice and
    subject access. It reads every app through the register and nothing imports it."""

    name = "compliance.privacy"
    label = "privacy"
    verbose_name = "Privacy"
    default_auto_field = "django.db.models.BigAutoField"
