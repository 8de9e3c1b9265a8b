"""The D&I analyst's panel on the Wagtail dashboard: the way into the equality analytics, the
week of the latest release and the community benchmark in use. Nobody else sees it."""

from django.contrib.auth.models import Permission
from django.urls import reverse
from wagtail import hooks
from wagtail.admin.ui.components import Component

from compliance.access import ANALYST_PERMISSION, user_is_analyst

from .models import CommunityBenchmark, Release


class AnalyticsPanel(Component):
    name = "inclusion_equality_analytics"
    template_name = "fairness/dashboard_panel.html"
    order = 50

    def get_context_data(self, parent_context):
        return {
            "latest_week": Release.objects.order_by("-week").values_list("week", flat=True).first(),
            "benchmark": CommunityBenchmark.objects.order_by("-loaded_at").only("area", "loaded_at").first(),
            "links": [
                (reverse("fairness:page"), "Training outcomes by group"),
                (reverse("fairness:workforce"), "Workforce against the community"),
                (reverse("fairness:progression"), "Promotion and leadership entry"),
                (reverse("fairness:participation"), "Programme participation"),
                (reverse("fairness:publish"), "Tables fit to publish"),
            ],
            "benchmark_url": reverse("fairness:benchmark"),
        }


@hooks.register("construct_homepage_panels")
def add_analytics_panel(request, panels):
    if user_is_analyst(user=request.user):
        panels.append(AnalyticsPanel())


@hooks.register("register_permissions")
def register_analyst_right():
    """The right to read equality analytics, listed on Settings → Groups: granted to the D&I
    analyst role, and to no one by being a superuser."""
    app_label, codename = ANALYST_PERMISSION.split(".")
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename)
