"""The representation and progression pages (workforce against the community benchmark,
promotion and leadership entry, programme participation) with their CSV exports, and the page
that loads the community benchmark: for the D&I analyst role only, audited like the training
tables. Every figure comes from a weekly release, perturbed and suppressed.
"""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from compliance.access import user_is_analyst
from compliance.equality.models import CHARACTERISTICS
from courses import downloads

from . import presentation
from .benchmark import COLUMNS as BENCHMARK_COLUMNS
from .benchmark import Representation, community_shares, declared, parse_benchmark, representation
from .forms import CHARACTERISTIC_LABELS, LEVEL_LABELS
from .perturbation import MAX_NOISE
from .representation import (
    ANY_PROGRAMME,
    PARTICIPATION,
    PROGRESSION_MEASURES,
    RATE_TERMS,
    WORKFORCE_BREAKDOWNS,
    periods_offered,
    programmes,
)
from .selectors import GROUPINGS
from .services import (
    ACTION_EXPORT,
    ACTION_VIEW,
    benchmark_load,
    current_benchmark,
    fairness_access_record,
    participation_release_page,
    progression_release_page,
    release_week,
    workforce_release_page,
    workforce_trend,
    yearly_trend,
)
from .statistics import DEFAULT_LEVEL, LEVELS


