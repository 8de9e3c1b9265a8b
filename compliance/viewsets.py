"""The compliance screens' model viewsets in the Wagtail admin: requirements (with a rule
preview), people, units, assignments with exemptions and extensions, ranks and grades,
functions, the audit trail and the daily jobs' runs, grouped under Compliance. People, units,
assignments and the audit trail are read-only listings, changed only through the services.
`wagtail_hooks.py` registers the group."""

from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from compliance.admin_views.listings import (
    AssignmentFilterSet,
    AssignmentIndexView,
    AssignmentInspectView,
    AuditFilterSet,
    AuditIndexView,
    PersonFilterSet,
    PersonIndexView,
    PersonInspectView,
    TidyInspectView,
)
from compliance.admin_views.requirements import RequirementCreateView, RequirementEditView, RequirementForm
from compliance.audit.models import AuditEvent
from compliance.models import Assignment, DayRun, Requirement
from compliance.people.models import Function, OrgUnit, Person, RankOrGrade
from compliance.selectors.assignments import Status


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
    inspect_view_class = PersonInspectView
    inspect_template_name = "compliance/admin/person_inspect.html"
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
