"""A protected page as the site, the exports and the API show it: only published values, each
hidden one as a reason, never a number. Nothing here sees an unprotected count."""

from dataclasses import dataclass

from compliance.charts import ROW_HEIGHT, WIDTH, Bar

from .disclosure import ProtectedCell, ProtectedTable
from .perturbation import MAX_NOISE, PTABLE
from .selectors import BREAKDOWNS, GROUPINGS, MEASURE_TERMS, MEASURES, RatePage
from .statistics import GapStatistics, ratio_text, table_statistics

# How each measure reads in "N times as likely ...".
LIKELY = {
    "completion": "to have completed",
    "lateness": "to be late",
    "knowledge_check": "to pass",
    "evaluation": "to report more confidence",
    # Representation and progression (`representation`).
    "promotion": "to be promoted",
    "leadership_entry": "to enter a higher leadership level",
    "participation": "to take part",
}
# Broader groups are offered when more than this share of the fine table's cells are hidden.
MOSTLY_HIDDEN = 0.5

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
    stats: GapStatistics | None = None
    likely: str = ""

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

    @property
    def interval(self) -> tuple[float, float] | None:
        """The rate's interval, per cent."""
        s = self.stats
        return None if s is None else (percent(s.rate_low), percent(s.rate_high))

    @property
    def gap_interval(self) -> tuple[float, float] | None:
        """The gap's interval, percentage points."""
        s = self.stats
        return None if s is None or s.gap_low is None else (percent(s.gap_low), percent(s.gap_high))

    @property
    def ratio(self) -> float | None:
        return None if self.stats is None or self.stats.ratio is None else round(self.stats.ratio, 2)

    @property
    def significant(self) -> bool:
        return self.stats is not None and self.stats.significant

    @property
    def verdict(self) -> str:
        """Plain English: whether the gap is unlikely to be chance."""
        s = self.stats
        if s is None or s.p_adjusted is None:
            return ""
        return "Unlikely to be chance" if s.significant else "Could be chance"

    def as_dict(self) -> dict:
        c = self.cell
        interval, gap_interval = self.interval, self.gap_interval
        return {
            "row": self.row,
            "column": self.column,
            "people": c.count,
            "numerator": c.numerator,
            "rate": self.rate,
            "rate_low": None if interval is None else interval[0],
            "rate_high": None if interval is None else interval[1],
            "overall": self.overall,
            "gap": self.gap,
            "gap_low": None if gap_interval is None else gap_interval[0],
            "gap_high": None if gap_interval is None else gap_interval[1],
            "ratio": self.ratio,
            "p_adjusted": None if self.stats is None or self.stats.p_adjusted is None else self.stats.p_adjusted,
            "unlikely_to_be_chance": self.significant,
            "suppressed": c.suppressed,
        }


def positions(
    table: ProtectedTable, *, level: float | None = None, measure: str = "", column_labels: dict | None = None
) -> list[list[Position]]:
    """The table as rows of positions: each category's cells then its total ("All"), and a last
    row ("Everyone") of the column totals and the grand total. With `level`, a rate table's
    published groups carry their intervals, ratio and verdict (`statistics`)."""
    t = table.threshold
    stats = table_statistics(table, level=level) if level is not None and table.is_rate else {}
    column_labels = column_labels or {}

    def likely(r: int, c: int | None) -> str:
        s = stats.get((r, c))
        if s is None or not measure:
            return ""
        column = column_labels.get(table.columns[c], "the column") if c is not None else ""
        where = f"everyone else in {column}" if column else "everyone else"
        return ratio_text(s.ratio, measure_phrase=LIKELY[measure], comparison=where)

    rows = [
        [
            Position(r, c, cell, t, stats.get((i, j)), likely(i, j))
            for j, (c, cell) in enumerate(zip(table.columns, cells, strict=True))
        ]
        + [Position(r, ALL, table.row_totals[i], t, stats.get((i, None)), likely(i, None))]
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
        "grouping": GROUPINGS[page.grouping],
    }


def method_text(page: RatePage) -> str:
    """The protection, in one paragraph, for pages, exports and publication."""
    table = ", ".join(f"{n:+d} for {share} in 256" for n, share in PTABLE)
    return (
        "Every count is perturbed with the cell-key method used by the Office for National Statistics "
        "for Census 2021: each person has a fixed secret record key, the keys of the people in a cell "
        f"add up to its cell key, and a published table turns the cell key into noise ({table}; at most "
        f"{MAX_NOISE} people either way, never below zero). The same people always get the same noise. "
        "Totals are the sums of the perturbed cells, so a total is within "
        f"{MAX_NOISE} people per cell of the true figure. A value is then hidden when fewer than "
        f"{page.threshold} people did, or did not do, what it counts, or when it could be worked out from "
        "the other values. Training whose people differ by fewer than "
        f"{page.threshold} from another population in these tables is left out. The counts are taken once "
        "a week (at the first look in the week) and kept for the week."
    )


