"""The erasure and restriction screens of the Wagtail admin: the requests (recorded with their
one-month deadline, then decided, and the decision carried out), and the legal holds placed and
lifted from a person's page. For those who answer data protection requests
(`courses.answer_subject_access`); `rights.py` does the work and the checks."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from compliance.people.models import Hold, Person

from .admin_forms import DONE, Breadcrumbs, add_service_errors, done_lines, kind_name, record_name
from .admin_views import AccessRequestForm, _AnswersSubjectAccess, _StartedFromTheirPage
from .models import RightsRequest
from .rights import erasable, hold_lift, hold_place, rights_request_decide, rights_request_open


def _person_page(person_id: int) -> str:
    return reverse("compliance_person:inspect", args=[person_id])


class RightsRequestsView(_AnswersSubjectAccess, Breadcrumbs, WagtailAdminTemplateMixin, TemplateView):
    page_title = "Erasure and restriction requests"
    header_icon = "bin"
    template_name = "privacy/admin/rights_requests.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        requests = RightsRequest.objects.select_related("person", "decided_by")
        context["open"] = requests.filter(decided_on__isnull=True).order_by("due_on", "pk")
        context["decided"] = requests.filter(decided_on__isnull=False).order_by("-decided_on", "-pk")[:100]
        context["today"] = timezone.localdate()
        return context


class RightsRequestForm(AccessRequestForm):
    """The subject access form with the kind of request. What the service checks (the kind, how
    it was received, the date's range) the form leaves to it, so every mistake is said at once;
    the browser is still told those fields are required."""

    kind = forms.ChoiceField(
        label="The person asks for",
        choices=RightsRequest.Kind.choices,
        required=False,
        widget=forms.RadioSelect(attrs={"required": True}),
        help_text="Erasure: the records about them deleted, their free text erased, or anonymised "
        "(UK GDPR Article 17). Restriction: kept, but not used, and no message sent to them (Article 18).",
    )
    received_how = forms.CharField(
        label="How it was received",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"required": True}),
        error_messages={"max_length": "Keep how it was received to 200 characters."},
        help_text="For example 'email to the data protection officer'.",
    )
    field_order = ["kind", "staff_number", "received_on", "received_how", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff_number"].error_messages["required"] = "Enter the staff number of the person who asked."
        self.fields["received_on"].error_messages |= {
            "required": "Enter the day the request was received.",
            "invalid": "Enter the day the request was received as a date, such as 17/06/2026.",
        }
        self.fields["note"].error_messages["max_length"] = "Keep the note to 2000 characters."


class RightsRequestNewView(
    _AnswersSubjectAccess, _StartedFromTheirPage, Breadcrumbs, WagtailAdminTemplateMixin, FormView
):
    page_title = "Record an erasure or restriction request"
    header_icon = "bin"
    template_name = "privacy/admin/form.html"
    form_class = RightsRequestForm

    def parent_crumbs(self):
        return [(RightsRequestsView.page_title, reverse("privacy_rights_requests"))]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["submit_label"] = "Record the request"
        context["description"] = (
            "A person may ask for the records about them to be erased (UK GDPR Article 17) or for their "
            "use to be restricted (Article 18). Record the request the day it arrives: the decision is "
            "due within one calendar month. Nothing is erased or restricted until you decide."
        )
        return context

    def form_valid(self, form):
        try:
            request = rights_request_open(
                person=form.person,
                kind=form.cleaned_data["kind"],
                received_on=form.cleaned_data["received_on"],
                received_how=form.cleaned_data["received_how"],
                note=form.cleaned_data["note"],
                actor=self.request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Request recorded: the decision is due by {request.due_on:%d/%m/%Y}.")
        return redirect("privacy_rights_request", pk=request.pk)


def _erasable_choices(person: Person, today) -> list[tuple[str, str]]:
    """A choice for each kind of record erasure would change for this person, saying what it would do."""
    choices = []
    for kind, entries in erasable(person, today=today).items():
        name = kind_name(kind)
        if len(entries) == 1 and record_name(entries[0][0].model) == name:
            label = f"{name}: {entries[0][1]} {DONE[entries[0][0].expiry]}"
        else:
            done = "; ".join(f"{record_name(entry.model)}: {count} {DONE[entry.expiry]}" for entry, count in entries)
            label = f"{name} ({done})"
        choices.append((kind.value, label))
    return choices


class DecisionForm(forms.Form):
    """What the service checks (an outcome, a ground where one is needed, a reason, what to
    erase) the form leaves to it, so every mistake is said at once; the browser is still told
    which fields are required."""

    outcome = forms.ChoiceField(
        label="Decision",
        choices=RightsRequest.Outcome.choices,
        required=False,
        widget=forms.RadioSelect(attrs={"required": True}),
    )
    kinds = forms.MultipleChoiceField(
        label="What to erase",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each kind of record the person has that erasure would change, with what it does and how many "
        "rows. The audit trail and the figures without names are never erased.",
    )
    ground = forms.ChoiceField(
        label="Lawful ground for what is kept",
        choices=RightsRequest.Ground.choices,
        required=False,
        help_text="Needed when the request is partly granted or refused.",
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "required": True}),
        help_text="What the person will be told, and why.",
    )

    def __init__(self, *args, rights_request: RightsRequest, today, **kwargs):
        super().__init__(*args, **kwargs)
        if rights_request.kind == RightsRequest.Kind.ERASURE:
            self.fields["kinds"].choices = _erasable_choices(rights_request.person, today)
            if rights_request.person.end_date is None or rights_request.person.end_date > today:
                self.fields["kinds"].help_text += (
                    " Their own record is not offered while they serve: it is needed for their training "
                    "(public task) and is anonymised only once they have left the force."
                )
            self.fields["outcome"].help_text = "Granted or partly granted: what is ticked below is erased at once."
        else:
            del self.fields["kinds"]
            self.fields["outcome"].help_text = (
                "Granted or partly granted: a restriction is placed at once. Every record about the person is "
                "kept and no message goes to or about them until it is lifted."
            )


class RightsRequestView(_AnswersSubjectAccess, Breadcrumbs, WagtailAdminTemplateMixin, FormView):
    header_icon = "bin"
    template_name = "privacy/admin/rights_request.html"
    form_class = DecisionForm

    def parent_crumbs(self):
        return [(RightsRequestsView.page_title, reverse("privacy_rights_requests"))]

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.rights_request = get_object_or_404(
            RightsRequest.objects.select_related("person", "opened_by", "decided_by"), pk=kwargs["pk"]
        )
        self.today = timezone.localdate()

    def get_page_title(self):
        return f"{self.rights_request.get_kind_display()} request from {self.rights_request.person.full_name}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "rights_request": self.rights_request, "today": self.today}

    def get_form(self, form_class=None):
        """No form once decided: the page shows the decision instead."""
        return None if self.rights_request.decided_on else super().get_form(form_class)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        r = self.rights_request
        context["rights_request"] = r
        context["today"] = self.today
        context["person_url"] = _person_page(r.person_id)
        context["holds"] = list(Hold.objects.in_force().filter(person_id=r.person_id).order_by("placed_at", "pk"))
        context["legal_hold"] = any(hold.kind == Hold.Kind.LEGAL_HOLD for hold in context["holds"])
        context["done"] = done_lines(r.done)
        context["restricted"] = (
            Hold.objects.filter(pk=r.done["hold"]).first() if isinstance(r.done.get("hold"), int) else None
        )
        return context

    def post(self, request, *args, **kwargs):
        if self.rights_request.decided_on:
            messages.error(request, f"This request was decided on {self.rights_request.decided_on:%d/%m/%Y}.")
            return redirect("privacy_rights_request", pk=self.rights_request.pk)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            decided = rights_request_decide(
                request=self.rights_request,
                outcome=form.cleaned_data["outcome"],
                ground=form.cleaned_data["ground"],
                reason=form.cleaned_data["reason"],
                kinds=form.cleaned_data.get("kinds", []),
                actor=self.request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if decided.outcome == RightsRequest.Outcome.REFUSED:
            said = "Request refused: nothing was changed."
        elif decided.kind == RightsRequest.Kind.RESTRICTION:
            said = f"{decided.get_outcome_display()}: the records about {decided.person.full_name} are restricted."
        else:
            said = f"{decided.get_outcome_display()}: " + ("; ".join(done_lines(decided.done)) or "nothing to erase")
        messages.success(self.request, said)
        return redirect("privacy_rights_request", pk=self.rights_request.pk)


class HoldForm(forms.Form):
    reason = forms.CharField(
        label="Reason for the legal hold",
        max_length=500,
        error_messages={
            "required": "Say why the records are held, such as the case reference.",
            "max_length": "Keep the reason to 500 characters.",
        },
        help_text="Why the records must be kept, such as the case or claim reference.",
    )


class HoldPlaceView(_AnswersSubjectAccess, Breadcrumbs, WagtailAdminTemplateMixin, FormView):
    """/admin/privacy/holds/new/?person=<pk>: the person's page posts here; the form shows again
    here with what was wrong."""

    header_icon = "lock"
    template_name = "privacy/admin/form.html"
    form_class = HoldForm

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        pk = request.GET.get("person", "")
        if not pk.isdigit():
            raise Http404("Which person?")
        self.person = get_object_or_404(Person, pk=int(pk))

    def get_page_title(self):
        return f"Place a legal hold on the records about {self.person.full_name}"

    def parent_crumbs(self):
        return [(self.person.full_name, _person_page(self.person.pk))]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["submit_label"] = f"Place a legal hold on every record about {self.person.full_name}"
        context["description"] = (
            f"While the hold is in force, retention and erasure leave every record about {self.person.full_name} "
            f"({self.person.staff_number}) alone. Lift it from their page once the case is over."
        )
        context["back_url"] = _person_page(self.person.pk)
        context["back_label"] = f"Back to {self.person.full_name}"
        return context

    def form_valid(self, form):
        try:
            hold_place(
                person=self.person,
                kind=Hold.Kind.LEGAL_HOLD,
                reason=form.cleaned_data["reason"],
                actor=self.request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Legal hold placed on the records about {self.person.full_name}.")
        return redirect(_person_page(self.person.pk))


class HoldLiftView(_AnswersSubjectAccess, View):
    """A POST only (a GET is 405): lifting lets retention and erasure reach the records again."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        hold = get_object_or_404(Hold.objects.select_related("person"), pk=pk)
        try:
            hold_lift(hold=hold, actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, f"{hold.get_kind_display()} lifted from the records about {hold.person.full_name}."
            )
        return redirect(_person_page(hold.person_id))
