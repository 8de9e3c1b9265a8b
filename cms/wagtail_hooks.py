"""The host's own admin screen: current sign-in lockouts (superusers only)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cms.auth import cool_off_minutes, current_lockouts


def lockouts_view(request):
    if not request.user.is_superuser:
        raise PermissionDenied
    if request.method == "POST":
        from axes.utils import reset

        username, address = request.POST.get("username", ""), request.POST.get("ip_address", "")
        if reset(username=username, ip=address):
            messages.success(request, f"{username} can sign in again from {address}.")
        return redirect("cms_lockouts")
    context = {"lockouts": current_lockouts(), "minutes": cool_off_minutes(), "limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "cms/admin/lockouts.html", context)


@hooks.register("register_admin_urls")
def register_lockouts_url():
    return [path("sign-in-lockouts/", lockouts_view, name="cms_lockouts")]


class SuperuserMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_settings_menu_item")
def register_lockouts_menu_item():
    return SuperuserMenuItem("Sign-in lockouts", reverse("cms_lockouts"), icon_name="lock", order=900)
