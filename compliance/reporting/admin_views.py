"""The force reports in the Wagtail admin, for L&D and compliance administrators: completion by
training, unit, rank or grade and worker type; campaigns against their deadlines; the overdue
list. Each is a Wagtail report (`courses.reports.SafeReportView`, on Wagtail's `ReportView`):
exportable as CSV and XLSX (`?export=`, or `?format=` as older links say), refusing anyone
else with 403, and stating bad input. `wagtail_hooks.py` only registers them."""

from django.utils import timezone

from compliance import access
from courses.reports import ReportInputError, SafeReportView

from . import exports, selectors
from .forms import OverdueFilterSet

FORCE = access.Scope(label="The whole force", force=True)
PAGE_SIZE = 50


class _ForceReportView(SafeReportView):
    header_icon = "table"
    denied_message = "Force reports are for L&D and compliance administrators."

    def user_may_view(self, user) -> bool:
        return access.user_sees_force_reports(user=user)


class BreakdownReportView(_ForceReportView):
    """Completion across the force by one dimension (?by=requirement|unit|rank|worker_type)."""

    page_title = "Force completion"
    results_template_name = "reporting/admin/breakdown.html"
    index_url_name = "reporting_force"
    parameters = ("by",)
    list_export = ["label", *exports.RATE_FIELDS]

    @property
    def dimension(self) -> str:
        return self.request.GET.get("by") or "requirement"

    @property
    def dimension_label(self) -> str:
        return selectors.BREAKDOWNS[self.dimension]

    def check_parameters(self):
        if self.dimension not in selectors.BREAKDOWNS:
            raise ReportInputError(
                f"'{self.dimension}' is not a breakdown: use one of {', '.join(selectors.BREAKDOWNS)}."
            )

    @property
    def export_headings(self):
        return {"label": self.dimension_label, **dict(zip(exports.RATE_FIELDS, exports.RATE_COLUMNS, strict=True))}

    @property
    def export_filename(self):
        return f"force-by-{self.dimension.replace('_', '-')}"

    def get_sheet_title(self):
        return f"By {self.dimension_label.lower()}"

    def get_queryset(self):
        return selectors.rates_by(scope=FORCE, dimension=self.dimension)

    def get_report_context(self, context):
        rows = context["object_list"]
        return {
            "rows": rows,
            "dimension": self.dimension,
            "dimension_label": self.dimension_label,
            "dimensions": list(selectors.BREAKDOWNS.items()),
            "total": selectors.rates_total(rows),
        }


class CampaignReportView(_ForceReportView):
    """Fixed-date training still active, against its force deadline."""

    page_title = "Campaigns against their deadlines"
    results_template_name = "reporting/admin/campaigns.html"
    index_url_name = "reporting_force_campaigns"
    list_export = list(exports.CAMPAIGN_HEADINGS)
    export_headings = exports.CAMPAIGN_HEADINGS
    export_filename = "force-campaigns"
    export_sheet_title = "Campaigns"

    def get_queryset(self):
        return selectors.campaign_progress(scope=FORCE)

    def get_report_context(self, context):
        return {"campaigns": context["object_list"], "today": timezone.localdate()}


class OverdueReportView(_ForceReportView):
    """Everyone overdue, longest overdue first, by training and unit (?requirement=<id>&unit=<code>)."""

    page_title = "Overdue training"
    results_template_name = "reporting/admin/overdue.html"
    index_url_name = "reporting_force_overdue"
    index_results_url_name = "reporting_force_overdue_results"
    filterset_class = OverdueFilterSet
    paginate_by = PAGE_SIZE
    list_export = list(exports.ASSIGNMENT_HEADINGS)
    export_headings = exports.ASSIGNMENT_HEADINGS
    export_filename = "overdue"
    export_sheet_title = "Overdue"

    def get_base_queryset(self):
        return selectors.overdue_list(scope=FORCE)

    def export_items(self, queryset):
        return exports.assignment_dicts(queryset)

    def get_report_context(self, context):
        return {"rows": context["object_list"], "today": timezone.localdate()}
