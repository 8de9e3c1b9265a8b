"""Who may call what. Deny by default: every view names its permission classes."""

from rest_framework.permissions import AllowAny, BasePermission

from compliance.roles import Role, user_has_role


class SchemaPermission(AllowAny):
    """The OpenAPI schema and docs are public: they describe the API, never its data."""


class HasRole(BasePermission):
    roles: tuple[str, ...] = ()
    message = "Your account does not have the role this needs."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and any(user_has_role(user, role) for role in self.roles))


class IsComplianceAdministrator(HasRole):
    roles = (Role.COMPLIANCE_ADMIN,)
    message = "Only compliance administrators may do this."


class IsHRService(HasRole):
    roles = (Role.HR_SERVICE, Role.COMPLIANCE_ADMIN)
    message = "Only the HR integration account or a compliance administrator may import people."


class IsEqualityAnalyst(HasRole):
    roles = (Role.DI_ANALYST,)
    message = "Only the D&I analyst role may do this."
