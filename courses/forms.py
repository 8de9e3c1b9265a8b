from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.admin.forms import WagtailAdminModelForm

SCALE = [(str(n), str(n)) for n in range(1, 6)]
MAX_TEXT = 10_000


def _scale(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=SCALE, coerce=int, widget=forms.RadioSelect)


class LongTextField(forms.CharField):
    """Free text from a textarea. Line breaks arrive as CRLF but browsers count them as one
    character against maxlength, so they are normalised before the length is checked."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


class EvaluationForm(forms.Form):
    overall = _scale("Overall, how useful was this course? (1 not at all, 5 very)")
    relevance = _scale("How relevant was it to your role? (1 not at all, 5 very)")
    confidence_before = _scale("Before the course, how confident were you to act on what it covers? (1 low, 5 high)")
    confidence_after = _scale("Now, how confident are you to act on what it covers? (1 low, 5 high)")
    comments = LongTextField(
        label="Anything else you want L&D to know (optional)",
        widget=forms.Textarea,
        required=False,
        max_length=MAX_TEXT,
    )


class ReflectionForm(forms.Form):
    text = LongTextField(label="Your reflection", widget=forms.Textarea, max_length=MAX_TEXT)


class FaceToFaceSessionForm(WagtailAdminModelForm):
    """A session in the admin: its facilitator chosen by name (sign-in name beside), from the
    active accounts (and whoever facilitates it already), by surname."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["facilitator"]
        current = Q(pk=self.instance.facilitator_id) if self.instance.facilitator_id else Q(pk__in=[])
        field.queryset = (
            get_user_model().objects.filter(Q(is_active=True) | current).order_by("last_name", "first_name", "username")
        )
        field.label_from_instance = lambda user: (
            f"{user.get_full_name()} ({user.get_username()})" if user.get_full_name() else user.get_username()
        )
