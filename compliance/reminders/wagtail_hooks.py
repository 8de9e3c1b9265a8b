"""Wagtail admin for reminders: the policy (force-wide and per requirement) and the
notification log (who was sent what, when and why, with filters and CSV/Excel export).

Compliance administrators and the L&D lead edit the policy; they and L&D editors read the log.
"""

import django_filters
from django import forms
from django.utils.functional import cached_property
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permissions import register_permission_policy

from compliance.access import Right, RightPolicy
from compliance.models import Requirement

from .models import Reminder, ReminderKind, ReminderPolicy, ReminderStatus
from .selectors import reminder_log

register_permission_policy(
    ReminderPolicy,
    RightPolicy(ReminderPolicy, right=Right.EDIT_REMINDER_POLICY, actions=("add", "change", "delete", "view")),
)
register_permission_policy(
    Reminder, RightPolicy(Reminder, right=Right.READ_NOTIFICATION_LOG, actions=("view",)), exact_class=True
)


class ReminderPolicyForm(WagtailAdminModelForm):
    class Meta:
        model = ReminderPolicy
        fields = [
            "requirement",
            "learner_on_assignment",
            "learner_days_before",
            "learner_on_due_date",
            "learner_days_overdue",
            "escalate_second_line_days",
            "escalate_ld_days",
            "ld_email",
            "digest_enabled",
            "digest_weekday",
            "digest_due_soon_days",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = Requirement.objects.order_by("name")
        self.fields["requirement"].required = False
        for name in ("digest_enabled", "digest_weekday", "digest_due_soon_days"):
            self.fields[name].help_text += " Only the force-wide policy's digest settings are used."

    def clean_requirement(self):
        requirement = self.cleaned_data.get("requirement")
        clash = ReminderPolicy.objects.exclude(pk=self.instance.pk)
        if requirement is None and clash.filter(requirement__isnull=True).exists():
            raise forms.ValidationError("There is already a force-wide policy: edit that one.")
        if requirement is not None and clash.filter(requirement=requirement).exists():
            raise forms.ValidationError("This requirement already has its own policy: edit that one.")
        return requirement


class ReminderPolicyViewSet(ModelViewSet):
    model = ReminderPolicy
    name = "reminders_policy"
    icon = "cog"
    menu_label = "Reminder policy"
    copy_view_enabled = False
    list_display = [
        Column("__str__", label="Policy"),
        "learner_days_before",
        "learner_days_overdue",
        "escalate_second_line_days",
        "escalate_ld_days",
        "updated_at",
    ]
    search_fields = ["requirement__name"]
    search_backend_name = None

    def get_form_class(self, for_update=False):
        return ReminderPolicyForm


class ReminderLogFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(choices=ReminderKind.choices)
    status = django_filters.ChoiceFilter(choices=ReminderStatus.choices)
    planned_on = django_filters.DateFromToRangeFilter(label="Planned on")
    sent_at = django_filters.DateFromToRangeFilter(label="Sent")
    requirement = django_filters.ModelChoiceFilter(
        queryset=Requirement.objects.order_by("name"), field_name="assignment__requirement", label="Requirement"
    )
    recipient = django_filters.CharFilter(
        field_name="recipient_email", lookup_expr="icontains", label="Recipient email contains"
    )
    staff_number = django_filters.CharFilter(field_name="assignment__person__staff_number", label="About staff number")

    class Meta:
        model = Reminder
        fields = ["kind", "status", "planned_on", "sent_at", "requirement", "recipient", "staff_number"]


def _csv_text(value: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (the XLSX needs none:
    Wagtail writes such text as a text cell)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


class ReminderLogIndexView(IndexView):
    """The log, with its CSV and Excel downloads as visible buttons (Wagtail hides them in the
    "Actions" menu) and again above the results, where they follow the filters as they change."""

    results_template_name = "reminders/admin/log_results.html"
    custom_value_preprocess = {**IndexView.custom_value_preprocess, str: {IndexView.FORMAT_CSV: _csv_text}}

    def get_base_queryset(self):
        return reminder_log().order_by("-planned_on", "-pk")

    def get_export_url(self, format):
        # The index URL, even when rendered by the results view (which the filters refresh).
        params = self.request.GET.copy()
        params.pop("p", None)
        params["export"] = format
        return f"{self.index_url}?{params.urlencode()}"

    @cached_property
    def show_export_buttons(self):
        return False  # not in the "Actions" dropdown: shown as header buttons below

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.list_export:
            buttons += [
                HeaderButton("Download CSV", url=self.csv_export_url, icon_name="download", priority=90),
                HeaderButton("Download XLSX", url=self.xlsx_export_url, icon_name="download", priority=100),
            ]
        return buttons


class ReminderLogViewSet(ModelViewSet):
    model = Reminder
    name = "reminders_log"
    icon = "mail"
    menu_label = "Notification log"
    index_view_class = ReminderLogIndexView
    inspect_view_enabled = True
    copy_view_enabled = False
    filterset_class = ReminderLogFilterSet
    search_fields = ["recipient_email", "subject"]
    search_backend_name = None
    form_fields = ["subject"]  # never shown: the policy grants view only
    list_display = [
        "planned_on",
        "kind",
        "recipient_email",
        Column("about_person", label="About", accessor="about_person"),
        Column("item", label="Training", accessor="item"),
        "status",
        "sent_at",
        "reason",
    ]
    # Properties, not dotted paths through the assignment: a digest has none.
    list_export = [
        "pk",
        "planned_on",
        "get_kind_display",
        "get_status_display",
        "recipient_email",
        "recipient_staff_number",
        "about_staff_number",
        "item",
        "due_on",
        "period",
        "subject",
        "reason",
        "skip_reason",
        "attempts",
        "sent_at",
        "last_error",
    ]
    export_headings = {
        "pk": "Id",
        "get_kind_display": "Kind",
        "get_status_display": "Status",
        "recipient_staff_number": "Recipient staff number",
        "about_staff_number": "About staff number",
        "item": "Item",
        "due_on": "Due date",
        "period": "Digest period",
    }
    export_filename = "notification-log"
    inspect_view_fields = [
        "kind",
        "status",
        "recipient_email",
        "recipient_user",
        "assignment",
        "due_on",
        "offset_days",
        "period",
        "planned_on",
        "subject",
        "reason",
        "sent_at",
        "attempts",
        "skip_reason",
        "last_error",
        "read_at",
    ]


class RemindersGroup(ModelViewSetGroup):
    menu_label = "Reminders"
    menu_icon = "mail"
    menu_order = 260
    items = (ReminderLogViewSet, ReminderPolicyViewSet)


@hooks.register("register_admin_viewset")
def register_reminders_viewsets():
    return RemindersGroup()
