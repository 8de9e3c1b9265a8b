"""The privacy screens of the Wagtail admin: subject access requests (recorded, answered with the
archive, marked as answered) and the register of personal data with its CSV."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from compliance.access import user_may_answer_subject_access
from compliance.audit.models import AuditEvent
from compliance.people.models import Person
from courses.downloads import csv_response, filename

from .models import AccessRequest
from .selectors import register_rows, subject_record
from .services import access_request_archive, access_request_deliver, access_request_open, access_request_report


class _AnswersSubjectAccess:
    def dispatch(self, request, *args, **kwargs):
        if not user_may_answer_subject_access(user=request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class _StartedFromTheirPage:
    def get_initial(self):
        """The person's staff number when the request was started from their page."""
        return {"staff_number": self.request.GET.get("staff_number", "")[:32]}


class AccessRequestsView(_AnswersSubjectAccess, WagtailAdminTemplateMixin, TemplateView):
    page_title = "Subject access requests"
    header_icon = "user"
    template_name = "privacy/admin/access_requests.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        requests = AccessRequest.objects.select_related("person", "delivered_by").order_by(
            "delivered_on", "due_on", "-pk"
        )
        context["open"] = [r for r in requests if r.delivered_on is None]
        context["answered"] = [r for r in requests if r.delivered_on is not None][:100]
        context["today"] = timezone.localdate()
        return context


class AccessRequestForm(forms.Form):
    staff_number = forms.CharField(max_length=32, help_text="The staff number of the person who asked.")
    received_on = forms.DateField(
        label="Received on",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The deadline is one calendar month from this day.",
    )
    received_how = forms.CharField(
        label="How it was received", max_length=200, help_text="For example 'email to the data protection officer'."
    )
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_staff_number(self):
        value = self.cleaned_data["staff_number"].strip()
        person = Person.objects.filter(staff_number=value).first()
        if person is None:
            raise ValidationError(f"Nobody has the staff number {value}.")
        self.person = person
        return value


class AccessRequestNewView(_AnswersSubjectAccess, _StartedFromTheirPage, WagtailAdminTemplateMixin, FormView):
    page_title = "Record a subject access request"
    header_icon = "user"
    template_name = "compliance/admin/action_form.html"
    form_class = AccessRequestForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["submit_label"] = "Record the request"
        context["description"] = (
            "A person may ask for everything the force holds about them (UK GDPR Article 15). "
            "Record the request the day it arrives: the answer is due within one calendar month."
        )
        return context

    def form_valid(self, form):
        try:
            request = access_request_open(
                person=form.person,
                received_on=form.cleaned_data["received_on"],
                received_how=form.cleaned_data["received_how"],
                note=form.cleaned_data["note"],
                actor=self.request.user,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Request recorded: due by {request.due_on:%d/%m/%Y}.")
        return redirect("privacy_access_request", pk=request.pk)


def latest_archive(request: AccessRequest) -> AuditEvent | None:
    return (
        AuditEvent.objects.filter(
            action="subject_access_archive", object_type="accessrequest", object_id=str(request.pk)
        )
        .order_by("-at", "-pk")
        .first()
    )


class AccessRequestView(_AnswersSubjectAccess, WagtailAdminTemplateMixin, TemplateView):
    header_icon = "user"
    template_name = "privacy/admin/access_request.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.access_request = get_object_or_404(
            AccessRequest.objects.select_related("person", "opened_by", "delivered_by"), pk=kwargs["pk"]
        )

    def get_page_title(self):
        return f"Subject access request from {self.access_request.person.full_name}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["access_request"] = self.access_request
        context["sections"] = subject_record(person=self.access_request.person)
        context["archive"] = latest_archive(self.access_request)
        context["today"] = timezone.localdate()
        return context

    def post(self, request, *args, **kwargs):
        archive = latest_archive(self.access_request)
        try:
            access_request_deliver(
                request=self.access_request,
                actor=request.user,
                archive_sha256=(archive.changes.get("sha256", "") if archive else ""),
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, "Recorded as answered, with the fingerprint of the archive given.")
        return redirect("privacy_access_request", pk=self.access_request.pk)


class AccessRequestArchiveView(_AnswersSubjectAccess, View):
    """A POST: each archive is written to the audit trail."""

    def post(self, request, pk: int):
        access_request = get_object_or_404(AccessRequest.objects.select_related("person"), pk=pk)
        data, _ = access_request_archive(request=access_request, actor=request.user)
        response = HttpResponse(data, content_type="application/zip")
        stem = f"subject-access-{access_request.person.staff_number}"
        response["Content-Disposition"] = f'attachment; filename="{filename(stem, "zip")}"'
        response["Cache-Control"] = "private, no-store"
        return response


class AccessRequestReportView(_AnswersSubjectAccess, View):
    def get(self, request, pk: int):
        access_request = get_object_or_404(AccessRequest.objects.select_related("person"), pk=pk)
        response = HttpResponse(access_request_report(request=access_request, actor=request.user))
        response["Cache-Control"] = "private, no-store"
        return response


class RegisterView(WagtailAdminTemplateMixin, TemplateView):
    """Every administrator may read the register: it holds no personal data, only what is held."""

    page_title = "Personal data register"
    header_icon = "list-ul"
    template_name = "privacy/admin/register.html"

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            header = [
                "Record",
                "What it is",
                "Fields by category",
                "Purpose",
                "Lawful basis",
                "Retention",
                "Then",
                "Seen by",
            ]
            rows = [
                [
                    r.record,
                    r.about,
                    "; ".join(f"{category}: {', '.join(names)}" for category, names in r.fields.items()),
                    r.purpose,
                    r.basis,
                    r.retention,
                    r.then,
                    r.seen_by,
                ]
                for r in register_rows()
            ]
            return csv_response(stem="personal-data-register", header=header, rows=rows)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = register_rows()
        context["csv_url"] = reverse("privacy_register") + "?format=csv"
        return context
