"""Roles are Django groups, created by a migration. Line manager is not a role: it is
derived from the line-management tree (anyone with someone below them)."""

from django.db import models


class Role(models.TextChoices):
    LD_EDITOR = "L&D editor"
    LD_LEAD = "L&D lead"
    COMPLIANCE_ADMIN = "Compliance administrator"
    DI_ANALYST = "D&I analyst"
    HR_SERVICE = "HR integration"


def user_role_names(user) -> frozenset[str]:
    """The user's role names, read once per user object."""
    if not user or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached


def user_has_role(user, role: str) -> bool:
    return role in user_role_names(user)
