"""Registers the privacy screens in the Wagtail admin: subject access requests (for those with
the right to answer them) and the register of personal data (for every administrator)."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from compliance.access import user_may_answer_subject_access

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
    ]


@hooks.register("register_admin_menu_item")
def register_privacy_menu():
    menu = Menu(
        items=[
            SubjectAccessMenuItem(
                "Subject access requests", reverse("privacy_access_requests"), icon_name="user", order=100
            ),
            MenuItem("Personal data register", reverse("privacy_register"), icon_name="list-ul", order=200),
        ]
    )
    return SubmenuMenuItem("Privacy", menu, icon_name="lock", order=9000)
