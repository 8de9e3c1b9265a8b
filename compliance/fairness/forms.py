"""The fairness page's choices, read from the query string. Anything else (an unknown
parameter, a value that is not one of the choices, a parameter given twice) is an error that
the page states with a 400, never a server error or a silently different table."""

from django import forms

from compliance.equality.models import CHARACTERISTICS

from .selectors import BREAKDOWNS, GROUPINGS, MEASURES
from .statistics import DEFAULT_LEVEL, LEVELS

CHARACTERISTIC_LABELS = {
    "sex": "Sex",
    "ethnicity": "Ethnicity",
    "disability": "Disability",
    "sexual_orientation": "Sexual orientation",
    "religion": "Religion or belief",
    "age_band": "Age band",
}
assert set(CHARACTERISTIC_LABELS) == set(CHARACTERISTICS)
PARAMETERS = ("characteristic", "measure", "breakdown", "grouping", "level")
DEFAULTS = {
    "characteristic": "sex",
    "measure": "completion",
    "breakdown": "unit",
    "grouping": "fine",
    "level": DEFAULT_LEVEL,
}
LEVEL_LABELS = {key: f"{key}%" for key in LEVELS}


class FairnessForm(forms.Form):
    characteristic = forms.ChoiceField(
        label="Characteristic", required=False, choices=list(CHARACTERISTIC_LABELS.items())
    )
    measure = forms.ChoiceField(label="Measure", required=False, choices=list(MEASURES.items()))
    breakdown = forms.ChoiceField(label="Broken down by", required=False, choices=list(BREAKDOWNS.items()))
    grouping = forms.ChoiceField(label="Groups", required=False, choices=list(GROUPINGS.items()))
    level = forms.ChoiceField(label="Confidence", required=False, choices=list(LEVEL_LABELS.items()))

    def __init__(self, data, *, allowed: tuple[str, ...] = PARAMETERS, **kwargs):
        super().__init__(data, **kwargs)
        self.allowed = set(allowed)
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = f"{field.label}: '%(value)s' is not one of the choices."

    def clean(self):
        data = super().clean()
        unknown = sorted(set(self.data.keys()) - self.allowed)
        if unknown:
            raise forms.ValidationError(
                "Unknown parameter(s): %(names)s. Use only: %(allowed)s.",
                params={"names": ", ".join(n[:40] for n in unknown), "allowed": ", ".join(PARAMETERS)},
            )
        getlist = getattr(self.data, "getlist", None)
        if getlist is not None:
            repeated = [name for name in PARAMETERS if len(getlist(name)) > 1]
            if repeated:
                raise forms.ValidationError(f"Give each of {', '.join(repeated)} once.")
        return data

    def choices(self) -> dict[str, str]:
        """The validated choices, defaults filled in (call after `is_valid()`)."""
        return {name: self.cleaned_data.get(name) or DEFAULTS[name] for name in PARAMETERS}

    def table_choices(self) -> dict[str, str]:
        """The choices that pick the table (the confidence level only changes the statistics)."""
        return {k: v for k, v in self.choices().items() if k != "level"}

    def error_list(self) -> list[str]:
        return [message for errors in self.errors.values() for message in errors]
