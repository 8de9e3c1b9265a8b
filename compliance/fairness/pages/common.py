"""What the representation pages share: the analyst-only check, the choices form and its
refusals, the method text and the metadata rows of every export."""

from __future__ import annotations

from types import SimpleNamespace

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from compliance.access import user_is_analyst

from .. import presentation
from ..forms import CHARACTERISTIC_LABELS, LEVEL_LABELS
from ..representation import (
    ANY_PROGRAMME,
    PROGRESSION_MEASURES,
    WORKFORCE_BREAKDOWNS,
    periods_offered,
    programmes,
)
from ..selectors import GROUPINGS
from ..services import (
    release_week,
)
from ..statistics import DEFAULT_LEVEL


def private_render(request, name: str, context: dict, *, status: int = 200) -> HttpResponse:
    response = render(request, name, context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


def analyst_or_403(request) -> None:
    if not user_is_analyst(user=request.user):
        raise PermissionDenied("Fairness analytics are for the D&I analyst role only.")


class ChoicesForm(forms.Form):
    """Choices from the query string, each field optional (`defaults` fills it in): an unknown
    parameter, a value not offered, or a parameter given twice is an error the page states with a
    400. The fields are added by the functions below (some choices depend on the data)."""

    def __init__(self, data, *, defaults: dict[str, str], fields: dict[str, forms.ChoiceField]):
        super().__init__(data)
        self.defaults = defaults
        for name, field in fields.items():
            field.required = False
            field.error_messages["invalid_choice"] = f"{field.label}: '%(value)s' is not one of the choices."
            self.fields[name] = field

    def clean(self):
        data = super().clean()
        unknown = sorted(set(self.data.keys()) - set(self.fields))
        if unknown:
            raise forms.ValidationError(
                "Unknown parameter(s): %(names)s. Use only: %(allowed)s.",
                params={"names": ", ".join(n[:40] for n in unknown), "allowed": ", ".join(self.fields)},
            )
        getlist = getattr(self.data, "getlist", None)
        if getlist is not None:
            repeated = [name for name in self.fields if len(getlist(name)) > 1]
            if repeated:
                raise forms.ValidationError(f"Give each of {', '.join(repeated)} once.")
        return data

    def choices(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or self.defaults[name] for name in self.fields}

    def error_list(self) -> list[str]:
        return [message for errors in self.errors.values() for message in errors]

    def selects(self, current: dict[str, str]) -> list[tuple]:
        return [(name, field.label, list(field.choices), current[name]) for name, field in self.fields.items()]


def _field(label: str, choices) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=list(choices))


def _period_choices(today) -> list[tuple[str, str]]:
    return [(p.key, p.label) for p in periods_offered(release_week(today))]


def workforce_form(data) -> ChoicesForm:
    return ChoicesForm(
        data,
        defaults={"characteristic": "ethnicity", "breakdown": "rank", "grouping": "fine", "level": DEFAULT_LEVEL},
        fields={
            "characteristic": _field("Characteristic", CHARACTERISTIC_LABELS.items()),
            "breakdown": _field("Broken down by", WORKFORCE_BREAKDOWNS.items()),
            "grouping": _field("Groups", GROUPINGS.items()),
            "level": _field("Confidence", LEVEL_LABELS.items()),
        },
    )


def progression_form(data, today) -> ChoicesForm:
    periods = _period_choices(today)
    return ChoicesForm(
        data,
        defaults={
            "characteristic": "ethnicity",
            "measure": "promotion",
            "period": periods[0][0],
            "grouping": "fine",
            "level": DEFAULT_LEVEL,
        },
        fields={
            "characteristic": _field("Characteristic", CHARACTERISTIC_LABELS.items()),
            "measure": _field("Measure", PROGRESSION_MEASURES.items()),
            "period": _field("Financial year", periods),
            "grouping": _field("Groups", GROUPINGS.items()),
            "level": _field("Confidence", LEVEL_LABELS.items()),
        },
    )


def participation_form(data, today) -> ChoicesForm:
    periods = _period_choices(today)
    return ChoicesForm(
        data,
        defaults={
            "characteristic": "ethnicity",
            "programme": ANY_PROGRAMME,
            "period": periods[0][0],
            "grouping": "fine",
            "level": DEFAULT_LEVEL,
        },
        fields={
            "characteristic": _field("Characteristic", CHARACTERISTIC_LABELS.items()),
            "programme": _field("Programme", [(ANY_PROGRAMME, "Any programme"), *programmes()]),
            "period": _field("Financial year", periods),
            "grouping": _field("Groups", GROUPINGS.items()),
            "level": _field("Confidence", LEVEL_LABELS.items()),
        },
    )


def bad_choices(request, template: str, form: ChoicesForm, base: dict) -> HttpResponse:
    context = {**base, "errors": form.error_list(), "selects": form.selects(form.defaults)}
    return private_render(request, template, context, status=400)


def export_refusal(request, form: ChoicesForm, back: str) -> HttpResponse:
    context = {"title": "The export could not be made", "message": " ".join(form.error_list()), "back": back}
    return private_render(request, "fairness/error.html", context, status=400)


def method_text(threshold: int) -> str:
    """The training tables' method, with what is refused here: columns, not training."""
    text = presentation.method_text(SimpleNamespace(threshold=threshold))
    return text.replace(
        f"Training whose people differ by fewer than {threshold} from another population in these tables is left out.",
        f"In the workforce view a column whose people differ by fewer than {threshold} from a column of another "
        "breakdown (worker type, leadership level, rank or grade, unit, in that order) is left out.",
    )


def export_metadata(
    *, title: str, taken_at, population: str, definition: str, threshold: int, level_label: str, refused
):
    taken = taken_at.astimezone().strftime("%d %B %Y %H:%M") if taken_at else "now"
    rows = [
        ("Title", title),
        ("Counts taken", taken),
        ("Exported", timezone.localdate().strftime("%d %B %Y")),
        ("Population", population),
        ("Definition", definition),
        ("Threshold", f"{threshold} people"),
        ("Method", method_text(threshold)),
        ("Confidence level", level_label),
    ]
    rows.extend(("Left out", f"{label}: {reason}") for label, reason in refused)
    return rows


def blank(value):
    return "" if value is None else value
