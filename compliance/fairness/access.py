"""Who may see fairness analytics: holders of `compliance.analyse_equality` through a group
(the D&I analyst role). A superuser is not let in by being one: Django grants a superuser
every permission, and these data are for the analyst role only (UK DPA 2018 Sch. 1 para 8),
so a superuser who needs them joins the group like anyone else and is audited the same way.
"""

from django.contrib.auth.models import Permission

PERMISSION = "compliance.analyse_equality"
_APP_LABEL, _CODENAME = PERMISSION.split(".")


def user_is_analyst(*, user) -> bool:
    """True only for an active user whose groups grant the permission. One query, then cached
    on the user object for the rest of the request."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    cached = getattr(user, "_fairness_analyst", None)
    if cached is None:
        cached = Permission.objects.filter(
            group__user=user, content_type__app_label=_APP_LABEL, codename=_CODENAME
        ).exists()
        user._fairness_analyst = cached
    return cached
