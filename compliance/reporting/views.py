"""Site pages: "My team" for line managers and the command view for senior leaders.

Who sees what is decided by the selectors' `Scope`: a line manager everyone below them (or
their direct reports), a senior leader their unit's subtree, L&D and compliance
administrators the force. A person's page answers 404 for anyone outside the viewer's chain,
whether or not the staff number exists. Views hold no rules: they validate input, call the
selectors and services, and render.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from compliance import access
from compliance.models import ExtensionRequest
from compliance.observations.selectors import observations_recorded_about
from compliance.people.models import OrgUnit
from compliance.selectors.assignments import (
    MANAGER,
    Status,
    assignment_reason,
    assignment_status,
    person_assignments,
)
from compliance.services.absences import absence_ends, absent_on
from compliance.services.assignments import extension_request_decide
from courses import downloads

from . import charts, exports, selectors
from .forms import PageError, TeamFilterForm, page_number

PAGE_SIZE = 25


def _error(request, *, status: int, title: str, message: str, back: str = ""):
    return render(request, "reporting/error.html", {"title": title, "message": message, "back": back}, status=status)


ROW_FIELDS = (
    "pk",
    "person__staff_number",
    "person__first_name",
    "person__last_name",
    "person__rank_or_grade",
    "person__unit__name",
    "requirement__name",
    "status",
    "effective_due",
    "satisfied_on",
    "valid_until",
)


def _with_labels(assignments) -> list[dict]:
    """The page's rows as plain values (no model instances to build), with the status label;
    someone away (HR's absences) is shown as absent, and until when, rather than overdue."""
    today = timezone.localdate()
    rows = list(
        assignments.annotate(absent=absent_on(day=today), absent_until=absence_ends(day=today)).values(
            *ROW_FIELDS, "absent", "absent_until"
        )
    )
    for row in rows:
        row["status_label"] = Status.LABELS.get(row["status"], row["status"])
        if row["absent"] and row["status"] in selectors.OUTSTANDING:
            until = row["absent_until"]
            row["status_label"] = f"Absent until {until:%-d %b %Y}" if until else "Absent, no return date yet"
            row["status"] = "absent"
    return rows


def _no_team(request):
    """A 403 that explains: the team pages are for people with someone below them."""
    return render(
        request,
        "reporting/no_team.html",
        {"sees_force": access.user_sees_force_reports(user=request.user)},
        status=403,
    )


def _querystring(request, **changes) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else ""


class _TeamContext:
    """The validated filters and scope shared by the team page, its charts and its exports."""

    def __init__(self, request):
        self.request = request
        self.manager = access.viewer_person(user=request.user)
        self.has_team = access.person_has_team(person=self.manager)
        if not self.has_team:
            return
        full = access.team_scope(manager=self.manager)
        self.choices = selectors.scope_filter_choices(scope=full)
        self.form = TeamFilterForm(request.GET, choices=self.choices)
        self.valid = self.form.is_valid()
        self.direct_only = self.form.direct_only
        self.scope = access.team_scope(manager=self.manager, direct_only=self.direct_only)
        self.filters = self.form.filters() if self.valid else selectors.TeamFilters()


@login_required
@require_GET
def team_view(request):
    ctx = _TeamContext(request)
    if not ctx.has_team:
        return _no_team(request)
    params = request.GET
    context = {
        "form": ctx.form,
        "direct_only": ctx.direct_only,
        "scope": ctx.scope,
        # Plain selects: rendering form widgets through templates costs more than the queries.
        "selects": [
            (name, ctx.form.fields[name].label, ctx.form.fields[name].choices, params.get(name, ""))
            for name in ("direct", "unit", "requirement", "status", "rank", "sort")
        ],
        "search": params.get("q", ""),
        "current_status": params.get("status", ""),
    }
    if not ctx.valid:
        context["errors"] = ctx.form.error_list()
        return render(request, "reporting/team.html", context, status=400)
    today = timezone.localdate()
    base = selectors.scope_assignments(scope=ctx.scope, today=today)
    counts = selectors.status_counts(selectors.filter_assignments(base, filters=ctx.filters, with_status=False))
    rows = selectors.team_assignment_rows(scope=ctx.scope, filters=ctx.filters, today=today)
    paginator = Paginator(rows, PAGE_SIZE)
    # The counts already hold the list's length: spare the database a second pass.
    paginator.count = counts.get(ctx.filters.status, 0) if ctx.filters.status else sum(counts.values())
    try:
        number = page_number(request.GET.get("page"))
        if number > paginator.num_pages:
            raise PageError(f"There is no page {number}: the last page is {paginator.num_pages}.", status=404)
    except PageError as exc:
        context["errors"] = [exc.message]
        return render(request, "reporting/team.html", context, status=exc.status)
    page = paginator.page(number)
    # The template asks for the page's length: give it the rows, not the queryset to run again.
    page.object_list = rows = _with_labels(page.object_list)
    context.update(
        {
            "counts": [(s, Status.LABELS[s], n, _querystring(request, status=s, page=None)) for s, n in counts.items()],
            "total": sum(counts.values()),
            "page": page,
            "rows": rows,
            "requests": list(selectors.pending_extension_requests(scope=ctx.scope, limit=20)),
            "export_csv": "csv/" + _querystring(request, page=None),
            "export_xlsx": "xlsx/" + _querystring(request, page=None),
            "charts_link": "charts/" + _querystring(request, page=None, status=None, sort=None, q=None),
            "previous_link": _querystring(request, page=page.previous_page_number()) if page.has_previous() else "",
            "next_link": _querystring(request, page=page.next_page_number()) if page.has_next() else "",
            "filtered": any(request.GET.get(k) for k in ("unit", "requirement", "status", "rank", "q")),
        }
    )
    return render(request, "reporting/team.html", context)


@login_required
@require_GET
def team_export_view(request, fmt: str):
    ctx = _TeamContext(request)
    if not ctx.has_team:
        return _no_team(request)
    if not ctx.valid:
        return _error(
            request,
            status=400,
            title="The export could not be made",
            message=" ".join(ctx.form.error_list()),
            back="/team/",
        )
    rows = selectors.team_assignment_rows(scope=ctx.scope, filters=ctx.filters)
    stem = "my-team-direct-reports" if ctx.direct_only else "my-team"
    if fmt == "csv":
        return downloads.csv_response(stem=stem, header=exports.ASSIGNMENT_COLUMNS, rows=exports.assignment_rows(rows))
    return downloads.xlsx_response(
        stem=stem, sheets=[("My team", exports.ASSIGNMENT_COLUMNS, exports.assignment_rows(rows))]
    )


@login_required
@require_GET
def team_charts_view(request):
    ctx = _TeamContext(request)
    if not ctx.has_team:
        return _no_team(request)
    if not ctx.valid:
        return _error(
            request,
            status=400,
            title="The charts could not be drawn",
            message=" ".join(ctx.form.error_list()),
            back="/team/",
        )
    today = timezone.localdate()
    base = selectors.filter_assignments(
        selectors.scope_assignments(scope=ctx.scope, today=today), filters=ctx.filters, with_status=False
    )
    by_requirement = selectors.rates_by_requirement(queryset=base)
    trend = selectors.monthly_trend(scope=ctx.scope, today=today, requirement=ctx.filters.requirement)
    return render(
        request,
        "reporting/team_charts.html",
        {
            "scope": ctx.scope,
            "direct_only": ctx.direct_only,
            "by_requirement": by_requirement,
            "bar_chart": charts.bar_chart(by_requirement),
            "trend": trend,
            "trend_chart": charts.trend_chart(trend),
            "back_link": "../" + _querystring(request),
        },
    )


def _team_member_or_404(request, staff_number: str):
    manager = access.viewer_person(user=request.user)
    person = access.team_member(manager=manager, staff_number=staff_number) if manager else None
    if person is None:
        raise Http404("Nobody with that staff number is in your team.")
    return manager, person


@login_required
@require_GET
def team_person_view(request, staff_number: str):
    _, person = _team_member_or_404(request, staff_number)
    today = timezone.localdate()
    items = []
    for assignment in person_assignments(person=person):
        status = assignment_status(assignment=assignment, today=today)
        items.append(
            {
                "assignment": assignment,
                "status": status,
                "status_label": Status.LABELS[status],
                "reason": assignment_reason(assignment=assignment, perspective=MANAGER, today=today),
            }
        )
    requests = list(selectors.person_pending_requests(person=person))
    history = list(selectors.person_history(person=person)[:200])
    context = {"person": person, "items": items, "requests": requests, "history": history, "today": today}
    context["observations"] = observations_recorded_about(person=person)
    return render(request, "reporting/team_person.html", context)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("refuse", "Refuse")])
    note = forms.CharField(required=False, max_length=2000)


