"""The Force reports submenu: shown only to those who may open the reports (L&D and
compliance administrators). `wagtail_hooks.py` registers it."""

from django.urls import reverse
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from compliance import access


class ForceReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return access.user_sees_force_reports(user=request.user)


class ForceReportsSubmenu(SubmenuMenuItem):
    def is_shown(self, request):
        return access.user_sees_force_reports(user=request.user)


def force_reports_menu() -> ForceReportsSubmenu:
    menu = Menu(
        items=[
            ForceReportsMenuItem("Completion", reverse("reporting_force"), name="force-completion", order=1),
            ForceReportsMenuItem("Campaigns", reverse("reporting_force_campaigns"), name="force-campaigns", order=2),
            ForceReportsMenuItem("Overdue", reverse("reporting_force_overdue"), name="force-overdue", order=3),
        ]
    )
    return ForceReportsSubmenu("Force reports", menu, icon_name="table", name="force-reports", order=850)
