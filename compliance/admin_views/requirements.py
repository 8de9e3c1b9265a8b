"""The requirement editor in the Wagtail admin: the form, and the preview of what a save
would change before it is made."""

from django import forms
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic import CreateView, EditView

from compliance.models import (
    ExemptionDecider,
    Requirement,
)
from compliance.models.requirements import RULE_FIELDS
from compliance.people.models import Function, LeadershipLevel, OrgUnit, RankOrGrade, WorkerType
from compliance.services.requirements import requirement_save
from compliance.services.sync import requirement_preview
from courses.models import CoursePage


def _multi(choices, label, help_text=""):
    return forms.MultipleChoiceField(
        choices=choices, required=False, label=label, help_text=help_text, widget=forms.CheckboxSelectMultiple
    )


class RequirementForm(WagtailAdminModelForm):
    """Audience lists are stored as codes; offer them as choices from the reference tables."""

    courses = forms.ModelMultipleChoiceField(
        queryset=CoursePage.objects.order_by("title"),
        widget=forms.CheckboxSelectMultiple,
        help_text="Completing any one of these satisfies the requirement.",
    )

    class Meta:
        model = Requirement
        fields = [
            "name",
            "description",
            "courses",
            *RULE_FIELDS,
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ranks = [(r, r) for r in RankOrGrade.objects.order_by("kind", "seniority").values_list("name", flat=True)]
        functions = list(Function.objects.values_list("code", "name"))
        units = [
            (code, f"{name} ({code})") for code, name in OrgUnit.objects.order_by("path").values_list("code", "name")
        ]
        for prefix, word in (("include", "Only"), ("exclude", "Except")):
            self.fields[f"{prefix}_worker_types"] = _multi(WorkerType.choices, f"{word} these worker types")
            self.fields[f"{prefix}_leadership_levels"] = _multi(
                LeadershipLevel.choices, f"{word} these leadership levels"
            )
            self.fields[f"{prefix}_ranks"] = _multi(ranks, f"{word} these ranks or grades")
            self.fields[f"{prefix}_functions"] = _multi(functions, f"{word} people with these functions")
            self.fields[f"{prefix}_units"] = forms.MultipleChoiceField(
                choices=units,
                required=False,
                label=f"{word} these units (and everything below them)",
                widget=forms.SelectMultiple(attrs={"size": 8}),
            )
        self.fields["trigger_function"] = forms.ChoiceField(
            choices=[("", "---------"), *functions], required=False, label="Trigger function"
        )
        # Who decides a learner's request to be exempted: compliance administrators unless chosen.
        self.fields["exemption_decided_by"].required = False
        for name in ("fixed_due_date", "triggered_on_or_after", "started_on_or_after", "active_from", "active_to"):
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        if self.instance.pk:
            self.initial["courses"] = list(self.instance.courses.values_list("pk", flat=True))
        else:
            self.initial.setdefault("active_from", timezone.localdate())

    def clean_exemption_decided_by(self):
        return self.cleaned_data.get("exemption_decided_by") or ExemptionDecider.COMPLIANCE_ADMIN

    def save(self, commit=True):
        # Saving goes through requirement_save (audit and resync); see the views.
        return super().save(commit=commit)


class _RequirementPreviewMixin:
    """A "Preview who this catches" button: validate, compute, show, save nothing."""

    def post(self, request, *args, **kwargs):
        if not request.POST.get("preview"):
            return super().post(request, *args, **kwargs)
        editing = isinstance(self, EditView)
        if getattr(self, "object", None) is None:
            # The edit view needs the saved requirement (for its header, links and the
            # comparison with today's assignments); the create view has none.
            self.object = self.get_object() if editing else None
        form = self.get_form()
        preview = None
        if form.is_valid():
            course_ids = [c.pk for c in form.cleaned_data["courses"]]
            preview = requirement_preview(requirement=form.instance, course_ids=course_ids)
        if editing:
            # The form changed the instance in memory: show the saved one in the header.
            self.object = self.get_object()
        context = self.get_context_data(form=form)
        context["preview"] = preview
        return self.render_to_response(context)

    def save_instance(self):
        instance = self.form.save(commit=False)
        return requirement_save(
            requirement=instance,
            course_ids=[c.pk for c in self.form.cleaned_data["courses"]],
            actor=self.request.user,
            source="admin",
        )


class RequirementCreateView(_RequirementPreviewMixin, CreateView):
    template_name = "compliance/admin/requirement_form.html"


class RequirementEditView(_RequirementPreviewMixin, EditView):
    template_name = "compliance/admin/requirement_form.html"
