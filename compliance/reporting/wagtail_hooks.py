"""Registers the force reports in the Wagtail admin (the views are Wagtail reports in
`admin_views.py`, the menu in `menus.py`) and the dashboard's panels (`dashboard.py`)."""

from django.urls import path
from wagtail import hooks

from .admin_views import BreakdownReportView, CampaignReportView, OverdueReportView
from .dashboard import dashboard_panels
from .menus import force_reports_menu


@hooks.register("register_admin_urls")
def register_force_report_urls():
    return [
        path("reports/force/", BreakdownReportView.as_view(), name="reporting_force"),
        path("reports/force/campaigns/", CampaignReportView.as_view(), name="reporting_force_campaigns"),
        path("reports/force/overdue/", OverdueReportView.as_view(), name="reporting_force_overdue"),
        path(
            "reports/force/overdue/results/",
            OverdueReportView.as_view(results_only=True),
            name="reporting_force_overdue_results",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_force_reports_menu():
    return force_reports_menu()


@hooks.register("construct_homepage_panels")
def add_dashboard_panels(request, panels):
    panels.extend(dashboard_panels(request))
