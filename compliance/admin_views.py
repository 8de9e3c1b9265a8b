"""The Wagtail admin's own screens for compliance: the requirement form with its preview,
the index and inspect views, and the action views that go through the services (exemptions,
extensions, completions entered and voided), and the manager observations report (a Wagtail
report). The model viewsets are in `viewsets.py`, the menu items in `menus.py`;
`wagtail_hooks.py` only registers them."""

import datetime

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.views.generic import FormView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic import CreateView, EditView, IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from compliance.access import Right, user_has_right, user_is_compliance_admin
from compliance.audit.models import AuditEvent
from compliance.models import (
    Assignment,
    AssignmentState,
    Exemption,
    ExemptionDecider,
    Extension,
    ExtensionRequest,
    Requirement,
)
from compliance.models.requirements import RULE_FIELDS
from compliance.observations.models import ObservedChange
from compliance.observations.selectors import MIN_ANSWERS_FOR_SHARES, observation_rates_by_course
from compliance.people.models import Function, LeadershipLevel, OrgUnit, Person, RankOrGrade, WorkerType
from compliance.selectors.assignments import assignments_with_status
from compliance.services.assignments import (
    completion_enter_manually,
    completion_void_audited,
    exemption_grant,
    exemption_revoke,
    extension_grant,
    extension_latest_date,
)
from compliance.services.requirements import requirement_save
from compliance.services.sync import requirement_preview
from courses.models import Completion, CoursePage
from courses.reports import SafeReportView


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


class TidyInspectView(InspectView):
    """Empty fields read "Not set" (not "None"), yes/no fields "Yes" or "No", dates "31 December 2026"."""

    def get_context_for_field(self, field_name):
        context = super().get_context_for_field(field_name)
        value = context["value"]
        if value is None or value == "":
            context["value"] = "Not set"
        elif isinstance(value, bool):
            context["value"] = "Yes" if value else "No"
        elif isinstance(value, datetime.datetime):
            context["value"] = date_format(timezone.localtime(value), "j F Y, H:i")
        elif isinstance(value, datetime.date):
            context["value"] = date_format(value, "j F Y")
        return context


class PersonFilterSet(WagtailFilterSet):
    unit = django_filters.ModelChoiceFilter(
        queryset=OrgUnit.objects.order_by("path"), method="in_unit", label="Unit (and below)"
    )
    worker_type = django_filters.ChoiceFilter(choices=WorkerType.choices)
    leadership_level = django_filters.ChoiceFilter(choices=LeadershipLevel.choices)
    is_active = django_filters.BooleanFilter(label="Active")

    class Meta:
        model = Person
        fields = ["unit", "worker_type", "leadership_level", "is_active"]

    def in_unit(self, queryset, name, value):
        return queryset.filter(unit__path__startswith=value.path)


class PersonIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("unit")


class AssignmentFilterSet(WagtailFilterSet):
    requirement = django_filters.ModelChoiceFilter(queryset=Requirement.objects.all())
    state = django_filters.ChoiceFilter(choices=AssignmentState.choices)
    is_current = django_filters.BooleanFilter(label="Current cycle")

    class Meta:
        model = Assignment
        fields = ["requirement", "state", "is_current"]


class AssignmentIndexView(IndexView):
    def get_base_queryset(self):
        return assignments_with_status(super().get_base_queryset().select_related("person", "requirement"))

    def search_queryset(self, queryset):
        if self.search_query:
            q = self.search_query.strip()
            return queryset.filter(
                Q(person__staff_number=q) | Q(person__last_name__icontains=q) | Q(person__first_name__icontains=q)
            )
        return queryset


