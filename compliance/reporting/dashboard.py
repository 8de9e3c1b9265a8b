"""The Wagtail dashboard of the people who run the training: each panel shows to the role that
uses it, with headline figures that each link to the list behind them.

- Force reports (compliance administrators, L&D): completion, overdue and due soon across the
  force, the units with most overdue, and the campaigns whose deadlines come next.
- Requests waiting (whoever may decide them) and recent imports (whoever may import).
- L&D: courses with the lowest completion, and face-to-face sessions this week with places left.

Registered by `wagtail_hooks.py` (`construct_homepage_panels`); each panel costs a few grouped
queries, whatever the size of the force.
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component

from compliance import access
from courses.selectors.rates import course_rates_for_ld

from . import selectors

FORCE = access.Scope(label="The whole force", force=True)
LISTED = 5


class _Panel(Component):
    def __init__(self, request):
        self.request = request


class ForceHeadlinePanel(_Panel):
    name = "inclusion_force_headline"
    template_name = "reporting/dashboard/force_headline.html"
    order = 50

    def get_context_data(self, parent_context):
        today = timezone.localdate()
        units = selectors.rates_by(scope=FORCE, dimension="unit", today=today)
        by_requirement = selectors.rates_by(scope=FORCE, dimension="requirement", today=today)
        campaigns = [
            c
            for c in selectors.campaign_progress(scope=FORCE, today=today, by_requirement=by_requirement)
            if c.days_left >= 0
        ]
        return {
            "total": selectors.rates_total(by_requirement, label="The whole force"),
            "worst_units": sorted((u for u in units if u.overdue), key=lambda u: (-u.overdue, u.label.lower()))[
                :LISTED
            ],
            "campaigns": campaigns[:LISTED],
            "completion_url": reverse("reporting_force"),
            "units_url": reverse("reporting_force") + "?by=unit",
            "overdue_url": reverse("reporting_force_overdue"),
            "campaigns_url": reverse("reporting_force_campaigns"),
        }


class RequestsWaitingPanel(_Panel):
    name = "inclusion_requests_waiting"
    template_name = "reporting/dashboard/requests_waiting.html"
    order = 60

    def get_context_data(self, parent_context):
        waiting = access.extension_requests_to_decide(user=self.request.user).order_by("requested_at", "pk")
        return {
            "count": waiting.count(),
            "oldest": waiting.select_related("assignment__person", "assignment__requirement").first(),
            "url": reverse("compliance:extension-requests"),
        }


class ImportsPanel(_Panel):
    name = "inclusion_imports"
    template_name = "reporting/dashboard/imports.html"
    order = 70

    def get_context_data(self, parent_context):
        jobs = access.import_jobs_visible(user=self.request.user).select_related("requested_by")[:3]
        return {"jobs": jobs, "url": reverse("compliance_imports")}


class LearningPanel(_Panel):
    name = "inclusion_learning"
    template_name = "reporting/dashboard/learning.html"
    order = 80

    def get_context_data(self, parent_context):
        today = timezone.localdate()
        rated = [row for row in course_rates_for_ld() if row["completion_rate"] is not None]
        return {
            "lowest": sorted(rated, key=lambda r: (r["completion_rate"], r["course"].title.lower()))[:LISTED],
            "sessions": selectors.sessions_with_places(start=today, end=today + datetime.timedelta(days=7)),
            "rates_url": reverse("courses_course_rates"),
            "sessions_url": reverse("face_to_face_sessions:index"),
        }


def dashboard_panels(request) -> list[Component]:
    """The panels this user's rights call for, in order."""
    user = request.user
    panels: list[Component] = []
    if access.user_sees_force_reports(user=user):
        panels.append(ForceHeadlinePanel(request))
    if access.extension_requests_to_decide(user=user).exists():
        panels.append(RequestsWaitingPanel(request))
    if access.import_kinds_for(user=user):
        panels.append(ImportsPanel(request))
    if access.user_has_right(user=user, right=access.Right.EDIT_CONTENT):
        panels.append(LearningPanel(request))
    return panels
