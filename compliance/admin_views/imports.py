"""The admin's screens for files from HR and other systems: checking an HR file before it is
sent, settling its unknown values in one step, and importing files in the background with a page
that follows each import to its report. `wagtail_hooks.py` only registers them."""

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from compliance.access import (
    HR_FILE_CHECK,
    import_jobs_visible,
    import_kinds_for,
    user_is_compliance_admin,
)
from compliance.admin_views.actions import AdminActionView
from compliance.importing.base import ImportFileError
from compliance.importing.csvfile import parse_mapping
from compliance.importing.jobs import import_job_create, import_job_summary
from compliance.importing.people import import_people
from compliance.models import ImportJob
from compliance.people.models import LeadershipLevel, RankOrGrade
from compliance.people.vocabulary import vocabulary_learn
from courses.conf import lms_setting

# Checking an HR file before it is sent: every unknown value settled in one step ----------------


class HrFileCheckForm(forms.Form):
    file = forms.FileField(
        label="HR people file", help_text="The CSV file the HR system exports (import_people columns)."
    )
    mapping = forms.FileField(
        label="Mapping file (optional)",
        required=False,
        help_text="JSON that renames the file's headings and translates its values (see the README's HR data).",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > lms_setting("IMPORT_MAX_BYTES"):
            raise ValidationError(
                f"The file is {upload.size:,} bytes: the most an import takes is {lms_setting('IMPORT_MAX_BYTES'):,}."
            )
        return upload.read()

    def clean_mapping(self):
        upload = self.cleaned_data.get("mapping")
        if not upload:
            return {}
        try:
            raw = upload.read(1024 * 1024).decode("utf-8-sig")
            parse_mapping(raw, name="mapping file")
            return json.loads(raw) if raw.strip() else {}
        except UnicodeDecodeError:
            raise ValidationError("The mapping file is not UTF-8 text.") from None
        except ImportFileError as error:
            raise ValidationError(str(error)) from None


class HrFileCheckView(AdminActionView):
    """Upload an HR file to see what an import would do, without importing it."""

    form_class = HrFileCheckForm
    page_title = "Check an HR file"
    submit_label = "Check the file"
    header_icon = "doc-full"

    def get_description(self):
        return (
            "Nothing is imported: you see what the HR system's import of this file would do, and "
            "every value the force's lists do not know, which you can settle here in one step."
        )

    def form_valid(self, form):
        # One check kept per administrator: a new one replaces the last, and its file.
        ImportJob.objects.filter(source=HR_FILE_CHECK, requested_by=self.request.user).delete()
        job = ImportJob.objects.create(
            kind=ImportJob.Kind.PEOPLE,
            status=ImportJob.Status.DONE,
            data=form.cleaned_data["file"],
            size=len(form.cleaned_data["file"]),
            mapping=form.cleaned_data["mapping"],
            dry_run=True,
            source=HR_FILE_CHECK,
            requested_by=self.request.user,
        )
        return redirect("compliance_hr_check_result", pk=job.pk)


class HrFileCheckResultView(WagtailAdminTemplateMixin, FormView):
    """The check's report; unknown ranks and grades become other names or new entries, unknown
    functions new functions, all in one step, and the file is checked again."""

    template_name = "compliance/admin/hr_file_check.html"
    page_title = "Check an HR file"
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        if not user_is_compliance_admin(request.user):
            raise PermissionDenied
        self.job = get_object_or_404(ImportJob, pk=kwargs["pk"], source=HR_FILE_CHECK, requested_by=request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        return forms.Form  # the choices are read from the POST below, against the report

    def _report(self):
        try:
            mapping = parse_mapping(self.job.mapping or {})
            return import_people(bytes(self.job.data), mapping=mapping, dry_run=True, source=HR_FILE_CHECK), ""
        except ImportFileError as error:
            return None, str(error)

    def _unknown(self, report) -> tuple[list, list]:
        values = report.unknown_values() if report else {}
        return values.get("rank_or_grade", []), values.get("functions", [])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report, file_error = self._report()
        ranks, functions = self._unknown(report)
        unknown = report.unknown_values() if report else {}
        context.update(
            report=report,
            file_error=file_error,
            errors=report.errors[: lms_setting("IMPORT_ERRORS_LISTED")] if report else [],
            other_unknown={k: v for k, v in unknown.items() if k not in ("rank_or_grade", "functions")},
            unknown_ranks=ranks,
            unknown_functions=functions,
            known_ranks=RankOrGrade.objects.order_by("kind", "seniority", "name"),
            kinds=RankOrGrade.Kind.choices,
            levels=LeadershipLevel.choices,
            new_check_url=reverse("compliance_hr_check"),
        )
        return context

    def post(self, request, *args, **kwargs):
        report, _ = self._report()
        ranks, functions = self._unknown(report)
        by_pk = RankOrGrade.objects.in_bulk()
        aliases, new_ranks, new_functions = {}, [], []
        for index, (value, _rows) in enumerate(ranks):
            choice = request.POST.get(f"rank-{index}", "")
            if choice == "new":
                new_ranks.append(
                    (value, request.POST.get(f"rank-{index}-kind", ""), request.POST.get(f"rank-{index}-level", ""))
                )
            elif choice.startswith("alias:") and choice[6:].isdigit() and int(choice[6:]) in by_pk:
                aliases[value] = by_pk[int(choice[6:])]
        for index, (value, _rows) in enumerate(functions):
            if request.POST.get(f"function-{index}") == "create":
                new_functions.append(value)
        if not (aliases or new_ranks or new_functions):
            messages.error(request, "Choose what at least one unknown value is.")
            return redirect("compliance_hr_check_result", pk=self.job.pk)
        try:
            done = vocabulary_learn(
                rank_aliases=aliases, new_ranks=new_ranks, new_functions=new_functions, actor=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("compliance_hr_check_result", pk=self.job.pk)
        messages.success(request, " ".join(done) + " The file has been checked again below.")
        return redirect("compliance_hr_check_result", pk=self.job.pk)


# Imports in the background, for people ------------------------------------------------------


class ImportForm(HrFileCheckForm):
    field_order = ["kind", "file", "mapping", "dry_run", "skip_invalid"]
    kind = forms.ChoiceField(label="What the file holds", widget=forms.RadioSelect)
    file = forms.FileField(label="CSV file", help_text="As the HR system or the other platform exports it.")
    dry_run = forms.BooleanField(label="Check only: show what the import would do, and change nothing", required=False)
    skip_invalid = forms.BooleanField(
        label="Import the rows that are right, and list the others",
        required=False,
        help_text="Without this, one wrong row stops the whole file and nothing is written.",
    )

    def __init__(self, *args, kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(ImportJob.Kind.choices)
        self.fields["kind"].choices = [(kind, labels[kind]) for kind in kinds]
        if len(kinds) == 1:
            self.fields["kind"].initial = kinds[0]


class ImportsView(WagtailAdminTemplateMixin, FormView):
    """Send a file to be imported, and see the imports made lately, from here and the API."""

    template_name = "compliance/admin/imports.html"
    form_class = ImportForm
    page_title = "Imports"
    header_icon = "upload"
    listed = 25

    def dispatch(self, request, *args, **kwargs):
        self.kinds = import_kinds_for(user=request.user)
        if not self.kinds:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "kinds": self.kinds}

    def get_context_data(self, **kwargs):
        jobs = import_jobs_visible(user=self.request.user).select_related("requested_by")[: self.listed]
        return super().get_context_data(jobs=jobs, listed=self.listed, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        job = import_job_create(
            kind=data["kind"],
            data=data["file"],
            mapping=data["mapping"],
            dry_run=data["dry_run"],
            skip_invalid=data["skip_invalid"],
            user=self.request.user,
            source="admin",
        )
        return redirect("compliance_import_job", pk=job.pk)


class ImportJobView(WagtailAdminTemplateMixin, TemplateView):
    """One import: waiting, running with its progress, or its report. While it runs, the page
    asks for its status (`?status`, JSON) every few seconds and shows it without a reload."""

    template_name = "compliance/admin/import_job.html"
    page_title = "Import"
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        if not import_kinds_for(user=request.user):
            raise PermissionDenied
        self.job = import_jobs_visible(user=request.user).select_related("requested_by").filter(pk=kwargs["pk"]).first()
        if self.job is None:
            raise Http404("No such import.")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if "status" in request.GET:
            summary = import_job_summary(self.job)
            return JsonResponse({key: summary[key] for key in ("status", "progress", "message")})
        return super().get(request, *args, **kwargs)

    def get_page_subtitle(self):
        return f"{self.job.get_kind_display()}, {timezone.localtime(self.job.created_at):%d/%m/%Y %H:%M}"

    def get_context_data(self, **kwargs):
        summary = import_job_summary(self.job)
        report = summary["report"] or {}
        listed = len(report.get("errors", []))
        return super().get_context_data(
            job=self.job,
            summary=summary,
            report=report,
            errors_unlisted=report.get("errors_total", 0) - listed,
            finished=self.job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED),
            imports_url=reverse("compliance_imports"),
            **kwargs,
        )
