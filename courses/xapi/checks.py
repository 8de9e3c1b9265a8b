"""`manage.py check` (and every command that runs the checks: migrate, runserver) says when
the LRS options are wrong, instead of a learner meeting it."""

from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

from .lrs import lrs_config


@register()
def lrs_options(app_configs, **kwargs):
    try:
        lrs_config()
    except ImproperlyConfigured as error:
        return [
            Error(str(error), hint="Fix it in INCLUSION_LMS (or XAPI_LRS_* in the host's environment).", id="xapi.E001")
        ]
    return []
