"""The admin's action pages that go through the services: exemptions granted and revoked,
extensions, completions entered by hand and voided. Each is a form, audited by the service."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from compliance.access import user_is_compliance_admin
from compliance.models import (
    Assignment,
)
from compliance.people.models import Person
from compliance.services.assignments import (
    exemption_grant,
    exemption_revoke,
    extension_grant,
    extension_latest_date,
)
from compliance.services.completions import completion_enter_manually, completion_void_audited
from courses.dates import long_date
from courses.models import Completion, CoursePage

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
        due = long_date(a.effective_due_date)
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
        until = f" until {long_date(e.until)}" if e.until else " for this cycle"
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
        return f"{super().get_description()} The new due date can be at most {long_date(latest)}."

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
