"""Roles and the rights they carry: the part of the access policy that learning content needs.

Each right is a Django permission (`courses.<right>`, carried by `courses.models.Rights`), held
through groups. The roles are the groups a migration creates with their default rights
(`courses` 0002, the README's roles table); a force may grant a right to any group in
Wagtail's Settings → Groups. Superusers hold every right, but not the right to read equality
analytics (`compliance.access`, which builds the whole policy on this module: `courses` sits
below `compliance` and cannot ask it).
"""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import models
from django.db.models import Q, QuerySet
from wagtail.permission_policies.base import BasePermissionPolicy


class Role(models.TextChoices):
    LD_EDITOR = "L&D editor"
    LD_LEAD = "L&D lead"
    COMPLIANCE_ADMIN = "Compliance administrator"
    DI_ANALYST = "D&I analyst"
    HR_SERVICE = "HR integration"


class Right(models.TextChoices):
    """What a role may do, beyond what every learner and every line manager may."""

    EDIT_CONTENT = "edit_content", "Write courses, run face-to-face sessions, see course reports"
    ADMINISTER_COMPLIANCE = "administer_compliance", "Edit requirements; grant exemptions; enter and void completions"
    VIEW_ASSIGNMENTS = "view_assignments", "Open any assignment and its history in the admin (escalations)"
    SEE_FORCE_REPORTS = "see_force_reports", "See the whole force's reports and the command view"
    EDIT_REMINDER_POLICY = "edit_reminder_policy", "Change when reminders and escalations go out"
    READ_NOTIFICATION_LOG = "read_notification_log", "Read and export the log of messages sent"
    IMPORT_HR = "import_hr", "Send HR files through the API"
    READ_AUDIT_TRAIL = "read_audit_trail", "Search the audit trail"
    RESEND_LEARNING_RECORDS = "resend_learning_records", "See xAPI statements the LRS did not take; send them again"
    ANSWER_SUBJECT_ACCESS = "answer_subject_access", "Answer subject access requests: everything held about one person"


RIGHTS_APP = "courses"


def active_user(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def user_role_names(user) -> frozenset[str]:
    """The user's role names, read once per user object."""
    if not active_user(user):
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached


def user_has_role(user, role: str) -> bool:
    return role in user_role_names(user)


def user_has_right(*, user, right: str) -> bool:
    """An active superuser, or an active user granted the right's permission (through a group
    or directly); Django's permission cache keeps it to one reading per user object."""
    return active_user(user) and user.has_perm(f"{RIGHTS_APP}.{right}")


def users_with_right(*, right: str) -> QuerySet:
    """Everyone `user_has_right` says yes to, as one query (Wagtail permission policies)."""
    granted = Permission.objects.filter(content_type__app_label=RIGHTS_APP, codename=right)
    return (
        get_user_model()
        .objects.filter(
            Q(is_superuser=True) | Q(groups__permissions__in=granted) | Q(user_permissions__in=granted),
            is_active=True,
        )
        .distinct()
    )


def user_may_mark_register(*, user, facilitator_ids: Iterable[int | None]) -> bool:
    """The register of face-to-face sessions (those with these facilitators): their
    facilitator, and whoever may edit content."""
    return active_user(user) and (user.pk in facilitator_ids or user_has_right(user=user, right=Right.EDIT_CONTENT))


def user_may_watch_video(*, user, video) -> bool:
    """A video's file and captions: anyone signed in, once a published module plays it; before
    that, whoever may edit content (to preview it)."""
    if not active_user(user):
        return False
    return user_has_right(user=user, right=Right.EDIT_CONTENT) or video.modules.live().exists()


def user_sits_on_panel(*, user, owner_ids: Iterable[int], panel_ids: Iterable[int]) -> bool:
    """A talent programme's selection (its applications, scores and decisions): the programme's
    L&D owners and the cohort's panel, by name, and nobody else (no role, not a superuser by
    being one): deny by default."""
    return active_user(user) and (user.pk in set(owner_ids) or user.pk in set(panel_ids))


class RightPolicy(BasePermissionPolicy):
    """A Wagtail permission policy: holders of `right` may do `actions` on the model, nobody
    else anything (so the admin's menus, buttons and views agree with the site and the API)."""

    def __init__(self, model, *, right: str, actions=("view",)):
        super().__init__(model)
        self.right = right
        self.actions = set(actions)

    def user_has_permission(self, user, action):
        return action in self.actions and user_has_right(user=user, right=self.right)

    def users_with_any_permission(self, actions):
        if not self.actions.intersection(actions):
            return get_user_model().objects.none()
        return users_with_right(right=self.right)
