"""Registers the compliance screens in the Wagtail admin: requirements (with a rule preview),
people, units, assignments with exemptions and extensions, ranks and grades, functions, manual
completions, the audit trail, the daily jobs' runs, observation rates, the HR file check and
imports. The screens themselves are in `admin_views.py` and `admin_imports.py`; who may open each
is the access policy's right named here. People, units, assignments and the audit trail are
read-only listings, changed only through the services.
"""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permissions import register_permission_policy

from compliance.access import Right, RightPolicy, import_kinds_for, user_has_right, user_is_compliance_admin
from compliance.admin_imports import HrFileCheckResultView, HrFileCheckView, ImportJobView, ImportsView
from compliance.admin_views import (
    AssignmentFilterSet,
    AssignmentIndexView,
    AssignmentInspectView,
    AuditFilterSet,
    AuditIndexView,
    ExemptView,
    ExtendView,
    ManualCompletionView,
    PersonFilterSet,
    PersonIndexView,
    RequirementCreateView,
    RequirementEditView,
    RequirementForm,
    RevokeExemptionView,
    TidyInspectView,
    VoidCompletionView,
    observation_rates_view,
)
from compliance.audit.models import AuditEvent
from compliance.models import Assignment, DayRun, Requirement
from compliance.oidc.admin_views import SignInLinksView
from compliance.people.models import Function, OrgUnit, Person, RankOrGrade
from compliance.selectors.assignments import Status

register_permission_policy(
    Requirement, RightPolicy(Requirement, right=Right.ADMINISTER_COMPLIANCE, actions=("add", "change", "view"))
)
register_permission_policy(Person, RightPolicy(Person, right=Right.ADMINISTER_COMPLIANCE), exact_class=True)
register_permission_policy(OrgUnit, RightPolicy(OrgUnit, right=Right.ADMINISTER_COMPLIANCE), exact_class=True)
# L&D receive the escalations of long-overdue training, which link to the assignment.
register_permission_policy(Assignment, RightPolicy(Assignment, right=Right.VIEW_ASSIGNMENTS), exact_class=True)
register_permission_policy(AuditEvent, RightPolicy(AuditEvent, right=Right.READ_AUDIT_TRAIL), exact_class=True)
register_permission_policy(DayRun, RightPolicy(DayRun, right=Right.ADMINISTER_COMPLIANCE), exact_class=True)
for _vocabulary in (RankOrGrade, Function):
    register_permission_policy(
        _vocabulary,
        RightPolicy(_vocabulary, right=Right.ADMINISTER_COMPLIANCE, actions=("add", "change", "view")),
        exact_class=True,
    )


class RequirementViewSet(ModelViewSet):
    model = Requirement
    name = "compliance_requirement"
    icon = "list-ul"
    menu_label = "Requirements"
    add_view_class = RequirementCreateView
    edit_view_class = RequirementEditView
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = ["name", "trigger", "trigger_days", "recurrence", "active_from", "active_to"]
    list_filter = ["trigger", "recurrence"]
    search_fields = ["name", "description"]
    search_backend_name = None

    def get_form_class(self, for_update=False):
        return RequirementForm


class PersonViewSet(ModelViewSet):
    model = Person
    name = "compliance_person"
    icon = "user"
    menu_label = "People"
    index_view_class = PersonIndexView
    inspect_view_class = TidyInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["staff_number", "first_name", "last_name", "rank_or_grade", "worker_type", "unit", "is_active"]
    filterset_class = PersonFilterSet
    search_fields = ["staff_number", "first_name", "last_name", "email"]
    search_backend_name = None
    form_fields = ["first_name"]  # never shown: the policy grants view only
    inspect_view_fields = [
        "staff_number",
        "first_name",
        "last_name",
        "email",
        "worker_type",
        "rank_or_grade",
        "leadership_level",
        "unit",
        "line_manager",
        "start_date",
        "role_start_date",
        "is_active",
        "end_date",
    ]


class OrgUnitViewSet(ModelViewSet):
    model = OrgUnit
    name = "compliance_unit"
    icon = "group"
    menu_label = "Units"
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = ["name", "code", "kind", "depth"]
    list_filter = ["kind", "depth"]
    search_fields = ["name", "code"]
    search_backend_name = None
    form_fields = ["name"]
    ordering = ["path"]


class AssignmentViewSet(ModelViewSet):
    model = Assignment
    name = "compliance_assignment"
    icon = "tasks"
    menu_label = "Assignments"
    index_view_class = AssignmentIndexView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = [
        "person",
        "requirement",
        "cycle",
        Column("status", label="Status", accessor=lambda a: Status.LABELS.get(a.status, a.status)),
        "due_date",
        "extended_due_date",
        "state",
    ]
    filterset_class = AssignmentFilterSet
    search_fields = ["person__staff_number"]
    search_backend_name = None
    form_fields = ["due_date"]
    inspect_view_class = AssignmentInspectView
    inspect_template_name = "compliance/admin/assignment_inspect.html"
    inspect_view_fields = [
        "person",
        "requirement",
        "cycle",
        "trigger",
        "trigger_date",
        "due_date",
        "extended_due_date",
        "state",
        "satisfied_on",
        "valid_until",
        "exempt_until",
        "withdrawn_reason",
    ]