def mostly_hidden(page: RatePage) -> bool:
    return page.hidden_share > MOSTLY_HIDDEN


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
    "Rate interval low (%)",
    "Rate interval high (%)",
    "Gap interval low (points)",
    "Gap interval high (points)",
    "Ratio to everyone else",
    "Unlikely to be chance",
    "Perturbed",
    "Hidden",
]


def export_rows(page: RatePage, table: ProtectedTable, *, level: float = 0.95):
    """Exactly what the page publishes: one row per position, hidden values blank with the
    reason (the download makes unit and requirement names safe for spreadsheets)."""

    def blank(value):
        return "" if value is None else value

    row_labels, column_labels = labels(page)
    for row in positions(table, level=level, measure=page.measure, column_labels=column_labels):
        for p in row:
            c = p.cell
            interval, gap_interval = p.interval or (None, None), p.gap_interval or (None, None)
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
                blank(interval[0]),
                blank(interval[1]),
                blank(gap_interval[0]),
                blank(gap_interval[1]),
                blank(p.ratio),
                ("yes" if p.significant else "no") if p.verdict else "",
                "yes" if page.perturbed and not c.suppressed else "",
                p.reason,
            ]


# --- publication -------------------------------------------------------------------------------

DEFINITIONS = {
    "completion": (
        "Of the assignments that are open or completed and not exempt, the share completed (a completion "
        "whose validity has run out is not completed). By unit a person counts as completed when all their "
        "counted assignments are."
    ),
    "lateness": (
        "Of the assignments whose due date (an extension's date where there is one) has passed, the share "
        "completed after it or not completed at all. By unit a person counts as late when any of theirs is."
    ),
    "knowledge_check": (
        "Of the people who attempted a knowledge check, the share with a passing attempt at every module "
        "they attempted."
    ),
    "evaluation": (
        "Of the people who returned an end-of-course evaluation, the share who rated their confidence "
        "higher after the course than before."
    ),
}
FIGURES = [
    ("People", "The people the measure is about (its denominator), perturbed."),
    ("Numerator", "The people counted for the measure, perturbed."),
    ("Rate (%)", "Numerator as a share of People."),
    ("Overall rate (%)", "The rate of everyone in the same column (of everyone, for a total)."),
    ("Gap (percentage points)", "Rate minus overall rate."),
    ("Rate interval", "Wilson score interval of the rate, at the stated confidence."),
    ("Gap interval", "Newcombe's hybrid score interval of the gap, at the stated confidence."),
    ("Ratio to everyone else", "The group's rate divided by the rate of everyone else in the column."),
    (
        "Unlikely to be chance",
        "Fisher's exact test of the group against everyone else, adjusted with Holm's method for every "
        "comparison in the table, below one minus the confidence level.",
    ),
    ("Hidden", "The value is not published (see the method)."),
]


def publication_metadata(page: RatePage, *, characteristic_label: str, level_label: str, exported_on) -> list:
    """(field, value) pairs describing a published table."""
    terms = describe(page)
    total = page.rates.grand_total
    population = (
        f"{total.count} people-and-training pairs"
        if page.breakdown == "requirement" and total.count is not None
        else (f"{total.count} people" if total.count is not None else "hidden (too few people)")
    )
    taken = page.taken_at.astimezone().strftime("%d %B %Y %H:%M") if page.taken_at else "now"
    rows = [
        ("Title", f"{terms['measure']} by {characteristic_label.lower()} and {terms['breakdown'].lower()}"),
        ("Counts taken", taken),
        ("Exported", exported_on.strftime("%d %B %Y")),
        (
            "Population",
            f"Active staff with people {terms['denominator']}; current cycles only; {population} in all (perturbed).",
        ),
        ("Measure", f"{terms['measure']}: {DEFINITIONS[page.measure]}"),
        ("Groups", f"{characteristic_label}: {terms['grouping'].lower()}"),
        ("Threshold", f"{page.threshold} people"),
        ("Method", method_text(page)),
        ("Confidence level", level_label),
    ]
    for label, reason in page.refused:
        rows.append(("Left out", f"{label}: {reason}"))
    rows.extend((f"Figure: {name}", meaning) for name, meaning in FIGURES)
    return rows


def publication_csv_rows(page: RatePage, metadata: list, *, level: float):
    """The metadata as (field, value) rows, a blank row, then the tables with their own header."""
    yield from ([field, value] for field, value in metadata)
    yield []
    yield EXPORT_HEADER
    for table in page.tables:
        yield from export_rows(page, table, level=level)
