"""The in-app notification list (every signed-in user) and a manager's digest preference."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from compliance.people.models import Person

from .models import DigestFrequency
from .selectors import digest_frequency, user_notifications
from .services import digest_preference_set, notification_mark_read


class DigestPreferenceForm(forms.Form):
    frequency = forms.ChoiceField(
        choices=DigestFrequency.choices,
        widget=forms.RadioSelect,
        label="How often do you want your team digest?",
    )


@login_required
@require_safe
def notifications_view(request):
    paginator = Paginator(
        user_notifications(user=request.user)
        .select_related("assignment__requirement")
        .only("pk", "kind", "subject", "sent_at", "read_at", "reflection_prompt_id", "assignment__requirement__name"),
        25,
    )
    page = paginator.get_page(request.GET.get("page"))
    person = Person.objects.filter(user=request.user, direct_reports__isnull=False).distinct().first()
    form = None
    if person is not None:
        preference = getattr(person, "digest_preference", None)
        form = DigestPreferenceForm(initial={"frequency": digest_frequency(preference and preference.frequency)})
    unread = user_notifications(user=request.user).filter(read_at__isnull=True).count()
    return render(
        request,
        "reminders/notifications.html",
        {"page": page, "unread": unread, "digest_form": form},
    )


@login_required
@require_POST
def notification_read_view(request, pk: int):
    if not user_notifications(user=request.user).filter(pk=pk).exists():
        raise Http404("You have no notification with that id.")
    notification_mark_read(user=request.user, notification_id=pk)
    return redirect("reminders:notifications")


@login_required
@require_POST
def notifications_read_all_view(request):
    count = notification_mark_read(user=request.user)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read.")
    return redirect("reminders:notifications")


@login_required
@require_POST
def digest_preference_view(request):
    person = Person.objects.filter(user=request.user, direct_reports__isnull=False).distinct().first()
    form = DigestPreferenceForm(request.POST)
    if person is None or not form.is_valid():
        messages.error(request, "Choose weekly or daily.")
        return redirect("reminders:notifications")
    digest_preference_set(person=person, frequency=form.cleaned_data["frequency"])
    label = DigestFrequency(form.cleaned_data["frequency"]).label.lower()
    messages.success(request, f"You will get your team digest {label}.")
    return redirect("reminders:notifications")