def _render(request, name: str, context: dict, *, status: int = 200) -> HttpResponse:
    response = render(request, name, context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


def _analyst_or_403(request) -> None:
    if not user_is_analyst(user=request.user):
        raise PermissionDenied("Fairness analytics are for the D&I analyst role only.")


# --- the choices -----------------------------------------------------------------------------------


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


# --- the workforce against the community --------------------------------------------------------


def workforce_context(page, benchmark, *, level: float) -> dict:
    """Rows of (label, [cell text...], total, representation) and the representation table."""
    table = page.table
    shares = community_shares(benchmark.shares, page.characteristic, page.grouping) if benchmark else {}
    given = [i for i, (key, _) in enumerate(page.categories) if key in shares]
    declared_total = declared([table.row_totals[i].count for i in given])
    declared_columns = [declared([table.cells[i][j].count for i in given]) for j in range(len(table.columns))]
    rows = []
    for i, (key, label) in enumerate(page.categories):
        community = shares.get(key)
        cells = []
        for j, cell in enumerate(table.cells[i]):
            rep = (
                representation(count=cell.count, declared=declared_columns[j], community=community, level=level)
                if community is not None
                else None
            )
            cells.append((cell, rep))
        total = table.row_totals[i]
        rep = (
            representation(count=total.count, declared=declared_total, community=community, level=level)
            if community is not None
            else None
        )
        rows.append({"key": key, "label": label, "cells": cells, "total": total, "representation": rep})
    everyone = {"cells": list(table.column_totals), "total": table.grand_total}
    return {
        "rows": rows,
        "everyone": everyone,
        "columns": [label for _, label in page.columns],
        "benchmarked": bool(shares),
        "declared_total": declared_total,
    }


def workforce_trend_context(trend, benchmark, *, level: float) -> dict:
    """Each week's release: every category's published total and its representation."""
    if not trend:
        return {"weeks": [], "rows": []}
    first = trend[0][1]
    shares = community_shares(benchmark.shares, first.characteristic, first.grouping) if benchmark else {}
    rows = []
    for key, label in first.categories:
        values = []
        for _, page in trend:
            table = page.table
            i = table.rows.index(key)
            total = declared([table.row_totals[table.rows.index(k)].count for k in shares])
            count = table.row_totals[i].count
            rep = representation(count=count, declared=total, community=shares.get(key), level=level)
            values.append((table.row_totals[i], rep if key in shares else None))
        rows.append((label, values))
    return {"weeks": [week for week, _ in trend], "rows": rows}


def _bad_choices(request, template: str, form: ChoicesForm, base: dict) -> HttpResponse:
    context = {**base, "errors": form.error_list(), "selects": form.selects(form.defaults)}
    return _render(request, template, context, status=400)


def _export_refusal(request, form: ChoicesForm, back: str) -> HttpResponse:
    context = {"title": "The export could not be made", "message": " ".join(form.error_list()), "back": back}
    return _render(request, "fairness/error.html", context, status=400)


def _method(threshold: int) -> str:
    """The training tables' method, with what is refused here: columns, not training."""
    text = presentation.method_text(SimpleNamespace(threshold=threshold))
    return text.replace(
        f"Training whose people differ by fewer than {threshold} from another population in these tables is left out.",
        f"In the workforce view a column whose people differ by fewer than {threshold} from a column of another "
        "breakdown (worker type, leadership level, rank or grade, unit, in that order) is left out.",
    )


WORKFORCE_DEFINITION = (
    "Active people on the HR record, by the characteristic and by their worker type, leadership level, rank or "
    "grade, or the unit below the force they work in. Workforce share: a group's people as a share of the people in "
    "the categories the benchmark gives (so 'Prefer not to say' and 'Not recorded' are left out), shown when all "
    "of those are published. Community share: the group's share of the benchmark's population, over the same "
    "categories. Representation ratio: workforce share over community "
    "share (1 is proportionate); its interval is the Wilson interval of the workforce share over the community share. "
    "Columns whose people differ from a column of another breakdown by fewer than the threshold are left out."
)


def _workforce(request, *, action: str, fmt: str):
    _analyst_or_403(request)
    form = workforce_form(request.GET)
    if not form.is_valid():
        return form, None
    choices = form.choices()
    page = workforce_release_page(
        characteristic=choices["characteristic"], breakdown=choices["breakdown"], grouping=choices["grouping"]
    )
    parameters = {"measure": "workforce", **choices}
    if action == ACTION_EXPORT:
        parameters["format"] = fmt
    fairness_access_record(user=request.user, source="site", action=action, parameters=parameters)
    return form, (choices, page)


@login_required
@require_GET
def workforce_view(request):
    form, released = _workforce(request, action=ACTION_VIEW, fmt="html")
    base = {"section": "workforce"}
    if released is None:
        return _bad_choices(request, "fairness/workforce.html", form, base)
    choices, page = released
    level = LEVELS[choices["level"]]
    benchmark = current_benchmark()
    trend = workforce_trend(
        characteristic=choices["characteristic"], breakdown=choices["breakdown"], grouping=choices["grouping"]
    )
    context = {
        **base,
        "page": page,
        "benchmark": benchmark,
        "selects": form.selects(choices),
        "characteristic_label": CHARACTERISTIC_LABELS[page.characteristic],
        "breakdown_label": WORKFORCE_BREAKDOWNS[page.breakdown],
        "level_label": LEVEL_LABELS[choices["level"]],
        "method": _method(page.threshold),
        "max_noise": MAX_NOISE,
        "definition": WORKFORCE_DEFINITION,
        "table": workforce_context(page, benchmark, level=level),
        "trend": workforce_trend_context(trend, benchmark, level=level),
        "export_csv": "csv/?" + urlencode(choices),
    }
    return _render(request, "fairness/workforce.html", context)


def _metadata(*, title: str, taken_at, population: str, definition: str, threshold: int, level_label: str, refused):
    taken = taken_at.astimezone().strftime("%d %B %Y %H:%M") if taken_at else "now"
    rows = [
        ("Title", title),
        ("Counts taken", taken),
        ("Exported", timezone.localdate().strftime("%d %B %Y")),
        ("Population", population),
        ("Definition", definition),
        ("Threshold", f"{threshold} people"),
        ("Method", _method(threshold)),
        ("Confidence level", level_label),
    ]
    rows.extend(("Left out", f"{label}: {reason}") for label, reason in refused)
    return rows


def _blank(value):
    return "" if value is None else value


WORKFORCE_HEADER = [
    "Table",
    "Characteristic",
    "Category",
    "Breakdown",
    "Column",
    "People",
    "Workforce share (%)",
    "Community share (%)",
    "Representation ratio",
    "Ratio interval low",
    "Ratio interval high",
    "Perturbed",
    "Hidden",
]


@login_required
@require_GET
def workforce_export_view(request):
    form, released = _workforce(request, action=ACTION_EXPORT, fmt="csv")
    if released is None:
        return _export_refusal(request, form, "/fairness/workforce/")
    choices, page = released
    level = LEVELS[choices["level"]]
    benchmark = current_benchmark()
    context = workforce_context(page, benchmark, level=level)
    trend = workforce_trend_context(
        workforce_trend(
            characteristic=choices["characteristic"], breakdown=choices["breakdown"], grouping=choices["grouping"]
        ),
        benchmark,
        level=level,
    )
    breakdown = WORKFORCE_BREAKDOWNS[page.breakdown]
    characteristic = CHARACTERISTIC_LABELS[page.characteristic]
    title = f"Workforce by {characteristic.lower()} and {breakdown.lower()}"
    population = f"Active staff; {_blank(page.table.grand_total.count)} people in all (perturbed)."
    if benchmark:
        population += f" Community benchmark: {benchmark.area}. Source: {benchmark.source}"
    metadata = _metadata(
        title=title,
        taken_at=page.taken_at,
        population=population,
        definition=WORKFORCE_DEFINITION,
        threshold=page.threshold,
        level_label=LEVEL_LABELS[choices["level"]],
        refused=page.refused,
    )
    hidden = presentation.reason_text("hidden", page.threshold)

    def line(table_title, category, column, cell, rep: Representation | None):
        return [
            table_title,
            characteristic,
            category,
            breakdown,
            column,
            _blank(cell.count),
            _blank(rep.workforce_share) if rep else "",
            _blank(rep.community_share) if rep else "",
            _blank(rep.ratio) if rep else "",
            _blank(rep.ratio_low) if rep else "",
            _blank(rep.ratio_high) if rep else "",
            "" if cell.suppressed else "yes",
            hidden if cell.suppressed else "",
        ]

    def rows():
        yield from ([field, value] for field, value in metadata)
        yield []
        yield WORKFORCE_HEADER
        for row in context["rows"]:
            for column, (cell, rep) in zip(context["columns"], row["cells"], strict=True):
                yield line(title, row["label"], column, cell, rep)
            yield line(title, row["label"], "All", row["total"], row["representation"])
        for column, cell in zip(context["columns"], context["everyone"]["cells"], strict=True):
            yield line(title, "Everyone", column, cell, None)
        yield line(title, "Everyone", "All", context["everyone"]["total"], None)
        for label, values in trend["rows"]:  # the trend: one row per category and week
            for when, (cell, rep) in zip(trend["weeks"], values, strict=True):
                yield line(f"Trend: week of {when:%d %B %Y}", label, "All", cell, rep)

    return downloads.csv_response(
        stem=f"fairness-workforce-{page.characteristic}-by-{page.breakdown}".replace("_", "-"),
        header=["Field", "Value"],
        rows=rows(),
    )


# --- progression and participation --------------------------------------------------------------


PROGRESSION_DEFINITIONS = {
    "promotion": (
        "Of the people in post at the start of the financial year (joined before it and not left before it), the "
        "share promoted in it: a move recorded by HR to a more senior rank or grade (by the ranks and grades "
        "table), or to a higher leadership level. Columns: the leadership level held at the start of the year."
    ),
    "leadership_entry": (
        "Of the people in post at the start of the financial year below senior leader, the share who entered a "
        "higher leadership level in it (first line, middle or senior leader). Columns: the level at the start of "
        "the year."
    ),
    PARTICIPATION: (
        "Of the people in the workforce at some time in the financial year, the share with a completion (not "
        "voided) of a course of the programme (any programme of the catalogue, for 'Any programme') dated in it. "
        "Columns: the unit below the force each person is in now; units of fewer than the threshold together."
    ),
}


def _progress(request, *, kind: str, action: str, fmt: str):
    _analyst_or_403(request)
    today = timezone.localdate()
    form = progression_form(request.GET, today) if kind == "progression" else participation_form(request.GET, today)
    if not form.is_valid():
        return form, None
    choices = form.choices()
    common = {"characteristic": choices["characteristic"], "grouping": choices["grouping"]}
    if kind == "progression":

        def page_for(*, period, today):
            return progression_release_page(**common, measure=choices["measure"], period=period, today=today)

        parameters = {**choices, "breakdown": f"level/{choices['period']}"}
    else:

        def page_for(*, period, today):
            return participation_release_page(**common, programme=choices["programme"], period=period, today=today)

        parameters = {**choices, "measure": PARTICIPATION, "breakdown": f"unit/{choices['period']}"}
    if action == ACTION_EXPORT:
        parameters["format"] = fmt
    page = page_for(period=choices["period"], today=today)
    trend = yearly_trend(page_for, today=today)
    fairness_access_record(user=request.user, source="site", action=action, parameters=parameters)
    return form, (choices, page, trend)


def _progress_context(kind: str, form: ChoicesForm, choices: dict, page, trend) -> dict:
    level = LEVELS[choices["level"]]
    rows = {**dict(page.categories), presentation.EVERYONE: presentation.EVERYONE}
    noun = "All levels" if kind == "progression" else "All units"
    columns = {**dict(page.columns), presentation.ALL: noun}
    rate_positions = presentation.positions(page.rates, level=level, measure=page.measure, column_labels=columns)
    numerator, denominator = RATE_TERMS[page.measure]
    measure_label = PROGRESSION_MEASURES.get(page.measure) or "Taking part"
    if kind == "participation":
        programme = dict(form.fields["programme"].choices)[choices["programme"]]
        title = f"Taking part in {'any programme' if choices['programme'] == ANY_PROGRAMME else programme}"
    else:
        title = measure_label
    period = dict(form.fields["period"].choices)[choices["period"]]
    trend_rows = []
    for key, label in page.categories:
        cells = [p.rates.row_totals[p.rates.rows.index(key)] for _, p in trend]
        trend_rows.append((label, [(c, presentation.percent(c.rate)) for c in cells]))
    totals = [p.rates.grand_total for _, p in trend]
    trend_rows.append((presentation.EVERYONE, [(c, presentation.percent(c.rate)) for c in totals]))
    return {
        "section": kind,
        "kind": kind,
        "page": page,
        "title": f"{title} by {CHARACTERISTIC_LABELS[page.characteristic].lower()}, {period}",
        "caption": page.rates.title,
        "period_label": period,
        "numerator": numerator,
        "denominator": denominator,
        "definition": PROGRESSION_DEFINITIONS[page.measure],
        "characteristic_label": CHARACTERISTIC_LABELS[page.characteristic],
        "level_label": LEVEL_LABELS[choices["level"]],
        "method": _method(page.threshold),
        "max_noise": MAX_NOISE,
        "rate_rows": [(rows[r[0].row], r) for r in rate_positions],
        "columns": [columns[p.column] for p in rate_positions[0]],
        "flagged": [
            (rows[p.row], columns[p.column], p)
            for row in rate_positions
            for p in row
            if p.significant and p.row != presentation.EVERYONE
        ],
        "trend_periods": [p.label for p, _ in trend],
        "trend_rows": trend_rows,
        "selects": form.selects(choices),
        "export_csv": "csv/?" + urlencode(choices),
    }


PROGRESS_HEADER = [
    "Table",
    "Characteristic",
    "Category",
    "Column",
    "People",
    "Numerator",
    "Rate (%)",
    "Overall rate (%)",
    "Gap (percentage points)",
    "Rate interval low (%)",
    "Rate interval high (%)",
    "Gap interval low (points)",
    "Gap interval high (points)",
    "Ratio to everyone else",
    "Unlikely to be chance",
    "Perturbed",
    "Hidden",
]


def _progress_page(request, kind: str):
    form, released = _progress(request, kind=kind, action=ACTION_VIEW, fmt="html")
    if released is None:
        return _bad_choices(request, "fairness/progress.html", form, {"section": kind, "kind": kind})
    choices, page, trend = released
    return _render(request, "fairness/progress.html", _progress_context(kind, form, choices, page, trend))


def _progress_export(request, kind: str):
    form, released = _progress(request, kind=kind, action=ACTION_EXPORT, fmt="csv")
    if released is None:
        return _export_refusal(request, form, f"/fairness/{kind}/")
    choices, page, trend = released
    context = _progress_context(kind, form, choices, page, trend)
    level = LEVELS[choices["level"]]
    metadata = _metadata(
        title=context["title"],
        taken_at=page.taken_at,
        population=f"People {context['denominator']}; {_blank(page.rates.grand_total.count)} in all (perturbed).",
        definition=context["definition"],
        threshold=page.threshold,
        level_label=context["level_label"],
        refused=page.refused,
    )
    characteristic = context["characteristic_label"]

    def rows():
        yield from ([field, value] for field, value in metadata)
        yield []
        yield PROGRESS_HEADER
        for period, trend_page in trend:
            row_labels = {**dict(trend_page.categories), presentation.EVERYONE: presentation.EVERYONE}
            column_labels = {**dict(trend_page.columns), presentation.ALL: "All"}
            for table in trend_page.tables:
                positions = presentation.positions(
                    table, level=level, measure=trend_page.measure, column_labels=column_labels
                )
                for row in positions:
                    for p in row:
                        interval, gap_interval = p.interval or (None, None), p.gap_interval or (None, None)
                        yield [
                            f"{table.title}, {period.label}",
                            characteristic,
                            row_labels[p.row],
                            column_labels[p.column],
                            _blank(p.cell.count),
                            _blank(p.cell.numerator),
                            _blank(p.rate),
                            _blank(p.overall),
                            _blank(p.gap),
                            _blank(interval[0]),
                            _blank(interval[1]),
                            _blank(gap_interval[0]),
                            _blank(gap_interval[1]),
                            _blank(p.ratio),
                            ("yes" if p.significant else "no") if p.verdict else "",
                            "" if p.cell.suppressed else "yes",
                            p.reason,
                        ]

    stem = f"fairness-{kind}-{page.characteristic}-{choices['period']}".replace("_", "-")
    return downloads.csv_response(stem=stem, header=["Field", "Value"], rows=rows())


@login_required
@require_GET
def progression_view(request):
    return _progress_page(request, "progression")


@login_required
@require_GET
def progression_export_view(request):
    return _progress_export(request, "progression")


@login_required
@require_GET
def participation_view(request):
    return _progress_page(request, "participation")


@login_required
@require_GET
def participation_export_view(request):
    return _progress_export(request, "participation")


# --- the community benchmark ------------------------------------------------------------------------


class BenchmarkForm(forms.Form):
    area = forms.CharField(label="Area", max_length=200, help_text="For example: the West Midshire Police force area.")
    source = forms.CharField(
        label="Source",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Publisher, table and date, for example: Office for National Statistics, Census 2021, TS021.",
    )
    file = forms.FileField(label="CSV file", help_text="Columns: characteristic, category, share (per cent).")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].error_messages["required"] = "Choose the CSV file of population shares."
        self.fields["file"].error_messages["empty"] = "The file is empty: it needs a header row and at least one share."
        self.fields["area"].error_messages["required"] = "Say which area the shares describe."
        self.fields["source"].error_messages["required"] = "Say where the shares come from."


