"""Site pages: the learner's "My training", asking for more time or an exemption, managers'
decisions, and managers' observations of behaviour change after a course."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from compliance.access import extension_requests_to_decide
from compliance.models import Assignment, AssignmentState, ExemptionDecider, ExtensionRequest, RequestKind
from compliance.observations.models import ObservedChange
from compliance.observations.selectors import (
    observations_for_manager,
    observations_pending_for,
    observations_recorded_for,
)
from compliance.observations.services import MAX_NOTES_LENGTH, observation_record
from compliance.selectors.assignments import assignment_reason, exemption_status, more_time_status, my_training
from compliance.services.assignments import (
    MAX_TEXT,
    exemption_request_create,
    extension_latest_date,
    extension_request_create,
    extension_request_decide,
)


@login_required
@require_safe
def my_training_view(request):
    items = my_training(user=request.user)
    return render(request, "compliance/my_training.html", {"items": items, "today": timezone.localdate()})


class ExtensionRequestForm(forms.Form):
    requested_due_date = forms.DateField(
        label="New date you are asking for",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Enter the date you are asking for", "invalid": "Enter a real date"},
    )
    reason = forms.CharField(
        label="Why do you need more time?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        error_messages={"required": "Say why you need more time"},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def extension_request_view(request, pk: int):
    assignment = get_object_or_404(
        Assignment.objects.select_related("requirement", "person__line_manager"),
        pk=pk,
        person__user=request.user,
        is_current=True,
    )
    if assignment.state != AssignmentState.OPEN:
        raise Http404("This training is not open.")
    form = ExtensionRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            extension_request_create(
                assignment=assignment,
                user=request.user,
                requested_due_date=form.cleaned_data["requested_due_date"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Your request has been sent to your line manager.")
            return redirect("compliance:my-training")
    latest = (
        assignment.extension_requests.filter(kind=RequestKind.MORE_TIME)
        .select_related("decided_by__person")
        .order_by("-requested_at", "-pk")
        .first()
    )
    pending = latest if latest and latest.status == ExtensionRequest.Status.PENDING else None
    manager = assignment.person.line_manager
    return render(
        request,
        "compliance/extension_request.html",
        {
            "assignment": assignment,
            "form": form,
            "pending": pending,
            "latest_status": more_time_status(request=latest, decider=manager.full_name if manager else ""),
            "reason": assignment_reason(assignment=assignment),
            "latest_date": extension_latest_date(assignment=assignment),
        },
    )


def _add_errors(form, exc: ValidationError) -> None:
    for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


class ExemptionRequestForm(forms.Form):
    reason = forms.CharField(
        label="Why should you be exempted?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_TEXT,
        error_messages={
            "required": "Say why you should be exempted",
            "max_length": f"Keep the reason to {MAX_TEXT:,} characters or fewer",
        },
    )
    evidence = forms.CharField(
        label="What evidence can you show? (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_TEXT,
        error_messages={"max_length": f"Keep the evidence to {MAX_TEXT:,} characters or fewer"},
    )
    exempt_until = forms.DateField(
        label="Until when? (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a real date, or leave it empty"},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def exemption_request_view(request, pk: int):
    """A learner asks to be exempted from one of their own open obligations."""
    assignment = get_object_or_404(
        Assignment.objects.select_related("requirement", "person__line_manager"),
        pk=pk,
        person__user=request.user,
        is_current=True,
    )
    if assignment.state != AssignmentState.OPEN:
        raise Http404("This training is not open.")
    by_manager = assignment.requirement.exemption_decided_by == ExemptionDecider.LINE_MANAGER
    manager = assignment.person.line_manager
    decider = (manager.full_name if manager else "") if by_manager else "a compliance administrator"
    form = ExemptionRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            exemption_request_create(
                assignment=assignment,
                user=request.user,
                reason=form.cleaned_data["reason"],
                evidence=form.cleaned_data["evidence"],
                until=form.cleaned_data["exempt_until"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            to = "your line manager" if by_manager and manager else "a compliance administrator"
            messages.success(request, f"Your request to be exempted has been sent to {to}.")
            return redirect("compliance:my-training")
    latest = (
        assignment.extension_requests.filter(kind=RequestKind.EXEMPTION)
        .select_related("decided_by__person")
        .order_by("-requested_at", "-pk")
        .first()
    )
    pending = latest if latest and latest.status == ExtensionRequest.Status.PENDING else None
    return render(
        request,
        "compliance/exemption_request.html",
        {
            "assignment": assignment,
            "form": form,
            "pending": pending,
            "latest_status": exemption_status(request=latest, decider=decider),
            "decided_by_manager": by_manager and manager is not None,
            "reason": assignment_reason(assignment=assignment),
        },
    )


@login_required
@require_safe
def extension_requests_view(request):
    requests = list(extension_requests_to_decide(user=request.user).order_by("requested_at", "pk"))
    return render(
        request,
        "compliance/extension_requests.html",
        {
            "more_time": [r for r in requests if r.kind == RequestKind.MORE_TIME],
            "exemptions": [r for r in requests if r.kind == RequestKind.EXEMPTION],
        },
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("refuse", "Refuse")])
    note = forms.CharField(required=False, max_length=2000)


@login_required
@require_POST
def extension_request_decide_view(request, pk: int):
    extension_request = get_object_or_404(extension_requests_to_decide(user=request.user), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve or refuse.")
        return redirect("compliance:extension-requests")
    try:
        extension_request_decide(
            request=extension_request,
            actor=request.user,
            approve=form.cleaned_data["decision"] == "approve",
            note=form.cleaned_data["note"],
        )
    except PermissionDenied as exc:
        raise PermissionDenied(str(exc)) from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("compliance:extension-requests")
    person = extension_request.assignment.person
    verb = "approved" if form.cleaned_data["decision"] == "approve" else "refused"
    what = " to be exempted" if extension_request.kind == RequestKind.EXEMPTION else ""
    messages.success(request, f"Request from {person.full_name}{what} {verb}.")
    return redirect("compliance:extension-requests")


# Manager observations ---------------------------------------------------------------------


class ObservationForm(forms.Form):
    observed_change = forms.ChoiceField(
        label="What change in their behaviour have you seen since the course?",
        choices=ObservedChange.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what change you have seen",
            "invalid_choice": "Choose one of the answers shown",
        },
    )
    notes = forms.CharField(
        label="What have you seen? (optional)",
        required=False,
        max_length=MAX_NOTES_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "max_length": f"Keep what you write under {MAX_NOTES_LENGTH:,} characters",
            "null_characters_not_allowed": "Remove the null characters from what you wrote",
        },
    )


@login_required
@require_safe
def observations_view(request):
    pending = list(observations_pending_for(user=request.user))
    recorded = observations_recorded_for(user=request.user)
    return render(request, "compliance/observations/list.html", {"pending": pending, "recorded": recorded})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def observation_record_view(request, pk: int):
    """Only the manager the prompt was addressed to, or the learner's line manager now;
    everyone else gets a 404 (not a 403: whether the prompt exists is not theirs to know)."""
    observation = get_object_or_404(
        observations_for_manager(user=request.user).select_related("learner", "course", "completion", "recorded_by"),
        pk=pk,
    )
    if not observation.is_recorded and (
        observation.completion.voided_at is not None or not observation.learner.is_active
    ):
        raise Http404("This observation is no longer needed.")
    form = ObservationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not observation.is_recorded and form.is_valid():
        try:
            observation_record(
                user=request.user,
                observation_id=observation.pk,
                observed_change=form.cleaned_data["observed_change"],
                notes=form.cleaned_data["notes"],
            )
        except PermissionDenied:
            raise Http404("This observation is not yours to record.") from None
        except ValidationError as exc:
            if getattr(exc, "code", None) == "duplicate":
                messages.info(request, exc.messages[0])
                return redirect("compliance:observation-record", pk=observation.pk)
            for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, f"Thank you: your observation of {observation.learner.full_name} is recorded.")
            return redirect("compliance:observations")
    return render(
        request,
        "compliance/observations/record.html",
        {
            "observation": observation,
            "form": form,
            "completed_on": timezone.localdate(observation.completion.completed_at),
        },
    )
