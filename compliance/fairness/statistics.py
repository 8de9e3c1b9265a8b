"""Signal from noise: how sure a published gap is, computed from the published figures only.

For each published group (a cell, or a category's total across the columns) beside a published
total for its column, the group is compared with **everyone else in the column** (the column's
total minus the group), two independent groups of people:

* the group's rate comes with a **Wilson score interval** (`scipy.stats.binomtest`);
* the gap as the page shows it (the group's rate minus the rate of everyone in the column,
  group included) is (1 - w) times the difference between the group and everyone else, where w
  is the group's share of the column; its interval is Newcombe's hybrid score interval for that
  difference (built from the two Wilson intervals), scaled by the same factor;
* **Fisher's exact test** gives the chance of a difference at least as large if the group were
  no different from everyone else, and **Holm's method** adjusts it for the number of
  comparisons on the page, so that among many groups the page does not cry wolf;
* the **ratio** is the group's rate over everyone else's ("1.4 times as likely to be late").

The figures are the published, perturbed ones: the intervals do not include the perturbation
(at most 2 people per cell), which matters only for the smallest published groups.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.stats import binomtest, fisher_exact

from .disclosure import ProtectedCell, ProtectedTable

LEVELS = {"90": 0.90, "95": 0.95, "99": 0.99}
DEFAULT_LEVEL = "95"


@dataclass(frozen=True)
class GapStatistics:
    """For one published group: its rate's interval, the gap's interval (both as fractions),
    the ratio to everyone else, and whether the gap is unlikely to be chance after Holm."""

    rate_low: float
    rate_high: float
    gap_low: float | None = None
    gap_high: float | None = None
    ratio: float | None = None
    p_value: float | None = None
    p_adjusted: float | None = None
    significant: bool = False


def wilson_interval(k: int, n: int, level: float) -> tuple[float, float]:
    """The Wilson score interval for k of n (n > 0)."""
    ci = binomtest(k, n).proportion_ci(confidence_level=level, method="wilson")
    return float(ci.low), float(ci.high)


def difference_interval(k1: int, n1: int, k2: int, n2: int, level: float) -> tuple[float, float]:
    """Newcombe's hybrid score interval (his method 10) for p1 - p2, two independent groups."""
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson_interval(k1, n1, level)
    l2, u2 = wilson_interval(k2, n2, level)
    d = p1 - p2
    return d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)


def holm(p_values: list[float]) -> list[float]:
    """Holm's step-down adjustment: each p-value multiplied by the number of those not smaller,
    kept in order and capped at 1."""
    order = sorted(range(len(p_values)), key=p_values.__getitem__)
    adjusted = [1.0] * len(p_values)
    running = 0.0
    m = len(p_values)
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


def _compare(cell: ProtectedCell, total: ProtectedCell, level: float) -> GapStatistics | None:
    if cell.suppressed or cell.count is None or not cell.count:
        return None
    low, high = wilson_interval(cell.numerator, cell.count, level)
    if total.suppressed or total.count is None:
        return GapStatistics(rate_low=low, rate_high=high)
    n2, k2 = total.count - cell.count, total.numerator - cell.numerator
    if n2 <= 0 or k2 < 0 or k2 > n2:
        return GapStatistics(rate_low=low, rate_high=high)
    share = cell.count / total.count
    d_low, d_high = difference_interval(cell.numerator, cell.count, k2, n2, level)
    p_rest = k2 / n2
    ratio = (cell.numerator / cell.count) / p_rest if p_rest > 0 else None
    _, p_value = fisher_exact([[cell.numerator, cell.count - cell.numerator], [k2, n2 - k2]])
    return GapStatistics(
        rate_low=low,
        rate_high=high,
        gap_low=(1 - share) * d_low,
        gap_high=(1 - share) * d_high,
        ratio=ratio,
        p_value=float(p_value),
    )


def table_statistics(table: ProtectedTable, *, level: float) -> dict[tuple[int, int | None], GapStatistics]:
    """`{(row, column): statistics}` for every published group of a rate table, column None for
    a category's total; Holm's adjustment over every comparison in the table."""
    found: dict[tuple[int, int | None], GapStatistics] = {}
    for r, cells in enumerate(table.cells):
        for c, cell in enumerate(cells):
            stats = _compare(cell, table.column_totals[c], level)
            if stats is not None:
                found[(r, c)] = stats
        stats = _compare(table.row_totals[r], table.grand_total, level)
        if stats is not None:
            found[(r, None)] = stats
    tested = [key for key, s in found.items() if s.p_value is not None]
    adjusted = holm([found[key].p_value for key in tested])
    alpha = 1 - level
    for key, p in zip(tested, adjusted, strict=True):
        s = found[key]
        found[key] = GapStatistics(**{**s.__dict__, "p_adjusted": p, "significant": p < alpha})
    return found


def ratio_text(ratio: float | None, *, measure_phrase: str, comparison: str) -> str:
    """ "1.4 times as likely to be late as everyone else in North LPA", or "" without a ratio."""
    if ratio is None:
        return ""
    return f"{ratio:.1f} times as likely {measure_phrase} as {comparison}"
