"""Registers the privacy screens in the Wagtail admin: subject access requests, erasure and
restriction requests, legal holds and retention (for those with the right to answer data
protection requests) and the register of personal data (for every administrator)."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from compliance.access import user_may_answer_subject_access

from .admin_retention import RetentionRuleView, RetentionView
from .admin_rights import HoldLiftView, HoldPlaceView, RightsRequestNewView, RightsRequestsView, RightsRequestView
from .admin_views import (
    AccessRequestArchiveView,
    AccessRequestNewView,
    AccessRequestReportView,
    AccessRequestsView,
    AccessRequestView,
    RegisterView,
)


class SubjectAccessMenuItem(MenuItem):
    def is_shown(self, request):
        return user_may_answer_subject_access(user=request.user)


@hooks.register("register_admin_urls")
def register_privacy_urls():
    return [
        path("privacy/requests/", AccessRequestsView.as_view(), name="privacy_access_requests"),
        path("privacy/requests/new/", AccessRequestNewView.as_view(), name="privacy_access_request_new"),
        path("privacy/requests/<int:pk>/", AccessRequestView.as_view(), name="privacy_access_request"),
        path(
            "privacy/requests/<int:pk>/archive/",
            AccessRequestArchiveView.as_view(),
            name="privacy_access_request_archive",
        ),
        path(
            "privacy/requests/<int:pk>/report/", AccessRequestReportView.as_view(), name="privacy_access_request_report"
        ),
        path("privacy/register/", RegisterView.as_view(), name="privacy_register"),
        path("privacy/retention/", RetentionView.as_view(), name="privacy_retention"),
        path("privacy/retention/<str:kind>/", RetentionRuleView.as_view(), name="privacy_retention_rule"),
        path("privacy/rights/", RightsRequestsView.as_view(), name="privacy_rights_requests"),
        path("privacy/rights/new/", RightsRequestNewView.as_view(), name="privacy_rights_request_new"),
        path("privacy/rights/<int:pk>/", RightsRequestView.as_view(), name="privacy_rights_request"),
        path("privacy/holds/new/", HoldPlaceView.as_view(), name="privacy_hold_new"),
        path("privacy/holds/<int:pk>/lift/", HoldLiftView.as_view(), name="privacy_hold_lift"),
    ]


@hooks.register("register_admin_menu_item")
def register_privacy_menu():
    menu = Menu(
        items=[
            SubjectAccessMenuItem(
                "Subject access requests", reverse("privacy_access_requests"), icon_name="user", order=100
            ),
            SubjectAccessMenuItem(
                "Erasure and restriction", reverse("privacy_rights_requests"), icon_name="bin", order=110
            ),
            SubjectAccessMenuItem("Retention", reverse("privacy_retention"), icon_name="time", order=120),
            MenuItem("Personal data register", reverse("privacy_register"), icon_name="list-ul", order=200),
        ]
    )
    return SubmenuMenuItem("Privacy", menu, icon_name="lock", order=9000)
