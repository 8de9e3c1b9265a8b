"""Registers the compliance screens in the Wagtail admin: requirements (with a rule preview),
people, units, assignments with exemptions and extensions, ranks and grades, functions, manual
completions, the audit trail, the daily jobs' runs, observation rates, the HR file check and
imports. The screens themselves are in the `admin_views` package, the model
viewsets in `viewsets.py` and the menu items in `menus.py`; who may open each is the access
policy's right named here.
"""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from compliance.access import Right, RightPolicy
from compliance.admin_views.actions import (
    ExemptView,
    ExtendView,
    ManualCompletionView,
    RevokeExemptionView,
    VoidCompletionView,
)
from compliance.admin_views.imports import HrFileCheckResultView, HrFileCheckView, ImportJobView, ImportsView
from compliance.admin_views.observations import ObservationRatesReportView
from compliance.audit.models import AuditEvent
from compliance.menus import AdminsOnlyMenuItem, ImportersMenuItem, LDOnlyMenuItem, SuperusersMenuItem
from compliance.models import Assignment, DayRun, Requirement
from compliance.oidc.admin_views import SignInLinksView
from compliance.people.models import Function, OrgUnit, Person, RankOrGrade
from compliance.viewsets import ComplianceGroup

register_permission_policy(
    Requirement, RightPolicy(Requirement, right=Right.ADMINISTER_COMPLIANCE, actions=("add", "change", "view"))
)
register_permission_policy(Person, RightPolicy(Person, right=Right.ADMINISTER_COMPLIANCE), exact_class=True)
register_permission_policy(OrgUnit, RightPolicy(OrgUnit, right=Right.ADMINISTER_COMPLIANCE), exact_class=True)
# L&D receive the escalations of long-overdue training, which link to the assignment.
register_permission_policy(Assignment, RightPolicy(Assignment, right=Right.VIEW_ASSIGNMENTS), exact_class=True)
register_permission_policy(AuditEvent, RightPolicy(AuditEvent, right=Right.READ_AUDIT_TRAIL), exact_class=True)
register_permission_policy(DayRun, RightPolicy(DayRun, right=Right.ADMINISTER_COMPLIANCE), exact_class=True)
register_permission_policy(
    RankOrGrade,
    RightPolicy(RankOrGrade, right=Right.ADMINISTER_COMPLIANCE, actions=("add", "change", "view")),
    exact_class=True,
)
register_permission_policy(
    Function,
    RightPolicy(Function, right=Right.ADMINISTER_COMPLIANCE, actions=("add", "change", "view")),
    exact_class=True,
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


@hooks.register("register_admin_menu_item")
def register_manual_completion_menu_item():
    return AdminsOnlyMenuItem(
        "Enter a completion", reverse("compliance_completion_new"), icon_name="success", order=251
    )


@hooks.register("register_admin_menu_item")
def register_hr_file_check_menu_item():
    return AdminsOnlyMenuItem("Check an HR file", reverse("compliance_hr_check"), icon_name="doc-full", order=252)


@hooks.register("register_admin_urls")
def register_sign_in_links_url():
    return [path("sign-in-links/", SignInLinksView.as_view(), name="compliance_sign_in_links")]


@hooks.register("register_settings_menu_item")
def register_sign_in_links_menu_item():
    return SuperusersMenuItem("Sign-in links", reverse("compliance_sign_in_links"), icon_name="link", order=901)


@hooks.register("register_admin_menu_item")
def register_imports_menu_item():
    return ImportersMenuItem("Imports", reverse("compliance_imports"), icon_name="upload", order=253)


# Manager observations: response rates for L&D, in totals only ----------------------------


@hooks.register("register_admin_urls")
def register_observation_rates_url():
    return [
        path(
            "reports/manager-observations/",
            ObservationRatesReportView.as_view(),
            name="compliance_observation_rates",
        )
    ]


@hooks.register("register_reports_menu_item")
def register_observation_rates_menu_item():
    return LDOnlyMenuItem("Manager observations", reverse("compliance_observation_rates"), icon_name="view", order=710)
