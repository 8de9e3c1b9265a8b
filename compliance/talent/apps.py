from django.apps import AppConfig


class TalentConfig(AppConfig):
    """Positive action and talent programmes: programme pages, cohorts with places, applications,
    nominations, line-manager support and selection by a panel. It sits on the compliance engine
    (people, units, the access policy, the audit trail) and nothing below imports it."""

    name = "compliance.talent"
    label = "talent"
    verbose_name = "Talent programmes"
    default_auto_field = "django.db.models.BigAutoField"
