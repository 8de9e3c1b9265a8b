"""The workforce against the community benchmark: the page and its CSV export."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_GET

from courses import downloads

from .. import presentation
from ..benchmark import Representation, community_shares, declared, representation
from ..forms import CHARACTERISTIC_LABELS, LEVEL_LABELS
from ..perturbation import MAX_NOISE
from ..representation import (
    WORKFORCE_BREAKDOWNS,
)
from ..services import (
    ACTION_EXPORT,
    ACTION_VIEW,
    current_benchmark,
    fairness_access_record,
    workforce_release_page,
    workforce_trend,
)
from ..statistics import LEVELS
from .common import (
    analyst_or_403,
    bad_choices,
    blank,
    export_metadata,
    export_refusal,
    method_text,
    private_render,
    workforce_form,
)


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
    analyst_or_403(request)
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
        return bad_choices(request, "fairness/workforce.html", form, base)
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
        "method": method_text(page.threshold),
        "max_noise": MAX_NOISE,
        "definition": WORKFORCE_DEFINITION,
        "table": workforce_context(page, benchmark, level=level),
        "trend": workforce_trend_context(trend, benchmark, level=level),
        "export_csv": "csv/?" + urlencode(choices),
    }
    return private_render(request, "fairness/workforce.html", context)


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
        return export_refusal(request, form, "/fairness/workforce/")
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
    population = f"Active staff; {blank(page.table.grand_total.count)} people in all (perturbed)."
    if benchmark:
        population += f" Community benchmark: {benchmark.area}. Source: {benchmark.source}"
    metadata = export_metadata(
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
            blank(cell.count),
            blank(rep.workforce_share) if rep else "",
            blank(rep.community_share) if rep else "",
            blank(rep.ratio) if rep else "",
            blank(rep.ratio_low) if rep else "",
            blank(rep.ratio_high) if rep else "",
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
