"""The retention screen of the Wagtail admin: each kind of record with its period and what happens
when it runs out, a form to change a period, what would go tonight (the dry run), the last runs
and a button to apply the rules now. For those who answer data protection requests
(`courses.answer_subject_access`); `retention.py` does the work and the checks."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from courses.privacy import Expiry, Retention, register

from .admin_forms import Breadcrumbs, add_service_errors, done_lines, kind_name, record_name
from .admin_views import _AnswersSubjectAccess
from .models import RetentionRun
from .retention import MAX_MONTHS, Rule, retention_report, retention_rule_set, retention_rules
from .tasks import apply_retention_now


def _records_of(kind: Retention) -> list[tuple[str, str]]:
    """The register entries of this kind by what happens to them: ("Absences, Digest
    preferences", "Deleted"), in the order of `Expiry`."""
    names: dict[Expiry, list[str]] = {}
    for entry in register():
        if entry.retention == kind:
            names.setdefault(entry.expiry, []).append(record_name(entry.model))
    return [(", ".join(names[expiry]), expiry.label) for expiry in Expiry if expiry in names]


def _usual_period(kind: Retention) -> str:
    return Rule(kind, kind.default_months, kind.label, changed=False).period


def _in_words(rule: Rule) -> str:
    if rule.months is None:
        return "kept for ever"
    if rule.months == 0:
        return "removed at the first run after their date"
    return f"kept for {rule.period} after their date"


class RetentionView(_AnswersSubjectAccess, Breadcrumbs, WagtailAdminTemplateMixin, TemplateView):
    page_title = "Retention"
    header_icon = "time"
    template_name = "privacy/admin/retention.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rules = retention_rules()
        context["rules"] = [
            {
                "kind": kind,
                "name": kind_name(kind),
                "rule": rules[kind],
                "usual": _usual_period(kind),
                "records": _records_of(kind),
            }
            for kind in Retention
        ]
        due = [(record_name(item.entry.model), item.entry.expiry.label, count) for item, count in retention_report()]
        context["due"] = [row for row in due if row[2]]
        context["due_total"] = sum(row[2] for row in due)
        context["runs"] = [(run, done_lines(run.counts)) for run in RetentionRun.objects.all()[:10]]
        return context

    def post(self, request, *args, **kwargs):
        apply_retention_now.delay_on_commit(request.user.pk)
        messages.success(
            request,
            "The rules are being applied. The run is listed under The last runs once it has finished: "
            "refresh this page to see it.",
        )
        return redirect("privacy_retention")


class RetentionRuleForm(forms.Form):
    months = forms.IntegerField(
        label="Months to keep them",
        required=False,
        min_value=0,
        max_value=MAX_MONTHS,
        error_messages={
            "invalid": "Give the number of months as a whole number, such as 24.",
            "min_value": f"Give a number of months from 0 to {MAX_MONTHS}, or leave it empty to keep them.",
            "max_value": f"Give a number of months from 0 to {MAX_MONTHS}, or leave it empty to keep them.",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text="Counted from each record's own date (the day the person left, the day a note was written, "
        "the day a message was sent). 0 removes them at the first run after that date; "
        "empty keeps them for ever.",
    )
    reason = forms.CharField(
        label="Why the force keeps them for this period",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep the reason to 500 characters."},
        help_text="The staff privacy notice gives it. Leave it empty, with the usual period, to go back to the "
        "usual rule.",
    )


class RetentionRuleView(_AnswersSubjectAccess, Breadcrumbs, WagtailAdminTemplateMixin, FormView):
    header_icon = "time"
    template_name = "privacy/admin/retention_rule.html"
    form_class = RetentionRuleForm

    def parent_crumbs(self):
        return [(RetentionView.page_title, reverse("privacy_retention"))]

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        try:
            self.kind = Retention(kwargs["kind"])
        except ValueError:
            raise Http404("No such kind of record") from None

    def get_page_title(self):
        return f"Retention of {kind_name(self.kind).lower()}"

    def get_initial(self):
        rule = retention_rules()[self.kind]
        return {"months": rule.months, "reason": rule.reason if rule.changed else ""}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rule = retention_rules()[self.kind]
        context["rule"] = rule
        context["usual"] = self.kind.label
        context["records"] = _records_of(self.kind)
        context["submit_label"] = f"Save the period of {kind_name(self.kind).lower()}"
        return context

    def form_valid(self, form):
        try:
            retention_rule_set(
                retention=self.kind,
                months=form.cleaned_data["months"],
                reason=form.cleaned_data["reason"],
                actor=self.request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        rule = retention_rules()[self.kind]
        messages.success(self.request, f"{kind_name(self.kind)}: {_in_words(rule)}, from tonight's run.")
        return redirect("privacy_retention")
