"""The D&I analyst's panel on the Wagtail dashboard: the way into the equality analytics, the
week of the latest release and the community benchmark in use. Nobody else sees it."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.ui.components import Component

from compliance.access import user_is_analyst

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
