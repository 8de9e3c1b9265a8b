"""Signal from noise: interval coverage, Holm's adjustment, the ratio, and the page's flags."""

import numpy as np
import pytest

from compliance.fairness.statistics import difference_interval, holm, wilson_interval


@pytest.mark.parametrize(("n", "p"), [(20, 0.1), (50, 0.5), (200, 0.85), (30, 0.95)])
def test_wilson_intervals_cover_at_about_the_stated_level(n, p):
    rng = np.random.default_rng(7)
    draws = rng.binomial(n, p, size=2000)
    covered = 0
    for k in draws:
        low, high = wilson_interval(int(k), n, 0.95)
        covered += low <= p <= high
    # Wilson's interval is close to nominal (within a few points at these sizes).
    assert 0.91 <= covered / len(draws) <= 0.99


@pytest.mark.parametrize(("n1", "p1", "n2", "p2"), [(25, 0.4, 300, 0.4), (40, 0.7, 500, 0.55), (15, 0.2, 100, 0.3)])
def test_difference_intervals_cover_at_about_the_stated_level(n1, p1, n2, p2):
    rng = np.random.default_rng(11)
    covered = 0
    trials = 1500
    for k1, k2 in zip(rng.binomial(n1, p1, trials), rng.binomial(n2, p2, trials), strict=True):
        low, high = difference_interval(int(k1), n1, int(k2), n2, 0.95)
        covered += low <= p1 - p2 <= high
    assert 0.92 <= covered / trials <= 0.99


def test_holm_matches_the_textbook_example():
    # Holm (1979): sorted p-values multiplied by m, m-1, ..., kept increasing, capped at 1.
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert holm([0.5, 0.9]) == [1.0, 1.0]
    assert holm([]) == []


def test_holm_keeps_the_family_wise_error_rate_under_the_null():
    rng = np.random.default_rng(3)
    false_alarms = sum(any(p < 0.05 for p in holm(list(rng.uniform(size=12)))) for _ in range(2000))
    assert false_alarms / 2000 <= 0.06


def test_the_page_flags_a_real_gap_and_not_a_chance_one():
    from compliance.fairness.presentation import positions
    from compliance.fairness.selectors import rate_page_from_counts

    # Female: 120 of 200 late; male: 60 of 200 late; prefer not to say: 11 of 24, not recorded 12 of 25.
    counts = {("female", "U"): 200, ("male", "U"): 200, ("prefer_not_to_say", "U"): 24, ("not_recorded", "U"): 25}
    numerators = {("female", "U"): 120, ("male", "U"): 60, ("prefer_not_to_say", "U"): 12, ("not_recorded", "U"): 12}
    page = rate_page_from_counts(
        characteristic="sex",
        measure="lateness",
        breakdown="unit",
        columns=[("U", "Unit")],
        counts=counts,
        numerators=numerators,
    )
    rows = {row[0].row: row[-1] for row in positions(page.rates, level=0.95, measure="lateness")}
    assert rows["female"].significant and rows["male"].significant
    assert rows["female"].likely.startswith("1.8 times as likely to be late as everyone else")  # 0.6 / (84 / 249)
    assert not rows["prefer_not_to_say"].significant and rows["prefer_not_to_say"].verdict == "Could be chance"
    low, high = rows["female"].gap_interval
    assert low <= rows["female"].gap <= high
