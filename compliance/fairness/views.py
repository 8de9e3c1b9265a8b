"""The fairness pages on the site (not the Wagtail admin), for the D&I analyst role only.

Anyone signed in without the role gets 403, anonymous visitors the sign-in page. Every page
view and export is written to the audit trail (who, when, which table) before anything is
sent. Bad parameters get a 400 page that says what is wrong.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from compliance.access import user_is_analyst
from courses import downloads

from . import presentation
from .forms import CHARACTERISTIC_LABELS, FairnessForm
from .selectors import BREAKDOWNS, MEASURES, fairness_page
from .services import ACTION_EXPORT, ACTION_VIEW, fairness_access_record


def _render(request, name: str, context: dict, *, status: int = 200) -> HttpResponse:
    response = render(request, name, context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


def _analyst_or_403(request) -> None:
    if not user_is_analyst(user=request.user):
        raise PermissionDenied("Fairness analytics are for the D&I analyst role only.")


def _selects(form: FairnessForm, choices: dict[str, str]) -> list[tuple]:
    return [
        ("characteristic", "Characteristic", list(CHARACTERISTIC_LABELS.items()), choices["characteristic"]),
        ("measure", "Measure", list(MEASURES.items()), choices["measure"]),
        ("breakdown", "Broken down by", list(BREAKDOWNS.items()), choices["breakdown"]),
    ]


@login_required
@require_GET
def fairness_view(request):
    _analyst_or_403(request)
    form = FairnessForm(request.GET)
    if not form.is_valid():
        defaults = {"characteristic": "sex", "measure": "completion", "breakdown": "unit"}
        context = {"errors": form.error_list(), "selects": _selects(form, defaults)}
        return _render(request, "fairness/page.html", context, status=400)
    choices = form.choices()
    page = fairness_page(**choices)
    fairness_access_record(user=request.user, source="site", action=ACTION_VIEW, parameters=choices)
    query = "?" + "&".join(f"{k}={v}" for k, v in choices.items())
    row_labels, column_labels = presentation.labels(page)
    context = {
        "selects": _selects(form, choices),
        "page": page,
        "terms": presentation.describe(page),
        "characteristic_label": CHARACTERISTIC_LABELS[page.characteristic],
        "rate_rows": [(row_labels[r[0].row], r) for r in presentation.positions(page.rates)],
        "columns": [column_labels[p.column] for p in presentation.positions(page.rates)[0]],
        "category_rows": [(row_labels[r[-1].row], r[-1]) for r in presentation.positions(page.rates)],
        "chart": presentation.category_chart(page),
        "export_csv": "csv/" + query,
        "export_xlsx": "xlsx/" + query,
    }
    return _render(request, "fairness/page.html", context)


@login_required
@require_GET
def fairness_export_view(request, fmt: str):
    _analyst_or_403(request)
    form = FairnessForm(request.GET)
    if not form.is_valid():
        context = {
            "title": "The export could not be made",
            "message": " ".join(form.error_list()),
            "back": "/fairness/",
        }
        return _render(request, "fairness/error.html", context, status=400)
    choices = form.choices()
    page = fairness_page(**choices)
    fairness_access_record(
        user=request.user, source="site", action=ACTION_EXPORT, parameters={**choices, "format": fmt}
    )
    stem = f"fairness-{choices['measure']}-{choices['characteristic']}-by-{choices['breakdown']}".replace("_", "-")
    header = presentation.EXPORT_HEADER
    if fmt == "csv":
        rows = [row for table in page.tables for row in presentation.export_rows(page, table)]
        return downloads.csv_response(stem=stem, header=header, rows=rows)
    sheets = [
        ("People counted", header, presentation.export_rows(page, page.headcount)),
        (presentation.MEASURES[page.measure], header, presentation.export_rows(page, page.rates)),
    ]
    return downloads.xlsx_response(stem=stem, sheets=sheets)