class AuditEventViewSet(ModelViewSet):
    model = AuditEvent
    name = "compliance_audit"
    icon = "history"
    menu_label = "Audit trail"
    index_view_class = AuditIndexView
    inspect_view_class = TidyInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["at", "action", "object_type", "object_id", "summary", "actor", "source"]
    filterset_class = AuditFilterSet
    search_fields = ["summary", "action", "object_id"]
    search_backend_name = None
    form_fields = ["summary"]
    inspect_view_fields = ["at", "actor", "source", "action", "object_type", "object_id", "summary", "changes"]


class DayRunViewSet(ModelViewSet):
    """Each daily job's run, day by day: whether it finished, and the error if it did not (the
    recovery sweep redoes a lost or failed run the same day)."""

    model = DayRun
    name = "compliance_day_runs"
    icon = "time"
    menu_label = "Daily runs"
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = TidyInspectView
    list_display = ["day", "job", "started_at", "finished_at", "attempts", "last_error"]
    list_filter = ["day", "job"]
    form_fields = ["job"]
    inspect_view_fields = ["job", "day", "started_at", "finished_at", "queued_at", "attempts", "last_error", "result"]


class RankOrGradeViewSet(ModelViewSet):
    """The force's ranks and grades, each with the aliases its HR files use (the import
    matches a name or alias ignoring letter case, spaces, hyphens and underscores)."""

    model = RankOrGrade
    name = "compliance_rank"
    icon = "tag"
    menu_label = "Ranks and grades"
    copy_view_enabled = False
    list_display = ["name", "kind", "leadership_level", "seniority", "aliases"]
    list_filter = ["kind", "leadership_level"]
    search_fields = ["name", "aliases"]
    search_backend_name = None
    form_fields = ["name", "kind", "leadership_level", "seniority", "aliases"]


class FunctionViewSet(ModelViewSet):
    model = Function
    name = "compliance_function"
    icon = "tag"
    menu_label = "Functions"
    copy_view_enabled = False
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    search_backend_name = None
    form_fields = ["name", "code"]


class ComplianceGroup(ModelViewSetGroup):
    menu_label = "Compliance"
    menu_icon = "tasks"
    menu_order = 250
    items = (
        RequirementViewSet,
        AssignmentViewSet,
        PersonViewSet,
        OrgUnitViewSet,
        RankOrGradeViewSet,
        FunctionViewSet,
        AuditEventViewSet,
        DayRunViewSet,
    )


@hooks.register("register_admin_viewset")
def register_compliance_viewsets():
    return ComplianceGroup()


@hooks.register("register_admin_urls")
def register_compliance_action_urls():
    return [
        path("compliance/assignment/<int:pk>/exempt/", ExemptView.as_view(), name="compliance_assignment_exempt"),
        path("compliance/assignment/<int:pk>/extend/", ExtendView.as_view(), name="compliance_assignment_extend"),
        path(
            "compliance/assignment/<int:pk>/revoke-exemption/",
            RevokeExemptionView.as_view(),
            name="compliance_assignment_revoke_exemption",
        ),
        path("compliance/completions/new/", ManualCompletionView.as_view(), name="compliance_completion_new"),
        path("compliance/completions/<int:pk>/void/", VoidCompletionView.as_view(), name="compliance_completion_void"),
        path("compliance/hr-file-check/", HrFileCheckView.as_view(), name="compliance_hr_check"),
        path("compliance/hr-file-check/<int:pk>/", HrFileCheckResultView.as_view(), name="compliance_hr_check_result"),
        path("compliance/imports/", ImportsView.as_view(), name="compliance_imports"),
        path("compliance/imports/<int:pk>/", ImportJobView.as_view(), name="compliance_import_job"),
    ]


class _AdminsOnlyMenuItem(MenuItem):
    def is_shown(self, request):
        return user_is_compliance_admin(request.user)


@hooks.register("register_admin_menu_item")
def register_manual_completion_menu_item():
    return _AdminsOnlyMenuItem(
        "Enter a completion", reverse("compliance_completion_new"), icon_name="success", order=251
    )


@hooks.register("register_admin_menu_item")
def register_hr_file_check_menu_item():
    return _AdminsOnlyMenuItem("Check an HR file", reverse("compliance_hr_check"), icon_name="doc-full", order=252)


@hooks.register("register_admin_urls")
def register_sign_in_links_url():
    return [path("sign-in-links/", SignInLinksView.as_view(), name="compliance_sign_in_links")]


class _SuperusersMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_settings_menu_item")
def register_sign_in_links_menu_item():
    return _SuperusersMenuItem("Sign-in links", reverse("compliance_sign_in_links"), icon_name="link", order=901)


class _ImportersMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(import_kinds_for(user=request.user))


@hooks.register("register_admin_menu_item")
def register_imports_menu_item():
    return _ImportersMenuItem("Imports", reverse("compliance_imports"), icon_name="upload", order=253)


# Manager observations: response rates for L&D, in totals only ----------------------------


@hooks.register("register_admin_urls")
def register_observation_rates_url():
    return [path("reports/manager-observations/", observation_rates_view, name="compliance_observation_rates")]


class _LDOnlyMenuItem(MenuItem):
    def is_shown(self, request):
        return user_has_right(user=request.user, right=Right.EDIT_CONTENT)


@hooks.register("register_reports_menu_item")
def register_observation_rates_menu_item():
    return _LDOnlyMenuItem("Manager observations", reverse("compliance_observation_rates"), icon_name="view", order=710)