@login_required
@require_POST
def team_decide_view(request, staff_number: str, pk: int):
    _, person = _team_member_or_404(request, staff_number)
    extension_request = get_object_or_404(ExtensionRequest, pk=pk, assignment__person=person)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve or refuse.")
        return redirect("reporting:team-person", staff_number=person.staff_number)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        extension_request_decide(
            request=extension_request, actor=request.user, approve=approve, note=form.cleaned_data["note"]
        )
    except PermissionDenied as exc:
        raise PermissionDenied(str(exc)) from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reporting:team-person", staff_number=person.staff_number)
    messages.success(request, f"Request from {person.full_name} {'approved' if approve else 'refused'}.")
    return redirect("reporting:team-person", staff_number=person.staff_number)


# --- command view -------------------------------------------------------------------------


def _command_scope_or_403(request) -> access.Scope:
    scope = access.command_scope(user=request.user)
    if scope is None:
        raise PermissionDenied(
            "The command view is for senior leaders (Superintendent and above) and for L&D and "
            "compliance administrators."
        )
    return scope


def _command_unit(request, scope, code: str | None):
    if code is None:
        return scope, selectors.command_root(scope=scope)
    unit = OrgUnit.objects.filter(code__iexact=code).first()
    if unit is None or not scope.contains_unit(unit):
        raise Http404("That unit is not in your command.")
    return access.Scope(label=unit.name, unit_path=unit.path), unit