@login_required
@require_http_methods(["GET", "POST"])
def benchmark_view(request):
    """The current benchmark, and a form to load a new one (all or nothing, audited)."""
    _analyst_or_403(request)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        form = BenchmarkForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read(2 * 1024 * 1024 + 1)
            shares, problems = parse_benchmark(data)
            if not problems:
                benchmark_load(
                    user=request.user,
                    area=form.cleaned_data["area"].strip(),
                    source=form.cleaned_data["source"].strip(),
                    file_name=upload.name or "",
                    shares=shares,
                )
                return redirect("/fairness/benchmark/?loaded=1")
            errors = [str(p) for p in problems[:50]]
            if len(problems) > 50:
                errors.append(f"... and {len(problems) - 50} more.")
        else:
            errors = [
                f"{form.fields[name].label}: {message}"
                for name, messages in form.errors.items()
                for message in messages
            ]
        status = 400
    else:
        form = BenchmarkForm()
    benchmark = current_benchmark()
    shares = []
    if benchmark:
        for characteristic, given in benchmark.shares.items():
            labels = dict(CHARACTERISTIC_LABELS)
            names = {value: str(label) for value, label in CHARACTERISTICS[characteristic].choices}
            shares.append((labels[characteristic], [(names.get(k, k), v) for k, v in given.items()]))
    context = {
        "section": "benchmark",
        "form": form,
        "errors": errors,
        "benchmark": benchmark,
        "shares": shares,
        "loaded": request.GET.get("loaded") == "1" and request.method == "GET",
        "columns": BENCHMARK_COLUMNS,
    }
    return _render(request, "fairness/benchmark.html", context, status=status)
