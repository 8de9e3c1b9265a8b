"""A protected page as the site, the exports and the API show it: only published values, each
hidden one as a reason, never a number. Nothing here sees an unprotected count."""

from dataclasses import dataclass

from compliance.charts import ROW_HEIGHT, WIDTH, Bar

from .disclosure import ProtectedCell, ProtectedTable
from .selectors import BREAKDOWNS, MEASURE_TERMS, MEASURES, RatePage

ALL = "All"
EVERYONE = "Everyone"


def reason_text(reason: str | None, threshold: int) -> str:
    """One marker for every hidden value. Which rule hid it (too few people, or protecting
    another hidden value) is not published: in a small table that alone can give a value away
    (see `compliance.fairness.disclosure`)."""
    if reason is None:
        return ""
    return f"Hidden: fewer than {threshold} people, or to protect another hidden value"


def percent(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


@dataclass(frozen=True)
class Position:
    """One published position of a rate table, ready to show."""

    row: str
    column: str
    cell: ProtectedCell
    threshold: int

    @property
    def hidden(self) -> bool:
        return self.cell.suppressed

    @property
    def reason(self) -> str:
        return reason_text(self.cell.reason, self.threshold)

    @property
    def rate(self) -> float | None:
        return percent(self.cell.rate)

    @property
    def overall(self) -> float | None:
        return percent(self.cell.overall)

    @property
    def gap(self) -> float | None:
        return percent(self.cell.gap)

    def as_dict(self) -> dict:
        c = self.cell
        return {
            "row": self.row,
            "column": self.column,
            "people": c.count,
            "numerator": c.numerator,
            "rate": self.rate,
            "overall": self.overall,
            "gap": self.gap,
            "suppressed": c.suppressed,
        }


def positions(table: ProtectedTable) -> list[list[Position]]:
    """The table as rows of positions: each category's cells then its total ("All"), and a last
    row ("Everyone") of the column totals and the grand total."""
    t = table.threshold
    rows = [
        [Position(r, c, cell, t) for c, cell in zip(table.columns, cells, strict=True)]
        + [Position(r, ALL, table.row_totals[i], t)]
        for i, (r, cells) in enumerate(zip(table.rows, table.cells, strict=True))
    ]
    rows.append(
        [Position(EVERYONE, c, cell, t) for c, cell in zip(table.columns, table.column_totals, strict=True)]
        + [Position(EVERYONE, ALL, table.grand_total, t)]
    )
    return rows


def labels(page: RatePage) -> tuple[dict[str, str], dict[str, str]]:
    rows = {**dict(page.categories), EVERYONE: EVERYONE}
    columns = {**dict(page.columns), ALL: "All units" if page.breakdown == "unit" else "All training"}
    return rows, columns


def describe(page: RatePage) -> dict[str, str]:
    numerator, denominator = MEASURE_TERMS[page.measure]
    return {
        "measure": MEASURES[page.measure],
        "breakdown": BREAKDOWNS[page.breakdown],
        "numerator": numerator,
        "denominator": denominator,
    }


# --- the chart: the rate of each category across every column, against the overall rate ---


def category_chart(page: RatePage) -> dict:
    """Horizontal bars, one per category (its row total), 0-100%, with the overall rate as a
    line. Hidden values are drawn as no bar and say so in the text alternative."""
    table = page.rates
    plot = WIDTH - 70
    bars = []
    for i, (_, label) in enumerate(page.categories):
        cell = table.row_totals[i]
        rate = percent(cell.rate)
        width = 0 if rate is None else plot * rate / 100
        text = reason_text(cell.reason, table.threshold).lower() if cell.suppressed else f"{rate:g}%"
        if rate is None and not cell.suppressed:
            text = "no one"
        bars.append(
            Bar(
                label=label,
                value=rate,
                y_label=i * ROW_HEIGHT + 16,
                y_bar=i * ROW_HEIGHT + 22,
                width=round(width, 1),
                value_text=text,
                x_text=round(width + 6, 1),
            )
        )
    overall = percent(table.grand_total.rate)
    height = max(len(bars), 1) * ROW_HEIGHT + 8
    summary = "; ".join(f"{b.label}: {b.value_text}" for b in bars)
    if overall is not None:
        summary += f". Everyone: {overall:g}%"
    return {
        "width": WIDTH,
        "height": height,
        "bars": bars,
        "bar_height": 18,
        "overall": overall,
        "overall_x": None if overall is None else round(plot * overall / 100, 1),
        "summary": summary,
    }


# --- exports ---------------------------------------------------------------------------------

EXPORT_HEADER = [
    "Table",
    "Characteristic",
    "Category",
    "Breakdown",
    "Column",
    "People",
    "Numerator",
    "Rate (%)",
    "Overall rate (%)",
    "Gap (percentage points)",
    "Hidden",
]


def export_rows(page: RatePage, table: ProtectedTable):
    """Exactly what the page publishes: one row per position, hidden values blank with the
    reason (the download makes unit and requirement names safe for spreadsheets)."""

    row_labels, column_labels = labels(page)
    for row in positions(table):
        for p in row:
            c = p.cell
            yield [
                table.title,
                page.characteristic,
                row_labels[p.row],
                BREAKDOWNS[page.breakdown],
                column_labels[p.column],
                "" if c.count is None else c.count,
                "" if c.numerator is None else c.numerator,
                "" if p.rate is None else p.rate,
                "" if p.overall is None else p.overall,
                "" if p.gap is None else p.gap,
                p.reason,
            ]