def _breadcrumbs(scope, unit):
    if unit is None:
        return []
    ancestors = [a for a in unit.get_ancestors() if scope.contains_unit(a)]
    return ancestors


@login_required
@require_GET
def command_view(request, code: str | None = None):
    scope = _command_scope_or_403(request)
    unit_scope, unit = _command_unit(request, scope, code)
    today = timezone.localdate()
    # Two passes over the assignments: the matrix (whose column totals are the counts by
    # requirement and the campaigns' progress) and the trend.
    matrix = selectors.unit_matrix(scope=unit_scope, parent=unit, today=today)
    by_requirement = matrix.by_requirement()
    trend = selectors.monthly_trend(scope=unit_scope, today=today)
    campaigns = selectors.campaign_progress(scope=unit_scope, today=today, by_requirement=by_requirement)
    drillable = {row.key for row in matrix.units if unit is None or row.key != unit.path}
    return render(
        request,
        "reporting/command.html",
        {
            "scope": scope,
            "unit": unit,
            "at_top": code is None,
            "breadcrumbs": _breadcrumbs(scope, unit) if code else [],
            "matrix": matrix,
            "drillable": drillable,
            "by_requirement": by_requirement,
            "bar_chart": charts.bar_chart(by_requirement),
            "trend": trend,
            "trend_chart": charts.trend_chart(trend),
            "campaigns": campaigns,
            "today": today,
        },
    )


def matrix_export_rows(matrix: selectors.UnitMatrix):
    header = ["Unit code", "Unit"]
    for _, name in matrix.requirements:
        header += [f"{name}: completed", f"{name}: assigned (not exempt)", f"{name}: rate (%)"]
    header += ["All training: completion rate (%)"]
    rows = []
    for unit, cells in matrix.rows():
        row = [unit.code, unit.label]
        for cell in cells:
            row += [cell.completed, cell.denominator, "" if cell.rate is None else cell.rate] if cell else ["", "", ""]
        row.append("" if unit.rate is None else unit.rate)
        rows.append(row)
    return header, rows


@login_required
@require_GET
def command_export_view(request, fmt: str, code: str | None = None):
    scope = _command_scope_or_403(request)
    unit_scope, unit = _command_unit(request, scope, code)
    matrix = selectors.unit_matrix(scope=unit_scope, parent=unit)
    header, rows = matrix_export_rows(matrix)
    stem = f"command-{unit.code if unit else 'force'}"
    if fmt == "csv":
        return downloads.csv_response(stem=stem, header=header, rows=rows)
    return downloads.xlsx_response(stem=stem, sheets=[("Units by training", header, rows)])
