"""Force reports in the Wagtail admin, for L&D and compliance administrators: completion by
training, unit, rank or grade and worker type; campaigns against their deadlines; the overdue
list; each exportable as CSV and XLSX. The menu item shows only to those roles, and every view
refuses anyone else with 403."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.urls import path, reverse
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from compliance import access
from compliance.models import Requirement
from compliance.people.models import OrgUnit
from courses import downloads

from . import exports, selectors
from .dashboard import dashboard_panels
from .forms import PageError, page_number

FORCE = access.Scope(label="The whole force", force=True)
PAGE_SIZE = 50


class _ForceReportView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        if not access.user_sees_force_reports(user=request.user):
            raise PermissionDenied("Force reports are for L&D and compliance administrators.")
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    def error(self, message: str, status: int = 400):
        context = self.get_context_data(errors=[message])
        return self.render_to_response(context, status=status)


class BreakdownReportView(_ForceReportView):
    """Completion across the force by one dimension (?by=requirement|unit|rank|worker_type)."""

    template_name = "reporting/admin/breakdown.html"
    page_title = "Force completion"

    def get(self, request, *args, **kwargs):
        dimension = request.GET.get("by") or "requirement"
        fmt = request.GET.get("format") or ""
        unknown = sorted(set(request.GET) - {"by", "format"})
        if unknown:
            return self.error(f"Unknown filter(s): {', '.join(unknown)}. Use only: by, format.")
        if dimension not in selectors.BREAKDOWNS:
            return self.error(f"'{dimension}' is not a breakdown: use one of {', '.join(selectors.BREAKDOWNS)}.")
        if fmt not in ("", "csv", "xlsx"):
            return self.error(f"'{fmt}' is not an export format: use csv or xlsx.")
        rows = selectors.rates_by(scope=FORCE, dimension=dimension)
        label = selectors.BREAKDOWNS[dimension]
        if fmt:
            header = [label, *exports.RATE_COLUMNS]
            stem = f"force-by-{dimension.replace('_', '-')}"
            if fmt == "csv":
                return downloads.csv_response(stem=stem, header=header, rows=exports.rate_rows(rows))
            return downloads.xlsx_response(stem=stem, sheets=[(f"By {label.lower()}", header, exports.rate_rows(rows))])
        context = self.get_context_data(
            rows=rows,
            dimension=dimension,
            dimension_label=label,
            dimensions=list(selectors.BREAKDOWNS.items()),
            total=selectors.rates_total(rows),
        )
        return self.render_to_response(context)


class CampaignReportView(_ForceReportView):
    template_name = "reporting/admin/campaigns.html"
    page_title = "Campaigns against their deadlines"

    def get(self, request, *args, **kwargs):
        if request.GET:
            return self.error(f"This report takes no filters ({', '.join(sorted(request.GET))}).")
        return self.render_to_response(
            self.get_context_data(campaigns=selectors.campaign_progress(scope=FORCE), today=timezone.localdate())
        )


class OverdueReportView(_ForceReportView):
    """Everyone overdue, longest overdue first, by training and unit (?requirement=<id>&unit=<code>)."""

    template_name = "reporting/admin/overdue.html"
    page_title = "Overdue training"

    def get(self, request, *args, **kwargs):
        unknown = sorted(set(request.GET) - {"requirement", "unit", "format", "page"})
        if unknown:
            return self.error(f"Unknown filter(s): {', '.join(unknown)}. Use only: format, page, requirement, unit.")
        qs = selectors.overdue_list(scope=FORCE)
        requirement = unit = None
        raw_requirement = request.GET.get("requirement") or ""
        if raw_requirement:
            requirement = (
                Requirement.objects.filter(pk=int(raw_requirement)).first() if raw_requirement.isdigit() else None
            )
            if requirement is None:
                return self.error(f"There is no training with id '{raw_requirement}'.")
            qs = qs.filter(requirement=requirement)
        raw_unit = request.GET.get("unit") or ""
        if raw_unit:
            unit = OrgUnit.objects.filter(code__iexact=raw_unit).first()
            if unit is None:
                return self.error(f"There is no unit with the code '{raw_unit}'.")
            qs = qs.filter(person__unit__path__startswith=unit.path)
        fmt = request.GET.get("format") or ""
        if fmt == "csv":
            return downloads.csv_response(
                stem="overdue", header=exports.ASSIGNMENT_COLUMNS, rows=exports.assignment_rows(qs)
            )
        if fmt == "xlsx":
            return downloads.xlsx_response(
                stem="overdue", sheets=[("Overdue", exports.ASSIGNMENT_COLUMNS, exports.assignment_rows(qs))]
            )
        if fmt:
            return self.error(f"'{fmt}' is not an export format: use csv or xlsx.")
        paginator = Paginator(qs, PAGE_SIZE)
        try:
            number = page_number(request.GET.get("page"))
            if number > paginator.num_pages:
                raise PageError(f"There is no page {number}: the last page is {paginator.num_pages}.", status=404)
        except PageError as exc:
            return self.error(exc.message, status=exc.status)
        page = paginator.page(number)
        page.object_list = list(page.object_list)
        params = request.GET.copy()
        params.pop("page", None)
        base = params.urlencode()
        context = self.get_context_data(
            page=page,
            rows=page.object_list,
            requirements=list(Requirement.objects.order_by("name").values_list("pk", "name")),
            units=list(OrgUnit.objects.filter(depth__lte=3).order_by("path").values_list("code", "name", "depth")),
            requirement=requirement,
            unit=unit,
            query=base,
            today=timezone.localdate(),
        )
        return self.render_to_response(context)


@hooks.register("register_admin_urls")
def register_force_report_urls():
    return [
        path("reports/force/", BreakdownReportView.as_view(), name="reporting_force"),
        path("reports/force/campaigns/", CampaignReportView.as_view(), name="reporting_force_campaigns"),
        path("reports/force/overdue/", OverdueReportView.as_view(), name="reporting_force_overdue"),
    ]


class _ForceReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return access.user_sees_force_reports(user=request.user)


class _ForceReportsSubmenu(SubmenuMenuItem):
    def is_shown(self, request):
        return access.user_sees_force_reports(user=request.user)


@hooks.register("register_admin_menu_item")
def register_force_reports_menu():
    menu = Menu(
        items=[
            _ForceReportsMenuItem("Completion", reverse("reporting_force"), name="force-completion", order=1),
            _ForceReportsMenuItem("Campaigns", reverse("reporting_force_campaigns"), name="force-campaigns", order=2),
            _ForceReportsMenuItem("Overdue", reverse("reporting_force_overdue"), name="force-overdue", order=3),
        ]
    )
    return _ForceReportsSubmenu("Force reports", menu, icon_name="table", name="force-reports", order=850)


@hooks.register("construct_homepage_panels")
def add_dashboard_panels(request, panels):
    panels.extend(dashboard_panels(request))
