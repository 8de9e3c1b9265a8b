"""Cohorts in the Wagtail admin (Talent programmes → Cohorts), for whoever may edit content."""

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permissions import register_permission_policy

from compliance.access import Right, RightPolicy
from compliance.people.models import LeadershipLevel, WorkerType
from compliance.talent.models import Cohort, Milestone


class CohortForm(WagtailAdminModelForm):
    worker_types = forms.MultipleChoiceField(
        choices=WorkerType.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every worker type.",
    )  # fmt: skip
    leadership_levels = forms.MultipleChoiceField(
        choices=LeadershipLevel.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every level.",
    )  # fmt: skip


register_permission_policy(
    Cohort, RightPolicy(Cohort, right=Right.EDIT_CONTENT, actions=("add", "change", "delete", "view"))
)


class CohortLinksColumn(Column):
    """Where the cohort is run, and its programme's board report, on the site."""

    def get_value(self, instance):
        return format_html(
            '<a href="{}">Selection<span class="w-sr-only">: {}</span></a> · '
            '<a href="{}">Board report<span class="w-sr-only">: {}</span></a>',
            reverse("talent:panel", args=[instance.pk]),
            instance,
            reverse("talent:report", args=[instance.programme_id]),
            instance.programme.title,
        )


class CohortViewSet(ModelViewSet):
    model = Cohort
    icon = "group"
    menu_label = "Cohorts"
    add_to_admin_menu = False
    list_display = [
        "__str__",
        "starts_on",
        "places",
        "applications_open_on",
        "applications_close_on",
        CohortLinksColumn("links", label="On the site"),
    ]
    list_filter = ["programme"]
    edit_handler = ObjectList(
        [
            FieldPanel("programme"),
            FieldPanel("name"),
            FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
            FieldPanel("places"),
            FieldRowPanel([FieldPanel("applications_open_on"), FieldPanel("applications_close_on")]),
            MultiFieldPanel(
                [
                    FieldPanel("ranks", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("worker_types"),
                    FieldPanel("leadership_levels"),
                    FieldPanel("min_service_years"),
                    FieldPanel("units"),
                ],
                heading="Who may apply (empty means anyone)",
            ),
            FieldPanel("panel"),
        ],
        base_form_class=CohortForm,
    )


register_permission_policy(
    Milestone, RightPolicy(Milestone, right=Right.EDIT_CONTENT, actions=("add", "change", "delete", "view"))
)


class MilestoneViewSet(ModelViewSet):
    model = Milestone
    icon = "date"
    menu_label = "Milestones"
    add_to_admin_menu = False
    list_display = ["title", "cohort", "kind", "on"]
    list_filter = ["kind"]
    form_fields = ["cohort", "title", "kind", "on", "course", "session"]


class TalentAdminGroup(ModelViewSetGroup):
    menu_label = "Talent programmes"
    menu_icon = "group"
    items = (CohortViewSet("talent_cohorts"), MilestoneViewSet("talent_milestones"))


@hooks.register("register_admin_viewset")
def register_talent_viewsets():
    return TalentAdminGroup()
