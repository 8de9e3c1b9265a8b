"""Menu items for the compliance screens in the Wagtail admin, each shown only to those the
screen is for. `wagtail_hooks.py` registers them."""

from wagtail.admin.menu import MenuItem

from compliance.access import Right, import_kinds_for, user_has_right, user_is_compliance_admin


class AdminsOnlyMenuItem(MenuItem):
    def is_shown(self, request):
        return user_is_compliance_admin(request.user)


class SuperusersMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


class ImportersMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(import_kinds_for(user=request.user))


class LDOnlyMenuItem(MenuItem):
    def is_shown(self, request):
        return user_has_right(user=request.user, right=Right.EDIT_CONTENT)
