"""The fairness pages on the site (not the Wagtail admin), for the D&I analyst role only.

Anyone signed in without the role gets 403, anonymous visitors the sign-in page. Every page
view and export is written to the audit trail (who, when, which table) before anything is
sent. Bad parameters get a 400 page that says what is wrong. Every figure comes from this
week's release (`services.fairness_release_page`), perturbed and suppressed.
"""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from compliance.access import user_is_analyst
from courses import downloads

from . import presentation
from .forms import CHARACTERISTIC_LABELS, DEFAULTS, LEVEL_LABELS, FairnessForm
from .selectors import BREAKDOWNS, GROUPINGS, MEASURES, has_broad_groups
from .services import ACTION_EXPORT, ACTION_PUBLISH, ACTION_VIEW, fairness_access_record, fairness_release_page
from .statistics import LEVELS


def _render(request, name: str, context: dict, *, status: int = 200) -> HttpResponse:
    response = render(request, name, context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


def _analyst_or_403(request) -> None:
    if not user_is_analyst(user=request.user):
        raise PermissionDenied("Fairness analytics are for the D&I analyst role only.")


def _selects(choices: dict[str, str]) -> list[tuple]:
    return [
        ("characteristic", "Characteristic", list(CHARACTERISTIC_LABELS.items()), choices["characteristic"]),
        ("measure", "Measure", list(MEASURES.items()), choices["measure"]),
        ("breakdown", "Broken down by", list(BREAKDOWNS.items()), choices["breakdown"]),
        ("grouping", "Groups", list(GROUPINGS.items()), choices["grouping"]),
        ("level", "Confidence", list(LEVEL_LABELS.items()), choices["level"]),
    ]


def _bad_choices(request, form: FairnessForm) -> HttpResponse:
    context = {"errors": form.error_list(), "selects": _selects(DEFAULTS)}
    return _render(request, "fairness/page.html", context, status=400)


def _page_context(page, choices: dict[str, str]) -> dict:
    level = LEVELS[choices["level"]]
    row_labels, column_labels = presentation.labels(page)
    rate_positions = presentation.positions(page.rates, level=level, measure=page.measure, column_labels=column_labels)
    return {
        "page": page,
        "level_label": LEVEL_LABELS[choices["level"]],
        "terms": presentation.describe(page),
        "method": presentation.method_text(page),
        "characteristic_label": CHARACTERISTIC_LABELS[page.characteristic],
        "rate_rows": [(row_labels[r[0].row], r) for r in rate_positions],
        "columns": [column_labels[p.column] for p in rate_positions[0]],
        "category_rows": [(row_labels[r[-1].row], r[-1]) for r in rate_positions],
        "flagged": [
            (row_labels[p.row], column_labels[p.column], p)
            for row in rate_positions
            for p in row
            if p.significant and p.row != presentation.EVERYONE
        ],
    }


@login_required
@require_GET
def fairness_view(request):
    _analyst_or_403(request)
    form = FairnessForm(request.GET)
    if not form.is_valid():
        return _bad_choices(request, form)
    choices = form.choices()
    page = fairness_release_page(**form.table_choices())
    fairness_access_record(user=request.user, source="site", action=ACTION_VIEW, parameters=choices)
    query = "?" + urlencode(choices)
    broad_offer = None
    if page.grouping == "fine" and has_broad_groups(page.characteristic) and presentation.mostly_hidden(page):
        broad_offer = "?" + urlencode({**choices, "grouping": "broad"})
    context = {
        **_page_context(page, choices),
        "selects": _selects(choices),
        "chart": presentation.category_chart(page),
        "broad_offer": broad_offer,
        "export_csv": "csv/" + query,
        "export_xlsx": "xlsx/" + query,
        "publish_html": "publish/" + query,
        "publish_csv": "publish/csv/" + query,
    }
    return _render(request, "fairness/page.html", context)


def _export_refusal(request, form: FairnessForm) -> HttpResponse:
    context = {
        "title": "The export could not be made",
        "message": " ".join(form.error_list()),
        "back": "/fairness/",
    }
    return _render(request, "fairness/error.html", context, status=400)


def _stem(choices: dict[str, str], prefix: str = "fairness") -> str:
    stem = f"{prefix}-{choices['measure']}-{choices['characteristic']}-by-{choices['breakdown']}"
    if choices["grouping"] != "fine":
        stem += f"-{choices['grouping']}"
    return stem.replace("_", "-")


def _audited_release(request, *, action: str, fmt: str):
    """The analyst's choices, the week's protected page and the level, with the access audited;
    or the refusal response for choices that are not valid."""
    _analyst_or_403(request)
    form = FairnessForm(request.GET)
    if not form.is_valid():
        return _export_refusal(request, form)
    choices = form.choices()
    page = fairness_release_page(**form.table_choices())
    fairness_access_record(user=request.user, source="site", action=action, parameters={**choices, "format": fmt})
    return choices, page, LEVELS[choices["level"]]


@login_required
@require_GET
def fairness_export_view(request, fmt: str):
    released = _audited_release(request, action=ACTION_EXPORT, fmt=fmt)
    if isinstance(released, HttpResponse):
        return released
    choices, page, level = released
    header = presentation.EXPORT_HEADER
    if fmt == "csv":
        rows = [row for table in page.tables for row in presentation.export_rows(page, table, level=level)]
        return downloads.csv_response(stem=_stem(choices), header=header, rows=rows)
    sheets = [
        ("People counted", header, presentation.export_rows(page, page.headcount, level=level)),
        (presentation.MEASURES[page.measure], header, presentation.export_rows(page, page.rates, level=level)),
    ]
    return downloads.xlsx_response(stem=_stem(choices), sheets=sheets)


@login_required
@require_GET
def fairness_publish_view(request, fmt: str):
    """The protected tables fit to publish: a plain, accessible HTML page (standing alone, to be
    saved or printed) or a CSV, each with its metadata: when the counts were taken, the
    population, the method and threshold, and what each figure means."""
    released = _audited_release(request, action=ACTION_PUBLISH, fmt=fmt)
    if isinstance(released, HttpResponse):
        return released
    choices, page, level = released
    metadata = presentation.publication_metadata(
        page,
        characteristic_label=CHARACTERISTIC_LABELS[page.characteristic],
        level_label=LEVEL_LABELS[choices["level"]],
        exported_on=timezone.localdate(),
    )
    if fmt == "csv":
        return downloads.csv_response(
            stem=_stem(choices, "fairness-publication"),
            header=["Field", "Value"],
            rows=presentation.publication_csv_rows(page, metadata, level=level),
        )
    context = {**_page_context(page, choices), "metadata": metadata}
    return _render(request, "fairness/publication.html", context)
