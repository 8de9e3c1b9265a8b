"""Admin registration: the dead-letter screen, under Reports, for those who may resend."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views import dead_letters_view, user_may_resend


@hooks.register("register_admin_urls")
def register_dead_letters_url():
    return [path("learning-records/", dead_letters_view, name="xapi_dead_letters")]


class _ResendersMenuItem(MenuItem):
    def is_shown(self, request):
        return user_may_resend(request.user)


@hooks.register("register_reports_menu_item")
def register_dead_letters_menu_item():
    return _ResendersMenuItem(
        "Learning records to the LRS", reverse("xapi_dead_letters"), icon_name="warning", order=720
    )
