from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "compliance.people"
    label = "people"
    verbose_name = "People and organisation"
    default_auto_field = "django.db.models.BigAutoField"
