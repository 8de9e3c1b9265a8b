"""Filters for the team and report lists, read from the query string (the force's overdue list
in the admin has a django-filter FilterSet, as Wagtail's reports do).

Anything not understood (an unknown parameter, a unit or requirement that is not in the
viewer's scope, a status or sort that does not exist) is an error the page states, rather
than a filter silently ignored or a server error.
"""

import django_filters
from django import forms
from django_filters.fields import ModelChoiceField
from wagtail.admin.filters import WagtailFilterSet

from compliance.models import Assignment, Requirement
from compliance.people.models import OrgUnit
from compliance.selectors.assignments import Status

from .selectors import REPORT_STATUSES, SORT_LABELS, TeamFilters

TEAM_PARAMETERS = {"direct", "unit", "requirement", "status", "rank", "q", "sort", "page"}


class TeamFilterForm(forms.Form):
    direct = forms.ChoiceField(
        label="Who",
        required=False,
        choices=[("", "Everyone below me in line management"), ("1", "My direct reports only")],
    )
    unit = forms.ChoiceField(label="Unit", required=False)
    requirement = forms.ChoiceField(label="Training", required=False)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status")] + [(s, Status.LABELS[s]) for s in REPORT_STATUSES],
    )
    rank = forms.ChoiceField(label="Rank or grade", required=False)
    q = forms.CharField(label="Name or staff number", required=False, max_length=100, strip=True)
    sort = forms.ChoiceField(label="Sort by", required=False, choices=list(SORT_LABELS.items()))
    page = forms.CharField(required=False, max_length=12)

    def __init__(self, data, *, choices: dict, parameters: set[str] = TEAM_PARAMETERS, **kwargs):
        super().__init__(data, **kwargs)
        self.parameters = parameters
        self.fields["unit"].choices = [("", "Any unit")] + list(choices["units"])
        self.fields["requirement"].choices = [("", "Any training")] + [
            (str(pk), n) for pk, n in choices["requirements"]
        ]
        self.fields["rank"].choices = [("", "Any rank or grade")] + [(r, r) for r in choices["ranks"]]
        for name, field in self.fields.items():
            field.error_messages["invalid_choice"] = f"{field.label or name}: '%(value)s' is not one of the choices."
        for name in set(self.fields) - parameters:
            del self.fields[name]

    def clean(self):
        data = super().clean()
        unknown = sorted(set(self.data.keys()) - self.parameters)
        if unknown:
            raise forms.ValidationError(
                "Unknown filter(s): %(names)s. Use only: %(allowed)s.",
                params={"names": ", ".join(unknown), "allowed": ", ".join(sorted(self.parameters))},
            )
        return data

    def filters(self) -> TeamFilters:
        data = self.cleaned_data
        unit = OrgUnit.objects.filter(code__iexact=data["unit"]).first() if data.get("unit") else None
        requirement = (
            Requirement.objects.filter(pk=int(data["requirement"])).first() if data.get("requirement") else None
        )
        return TeamFilters(
            unit=unit,
            requirement=requirement,
            status=data.get("status") or "",
            rank=data.get("rank") or "",
            search=data.get("q") or "",
            sort=data.get("sort") or "due",
        )

    @property
    def direct_only(self) -> bool:
        return self.is_valid() and self.cleaned_data.get("direct") == "1"

    def error_list(self) -> list[str]:
        messages = []
        for _field, errors in self.errors.items():
            messages.extend(errors)
        return messages


class PageError(Exception):
    """A page number that is not a number, or past the last page."""

    def __init__(self, message: str, *, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def page_number(raw: str | None) -> int:
    if raw in (None, ""):
        return 1
    try:
        number = int(raw)
    except (TypeError, ValueError):
        raise PageError(f"Page '{raw}' is not a page number: use a whole number from 1.") from None
    if number < 1:
        raise PageError(f"Page {number} does not exist: pages start at 1.")
    return number


# --- the force's overdue list in the Wagtail admin ------------------------------------------


class _UnitByCodeField(ModelChoiceField):
    """A unit chosen by its code, in any letter case: the list offers the top levels of the
    tree, and the query string may name any unit."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        unit = OrgUnit.objects.filter(code__iexact=str(value)).first()
        if unit is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return unit


class _UnitFilter(django_filters.ModelChoiceFilter):
    field_class = _UnitByCodeField


class OverdueFilterSet(WagtailFilterSet):
    """The overdue list's filters: one training, and one unit with every unit below it."""

    requirement = django_filters.ModelChoiceFilter(
        label="Training",
        queryset=Requirement.objects.order_by("name"),
        empty_label="Any training",
        error_messages={"invalid_choice": "There is no training with id '%(value)s'."},
    )
    unit = _UnitFilter(
        label="Unit (and the units below it)",
        queryset=OrgUnit.objects.filter(depth__lte=3).order_by("path"),
        to_field_name="code",
        empty_label="The whole force",
        method="in_unit",
        error_messages={"invalid_choice": "There is no unit with the code '%(value)s'."},
    )

    class Meta:
        model = Assignment
        fields = []

    def in_unit(self, queryset, name, value):
        return queryset.filter(person__unit__path__startswith=value.path)
