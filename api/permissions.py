"""Who may call what, as DRF permission classes over the one access policy
(`compliance.access`). Deny by default: every view names its permission classes."""

from rest_framework.permissions import AllowAny, BasePermission

from compliance.access import Right, user_has_right, user_is_analyst


class SchemaPermission(AllowAny):
    """The OpenAPI schema and docs are public: they describe the API, never its data."""


class HasRight(BasePermission):
    """The caller holds `right` (`courses.access.user_has_right`: through a group, or as a superuser)."""

    right: str = ""
    message = "Your account does not have the role this needs."

    def has_permission(self, request, view) -> bool:
        return user_has_right(user=request.user, right=self.right)


class IsComplianceAdministrator(HasRight):
    right = Right.ADMINISTER_COMPLIANCE
    message = "Only compliance administrators may do this."


class IsHRService(HasRight):
    right = Right.IMPORT_HR
    message = "Only the HR integration account may import people and units."


class CanEditReminderPolicy(HasRight):
    right = Right.EDIT_REMINDER_POLICY
    message = "Only compliance administrators and the L&D lead may change the reminder policy."


class CanReadNotificationLog(HasRight):
    right = Right.READ_NOTIFICATION_LOG
    message = "Only compliance administrators and L&D may read the notification log."


class IsEqualityAnalyst(BasePermission):
    message = "Fairness analytics are for the D&I analyst role only."

    def has_permission(self, request, view) -> bool:
        return user_is_analyst(user=request.user)
