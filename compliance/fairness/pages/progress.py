"""Progression (promotion, entry into leadership) and programme participation by financial
year: the pages and their CSV exports."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.utils import timezone
from django.views.decorators.http import require_GET

from courses import downloads

from .. import presentation
from ..forms import CHARACTERISTIC_LABELS, LEVEL_LABELS
from ..perturbation import MAX_NOISE
from ..representation import (
    ANY_PROGRAMME,
    PARTICIPATION,
    PROGRESSION_MEASURES,
    RATE_TERMS,
    TALENT,
    TALENT_OUTCOME_MONTHS,
)
from ..services import (
    ACTION_EXPORT,
    ACTION_VIEW,
    fairness_access_record,
    participation_release_page,
    progression_release_page,
    yearly_trend,
)
from ..statistics import LEVELS
from .common import (
    ChoicesForm,
    analyst_or_403,
    bad_choices,
    blank,
    export_metadata,
    export_refusal,
    method_text,
    participation_form,
    private_render,
    progression_form,
)

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


TALENT_DEFINITIONS = {
    False: (
        "Of the people in the workforce at some time in the financial year, the share offered a place on a cohort "
        "of the talent programme running in it (whether or not they later withdrew). Columns: the unit below the "
        "force each person is in now; units of fewer than the threshold together."
    ),
    True: (
        "Of the people who completed a cohort of the talent programme that ended in the financial year, the share "
        f"promoted (a move recorded by HR to a more senior rank or grade, or a higher leadership level) within "
        f"{TALENT_OUTCOME_MONTHS} months of its end: so far, for a cohort that ended less than "
        f"{TALENT_OUTCOME_MONTHS} months ago. Columns: the unit below the force each person is in now; units of "
        "fewer than the threshold together."
    ),
}


def _progress(request, *, kind: str, action: str, fmt: str):
    analyst_or_403(request)
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
    definition = PROGRESSION_DEFINITIONS[page.measure]
    if kind == "participation":
        programme = dict(form.fields["programme"].choices)[choices["programme"]]
        title = f"Taking part in {'any programme' if choices['programme'] == ANY_PROGRAMME else programme}"
        if talent := TALENT.match(choices["programme"]):
            title = programme
            definition = TALENT_DEFINITIONS[bool(talent[2])]
            if talent[2]:
                numerator, denominator = "promoted", "who completed a cohort that ended in the year"
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
        "definition": definition,
        "characteristic_label": CHARACTERISTIC_LABELS[page.characteristic],
        "level_label": LEVEL_LABELS[choices["level"]],
        "method": method_text(page.threshold),
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
        return bad_choices(request, "fairness/progress.html", form, {"section": kind, "kind": kind})
    choices, page, trend = released
    return private_render(request, "fairness/progress.html", _progress_context(kind, form, choices, page, trend))


def _progress_export(request, kind: str):
    form, released = _progress(request, kind=kind, action=ACTION_EXPORT, fmt="csv")
    if released is None:
        return export_refusal(request, form, f"/fairness/{kind}/")
    choices, page, trend = released
    context = _progress_context(kind, form, choices, page, trend)
    level = LEVELS[choices["level"]]
    metadata = export_metadata(
        title=context["title"],
        taken_at=page.taken_at,
        population=f"People {context['denominator']}; {blank(page.rates.grand_total.count)} in all (perturbed).",
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
                            blank(p.cell.count),
                            blank(p.cell.numerator),
                            blank(p.rate),
                            blank(p.overall),
                            blank(p.gap),
                            blank(interval[0]),
                            blank(interval[1]),
                            blank(gap_interval[0]),
                            blank(gap_interval[1]),
                            blank(p.ratio),
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
