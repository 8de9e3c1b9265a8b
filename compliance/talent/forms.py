from django import forms

from compliance.talent.models import Declaration
from compliance.talent.services import MAX_TEXT


class ApplyForm(forms.Form):
    statement = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=MAX_TEXT,
        error_messages={
            "required": "Enter your answer",
            "max_length": f"Keep your answer to {MAX_TEXT} characters or fewer",
        },
    )
    declaration = forms.ChoiceField(
        choices=Declaration.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the answers"},
    )

    def __init__(self, *args, question: str, positive_action: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["statement"].label = question
        if not positive_action:
            del self.fields["declaration"]


class NominateForm(forms.Form):
    staff_number = forms.CharField(
        label="Staff number of the person you are nominating",
        max_length=32,
        error_messages={"required": "Enter a staff number"},
    )
    note = forms.CharField(
        label="Why are you nominating them?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_TEXT,
        error_messages={"required": "Say why you are nominating them"},
    )


class SupportForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("support", "Support"), ("decline", "Do not support")],
        error_messages={
            "required": "Choose support or do not support",
            "invalid_choice": "Choose support or do not support",
        },
    )
    note = forms.CharField(required=False, max_length=MAX_TEXT)


class ScoreForm(forms.Form):
    score = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=10,
        error_messages={
            "invalid": "Enter the score as a whole number from 0 to 10",
            "min_value": "Give a score from 0 to 10",
            "max_value": "Give a score from 0 to 10",
        },
    )
    shortlisted = forms.BooleanField(required=False)
    note = forms.CharField(required=False, max_length=MAX_TEXT)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=MAX_TEXT,
        error_messages={
            "required": "Give a reason",
            "max_length": f"Keep the reason to {MAX_TEXT} characters or fewer",
        },
    )
