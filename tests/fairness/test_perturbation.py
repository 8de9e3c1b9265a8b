"""The cell-key perturbation: record keys (the database computes the same as Python), the
published noise table, the same noise for the same people, and totals within the stated bound."""

import random
from collections import Counter

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from compliance.fairness.perturbation import (
    BASE,
    MAX_NOISE,
    NOISE_VARIANCE,
    PTABLE,
    RecordKeyHash,
    noise,
    perturb,
    perturb_rate_cell,
    record_key_hash,
)
from compliance.fairness.selectors import PageInputs, protect_inputs, rate_page_from_counts

KEYS = RecordKeyHash.from_secret("a test secret")
SEX = ["female", "male", "prefer_not_to_say", "not_recorded"]


def test_the_table_is_the_published_one():
    assert PTABLE == ((-2, 26), (-1, 51), (0, 102), (1, 51), (2, 26))
    assert MAX_NOISE == 2
    assert pytest.approx(310 / 256) == NOISE_VARIANCE


def test_record_keys_depend_on_the_secret_and_spread_evenly():
    other = RecordKeyHash.from_secret("another secret")
    ids = range(1, 20_001)
    mine = [KEYS.record_key(i) for i in ids]
    assert mine != [other.record_key(i) for i in ids]
    assert all(0 <= k < BASE for k in mine)
    counts = Counter(mine)
    # Each of the 256 keys about 78 times: a chi-squared statistic near its 255 degrees of freedom.
    expected = len(mine) / BASE
    chi2 = sum((counts[k] - expected) ** 2 / expected for k in range(BASE))
    assert chi2 < 255 + 5 * (2 * 255) ** 0.5


@pytest.mark.django_db
def test_the_database_computes_the_same_record_keys():
    ids = [1, 2, 3, 255, 256, 65_537, 2**31 - 2, 2**31 - 1, 2**31, 2**40 + 7, 9_007_199_254_740_993]
    hash_ = record_key_hash()
    with connection.cursor() as cursor:
        for pid in ids:
            cursor.execute(f"SELECT {hash_.sql('t.pid')} FROM (SELECT %s AS pid) t", [pid])
            assert cursor.fetchone()[0] == hash_.record_key(pid), pid


@given(st.lists(st.integers(1, 10**6), min_size=1, max_size=40, unique=True), st.randoms(use_true_random=False))
@settings(max_examples=60, deadline=None)
def test_the_same_people_always_get_the_same_noise(people, rng):
    """Same cell, same answer: in any order, on any page, asked any number of times."""
    shuffled = list(people)
    rng.shuffle(shuffled)
    first = perturb(count=len(people), key_sum=sum(KEYS.record_key(p) for p in people))
    again = perturb(count=len(shuffled), key_sum=sum(KEYS.record_key(p) for p in shuffled))
    assert first == again
    assert abs(first - len(people)) <= MAX_NOISE and first >= 0


def test_one_more_person_draws_fresh_noise_from_the_table():
    """Over many cells and one added person each, the noise follows the published table."""
    rng = random.Random(3)
    seen = Counter()
    for _ in range(20_000):
        people = rng.sample(range(1, 10**6), 30)
        seen[noise(count=30, key_sum=sum(KEYS.record_key(p) for p in people))] += 1
    for value, share in PTABLE:
        assert seen[value] / 20_000 == pytest.approx(share / BASE, abs=0.015)


def test_counts_never_go_below_zero_and_zero_stays_zero():
    assert perturb(count=0, key_sum=5) == 0
    for key in range(BASE):
        assert perturb(count=1, key_sum=key) >= 0
        assert perturb(count=2, key_sum=key) >= 0
        people, doers = perturb_rate_cell(count=5, numerator=4, count_key=key, numerator_key=(key * 7) % BASE)
        assert 0 <= doers <= people
    # Everybody did it: the same people, the same noise, so the rate stays 100%.
    assert perturb_rate_cell(count=12, numerator=12, count_key=40, numerator_key=40)[0] == 12 + noise(
        count=12, key_sum=40
    )


# A person: (category, column, counts for the numerator, id).
person = st.tuples(st.integers(0, 3), st.integers(0, 2), st.booleans())
workforce = st.lists(person, min_size=1, max_size=80)


def inputs_of(people) -> tuple[PageInputs, dict, dict]:
    cells: dict = {}
    for pid, (category, column, done) in enumerate(people, start=1):
        cell = (SEX[category], f"U{column}")
        n, k, kn, kk = cells.get(cell, (0, 0, 0, 0))
        key = KEYS.record_key(pid)
        cells[cell] = (n + 1, k + int(done), kn + key, kk + (key if done else 0))
    inputs = PageInputs(
        characteristic="sex",
        measure="completion",
        breakdown="unit",
        columns=tuple((f"U{c}", f"Unit {c}") for c in range(3)),
        cells=cells,
    )
    return inputs, {c: v[0] for c, v in cells.items()}, {c: v[1] for c, v in cells.items()}


@given(workforce, st.integers(1, 6))
@settings(max_examples=40, deadline=None)
def test_totals_add_up_and_stay_within_the_stated_bound(people, threshold):
    inputs, counts, numerators = inputs_of(people)
    page = protect_inputs(inputs=inputs, threshold=threshold)
    assert page.perturbed
    table = page.headcount
    for r, row in enumerate(table.rows):
        for c, column in enumerate(table.columns):
            cell = table.cells[r][c]
            if not cell.suppressed:
                assert abs(cell.count - counts.get((row, column), 0)) <= MAX_NOISE
        total = table.row_totals[r]
        truth = sum(counts.get((row, column), 0) for column in table.columns)
        nonzero = sum(1 for column in table.columns if counts.get((row, column), 0))
        if not total.suppressed:
            assert abs(total.count - truth) <= MAX_NOISE * nonzero
            shown = [table.cells[r][c] for c in range(len(table.columns))]
            if not any(x.suppressed for x in shown):  # the total is the sum of its perturbed cells
                assert total.count == sum(x.count for x in shown)
    grand = table.grand_total
    if not grand.suppressed:
        assert abs(grand.count - len(people)) <= MAX_NOISE * len(counts)
    # The rates table carries the same people as the headcount.
    for r in range(len(table.rows)):
        for c in range(len(table.columns)):
            a, b = table.cells[r][c], page.rates.cells[r][c]
            assert a.count == b.count or b.suppressed


@given(workforce)
@settings(max_examples=25, deadline=None)
def test_the_same_counts_give_the_same_page(people):
    inputs, _, _ = inputs_of(people)
    assert protect_inputs(inputs=inputs, threshold=3) == protect_inputs(inputs=inputs, threshold=3)
    # and the page survives its weekly release (JSON) unchanged
    assert protect_inputs(inputs=PageInputs.from_json(inputs.to_json()), threshold=3) == protect_inputs(
        inputs=inputs, threshold=3
    )


def test_without_keys_nothing_is_perturbed():
    counts = {(category, "U0"): 30 + 10 * i for i, category in enumerate(SEX)}
    page = rate_page_from_counts(
        characteristic="sex",
        measure="completion",
        breakdown="unit",
        columns=[("U0", "Unit 0")],
        counts=counts,
        numerators={cell: n // 2 for cell, n in counts.items()},
    )
    assert not page.perturbed and page.headcount.cell("female", "U0").count == 30