class AssignmentInspectView(TidyInspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(Assignment.objects.select_related("person", "requirement"), pk=self.pk)

    def get_page_subtitle(self):
        a = self.object
        return f"{a.requirement.name} for {a.person.full_name} ({a.person.staff_number}), cycle {a.cycle}"

    def get_context_data(self, **kwargs):
        # L&D open assignments from escalations; only administrators act on them.
        return {**super().get_context_data(**kwargs), "may_act": user_is_compliance_admin(self.request.user)}


class AuditFilterSet(WagtailFilterSet):
    action = django_filters.CharFilter(lookup_expr="icontains")
    object_type = django_filters.CharFilter()
    object_id = django_filters.CharFilter()
    source = django_filters.CharFilter()
    actor = django_filters.CharFilter(field_name="actor__username", label="Actor username")
    at = django_filters.DateFromToRangeFilter(label="Date")

    class Meta:
        model = AuditEvent
        fields = ["action", "object_type", "object_id", "source", "actor", "at"]


class AuditIndexView(IndexView):
    """Search finds the words in the summary or the action, and everything recorded about a
    person found by staff number or name (their assignments, exemptions, extensions, requests
    for more time and completions), including events written before summaries named people."""

    MAX_PEOPLE = 200

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        term = self.search_query.strip()
        query = Q(summary__icontains=term) | Q(action__icontains=term) | Q(object_id=term)
        words = term.split()
        name_q = Q()
        for word in words:
            name_q &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
        people = list(
            Person.objects.filter(Q(staff_number__iexact=term) | name_q).values_list("pk", "user_id")[: self.MAX_PEOPLE]
        )
        if people:
            person_ids = [pk for pk, _ in people]
            assignments = Assignment.objects.filter(person_id__in=person_ids)
            related = {
                "person": person_ids,
                "assignment": assignments.values_list("pk", flat=True),
                "exemption": Exemption.objects.filter(assignment__in=assignments).values_list("pk", flat=True),
                "extension": Extension.objects.filter(assignment__in=assignments).values_list("pk", flat=True),
                "extensionrequest": ExtensionRequest.objects.filter(assignment__in=assignments).values_list(
                    "pk", flat=True
                ),
                "completion": Completion.objects.filter(user_id__in=[u for _, u in people]).values_list(
                    "pk", flat=True
                ),
            }
            for object_type, ids in related.items():
                query |= Q(object_type=object_type, object_id__in=[str(pk) for pk in ids])
        return queryset.filter(query)


# Forms for the actions that go through services: exemptions, extensions, completions.


class ExemptionForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    until = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Empty: this whole cycle.",
    )


class ExtensionForm(forms.Form):
    new_due_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class ManualCompletionForm(forms.Form):
    staff_number = forms.CharField(max_length=32)
    course = forms.ModelChoiceField(queryset=CoursePage.objects.order_by("title"))
    completed_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    score = forms.DecimalField(required=False, min_value=0, max_value=100, decimal_places=2)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text="What you saw: a register, a certificate..."
    )

    def clean_staff_number(self):
        value = self.cleaned_data["staff_number"].strip()
        person = Person.objects.filter(staff_number=value).first()
        if person is None:
            raise ValidationError(f"Nobody has the staff number {value}.")
        self.person = person
        return value


class VoidForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class AdminActionView(WagtailAdminTemplateMixin, FormView):
    template_name = "compliance/admin/action_form.html"
    header_icon = "tasks"
    submit_label = "Save"

    def dispatch(self, request, *args, **kwargs):
        if not user_is_compliance_admin(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["submit_label"] = self.submit_label
        context["description"] = self.get_description()
        return context

    def get_description(self) -> str:
        return ""

    def run(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            message = self.run(form)
        except ValidationError as exc:
            for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect(self.get_success_url())


class _AssignmentActionView(AdminActionView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.assignment = get_object_or_404(Assignment.objects.select_related("person", "requirement"), pk=kwargs["pk"])

    def get_description(self):
        a = self.assignment
        due = date_format(a.effective_due_date, "j F Y")
        return f"{a.person.full_name} ({a.person.staff_number}): {a.requirement.name}, due {due}."

    def get_success_url(self):
        return reverse("compliance_assignment:inspect", args=[self.assignment.pk])


class ExemptView(_AssignmentActionView):
    form_class = ExemptionForm
    page_title = "Grant an exemption"
    submit_label = "Grant exemption"

    def run(self, form):
        exemption_grant(
            assignment=self.assignment,
            reason=form.cleaned_data["reason"],
            until=form.cleaned_data["until"],
            actor=self.request.user,
        )
        return "Exemption granted."


class RevokeExemptionView(_AssignmentActionView):
    form_class = VoidForm
    page_title = "Revoke the exemption"
    submit_label = "Revoke exemption"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if self.assignment.exemption_id is None:
            raise Http404("This assignment has no exemption.")

    def get_description(self):
        e = self.assignment.exemption
        until = f" until {date_format(e.until, 'j F Y')}" if e.until else " for this cycle"
        return f"{super().get_description()} Exempt{until}: {e.reason}"

    def run(self, form):
        exemption_revoke(
            exemption=self.assignment.exemption, actor=self.request.user, reason=form.cleaned_data["reason"]
        )
        return "Exemption revoked; the training is due again."


class ExtendView(_AssignmentActionView):
    form_class = ExtensionForm
    page_title = "Grant an extension"
    submit_label = "Grant extension"

    def get_description(self):
        latest = extension_latest_date(assignment=self.assignment)
        return f"{super().get_description()} The new due date can be at most {date_format(latest, 'j F Y')}."

    def run(self, form):
        extension_grant(
            assignment=self.assignment,
            new_due_date=form.cleaned_data["new_due_date"],
            reason=form.cleaned_data["reason"],
            actor=self.request.user,
        )
        return "Extension granted."


class ManualCompletionView(AdminActionView):
    form_class = ManualCompletionForm
    page_title = "Enter a completion by hand"
    submit_label = "Record completion"

    def get_description(self):
        return "For training completed elsewhere or on paper. Give the reason and describe the evidence."

    def run(self, form):
        data = form.cleaned_data
        _, created = completion_enter_manually(
            person=form.person,
            course=data["course"],
            completed_on=data["completed_on"],
            score=data["score"],
            reason=data["reason"],
            evidence=data["evidence"],
            actor=self.request.user,
        )
        return "Completion recorded." if created else "That completion was already recorded."

    def get_success_url(self):
        return reverse("compliance_completion_new")


class VoidCompletionView(AdminActionView):
    form_class = VoidForm
    page_title = "Void a completion"
    submit_label = "Void completion"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.completion = get_object_or_404(Completion.objects.select_related("user", "course"), pk=kwargs["pk"])

    def get_description(self):
        c = self.completion
        return f"{c.user} completed {c.course.title} on {c.completed_at:%d/%m/%Y} ({c.get_source_display()})."

    def run(self, form):
        completion_void_audited(completion=self.completion, actor=self.request.user, reason=form.cleaned_data["reason"])
        return "Completion voided; any assignment it satisfied is open again."

    def get_success_url(self):
        return reverse("compliance_audit:index")


# Manager observations: response rates for L&D, in totals only ----------------------------

_OBSERVATION_HEADINGS = {
    "title": "Course",
    "course_code": "Course code",
    "due": "Prompts due",
    "prompted": "Managers emailed",
    "recorded": "Answered",
    "response_rate": "Response rate %",
    "improved_share": "Improved (clearly or some) %",
    # Each answer's share, in the order of ObservedChange (empty below MIN_ANSWERS_FOR_SHARES).
    **{f"shares.{i}.1": f"{choice.label} %" for i, choice in enumerate(ObservedChange)},
}


class ObservationRatesReportView(SafeReportView):
    """For courses that ask line managers what change they have seen: prompts, answers and
    the share of each answer (only from MIN_ANSWERS_FOR_SHARES answers up). No names."""

    page_title = "Manager observations"
    header_icon = "view"
    results_template_name = "compliance/observations/admin_report.html"
    index_url_name = "compliance_observation_rates"
    list_export = list(_OBSERVATION_HEADINGS)
    export_headings = _OBSERVATION_HEADINGS
    export_filename = "manager-observations"
    export_sheet_title = "Manager observations"

    def user_may_view(self, user) -> bool:
        return user_has_right(user=user, right=Right.EDIT_CONTENT)

    def get_queryset(self):
        return observation_rates_by_course()

    def get_report_context(self, context):
        return {"rows": context["object_list"], "min_answers": MIN_ANSWERS_FOR_SHARES}
