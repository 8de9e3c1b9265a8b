"""The community benchmark: population shares of the area the force serves (a census table, say),
loaded by the D&I analyst as a CSV, and the representation ratios of the workforce against it.

The file (UTF-8, a BOM allowed, at most 1 MB) has a header row and the columns
`characteristic,category,share`:

* `characteristic`: one of sex, ethnicity, disability, sexual_orientation, religion, age_band
  (or their names as the pages show them, "Religion or belief");
* `category`: one of that characteristic's categories, by its key or its name as the pages show
  it ("asian" or "Asian or Asian British"); "Prefer not to say" is not a community category;
* `share`: the category's share of the area's population, in per cent (0 to 100, a decimal
  point allowed, "%" allowed).

A characteristic may be left out, and so may a category (a census's "not answered"); the shares
given for one characteristic must add up to at most 100.5 (rounding). Every problem is reported
with its row and column, and nothing is kept unless the whole file is right.

Representation ratio: a group's share of the workforce in the categories the benchmark gives over
its share of the community in the same categories (so "Prefer not to say", "Not recorded" and a
census's "not answered" are left out of both), from the published (perturbed) figures, and only
when every one of those categories is published: 1 is proportionate, below 1 under-represented.
Its interval is the Wilson interval of the workforce share over the community share (the census
figure taken as exact).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from compliance.equality.models import CHARACTERISTICS, PREFER_NOT_TO_SAY
from compliance.people.models.organisation import vocabulary_key

from .selectors import BROAD_GROUPS, NOT_RECORDED
from .statistics import wilson_interval

MAX_BYTES = 1024 * 1024
MAX_ROWS = 2000
COLUMNS = ("characteristic", "category", "share")
ERRORS_LISTED = 50
CHARACTERISTIC_NAMES = {
    "sex": "Sex",
    "ethnicity": "Ethnicity",
    "disability": "Disability",
    "sexual_orientation": "Sexual orientation",
    "religion": "Religion or belief",
    "age_band": "Age band",
}
NOT_COMMUNITY = {PREFER_NOT_TO_SAY[0], NOT_RECORDED[0]}


@dataclass(frozen=True)
class BenchmarkError:
    row: int | None  # the file's line number (the header is 1); None for the whole file
    column: str
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"Row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


def _lookup() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    characteristics = {}
    categories: dict[str, dict[str, str]] = {}
    for name, choices in CHARACTERISTICS.items():
        characteristics[vocabulary_key(name)] = name
        characteristics[vocabulary_key(CHARACTERISTIC_NAMES[name])] = name
        categories[name] = {}
        for value, label in choices.choices:
            if value in NOT_COMMUNITY:
                continue
            categories[name][vocabulary_key(value)] = value
            categories[name][vocabulary_key(str(label))] = value
    return characteristics, categories


def parse_benchmark(data: bytes) -> tuple[dict[str, dict[str, float]], list[BenchmarkError]]:
    """({characteristic: {category: per cent}}, errors): the shares only when there are no errors."""
    if len(data) > MAX_BYTES:
        return {}, [
            BenchmarkError(None, "", f"The file is larger than {MAX_BYTES // 1024} KB; a benchmark is a few rows.")
        ]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return {}, [BenchmarkError(None, "", "The file is not UTF-8 text: save it as 'CSV UTF-8' and load it again.")]
    if "\x00" in text:
        return {}, [BenchmarkError(None, "", "The file is not a CSV file (it holds binary data).")]
    rows = list(csv.reader(io.StringIO(text)))
    rows = [(number, row) for number, row in enumerate(rows, start=1) if any(cell.strip() for cell in row)]
    if not rows:
        return {}, [BenchmarkError(None, "", "The file is empty: it needs a header row and at least one share.")]
    header_line, header = rows[0]
    names = [vocabulary_key(cell).replace(" ", "_") for cell in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        found = ", ".join(h.strip()[:40] for h in header) or "nothing"
        return {}, [
            BenchmarkError(
                header_line,
                "",
                f"the header must name the columns {', '.join(COLUMNS)} "
                f"(missing: {', '.join(missing)}; found: {found}).",
            )
        ]
    extra = [h.strip()[:40] for h, n in zip(header, names, strict=True) if n not in COLUMNS]
    if extra:
        return {}, [
            BenchmarkError(header_line, "", f"unknown column(s) {', '.join(extra)}; use only {', '.join(COLUMNS)}.")
        ]
    if len(rows) - 1 > MAX_ROWS:
        return {}, [BenchmarkError(None, "", f"The file has more than {MAX_ROWS} rows; a benchmark is a few rows.")]
    position = {name: names.index(name) for name in COLUMNS}
    characteristics, categories = _lookup()
    errors: list[BenchmarkError] = []
    shares: dict[str, dict[str, Decimal]] = {}
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows[1:]:
        if len(row) != len(header):
            errors.append(BenchmarkError(line, "", f"{len(row)} values where the header has {len(header)}."))
            continue
        cell = {name: row[i].strip() for name, i in position.items()}
        characteristic = characteristics.get(vocabulary_key(cell["characteristic"]))
        if characteristic is None:
            errors.append(
                BenchmarkError(
                    line,
                    "characteristic",
                    f"'{cell['characteristic'][:40]}' is not a characteristic; "
                    f"use one of: {', '.join(CHARACTERISTICS)}.",
                )
            )
        category = None
        if characteristic is not None:
            category = categories[characteristic].get(vocabulary_key(cell["category"]))
            if category is None:
                allowed = ", ".join(
                    str(label) for value, label in CHARACTERISTICS[characteristic].choices if value not in NOT_COMMUNITY
                )
                errors.append(
                    BenchmarkError(
                        line,
                        "category",
                        f"'{cell['category'][:40]}' is not a community category of {characteristic}; "
                        f"use one of: {allowed}.",
                    )
                )
        raw = cell["share"].removesuffix("%").strip()
        try:
            share = Decimal(raw)
            if not share.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            errors.append(
                BenchmarkError(line, "share", f"'{cell['share'][:40]}' is not a number (per cent, e.g. 4.5).")
            )
            continue
        if not Decimal(0) <= share <= Decimal(100):
            errors.append(BenchmarkError(line, "share", f"{raw} is not a share between 0 and 100 per cent."))
            continue
        if characteristic is None or category is None:
            continue
        if (characteristic, category) in seen:
            errors.append(
                BenchmarkError(
                    line,
                    "category",
                    f"{category} of {characteristic} is already given on row {seen[(characteristic, category)]}.",
                )
            )
            continue
        seen[(characteristic, category)] = line
        shares.setdefault(characteristic, {})[category] = share
    for characteristic, given in shares.items():
        total = sum(given.values())
        if total > Decimal("100.5"):
            errors.append(
                BenchmarkError(None, "share", f"the shares of {characteristic} add up to {total}%, more than 100.")
            )
        elif total == 0:
            errors.append(BenchmarkError(None, "share", f"the shares of {characteristic} are all 0."))
    if errors:
        return {}, errors
    return {c: {k: float(v) for k, v in given.items()} for c, given in shares.items()}, []


# --- representation ratios -------------------------------------------------------------------------


@dataclass(frozen=True)
class Representation:
    """A group's place in the workforce against the community (per cent, and the ratio)."""

    workforce_share: float | None
    community_share: float | None
    ratio: float | None
    ratio_low: float | None = None
    ratio_high: float | None = None

    @property
    def verdict(self) -> str:
        if self.ratio_low is None or self.ratio_high is None:
            return ""
        if self.ratio_high < 1:
            return "Under-represented"
        if self.ratio_low > 1:
            return "Over-represented"
        return "Could be proportionate"


def community_shares(shares: dict[str, dict[str, float]], characteristic: str, grouping: str) -> dict[str, float]:
    """{row: share of the benchmarked community, 0-1} for the page's rows (broader groups add up
    their members); empty when the benchmark does not give the characteristic."""
    given = shares.get(characteristic) or {}
    total = sum(given.values())
    if not total:
        return {}
    out: dict[str, float] = {}
    for category, share in given.items():
        row = category
        if grouping != "fine":
            for key, _, members in BROAD_GROUPS.get(characteristic, ()):
                if category in members:
                    row = key
        out[row] = out.get(row, 0.0) + share / total
    return out


def representation(
    *, count: int | None, declared: int | None, community: float | None, level: float = 0.95
) -> Representation:
    """The ratio of a published count among a published number of people who answered, against
    the community share; None where a figure is hidden or missing."""
    if community is None:
        return Representation(None, None, None)
    if count is None or declared is None or declared <= 0 or count > declared:
        return Representation(None, round(100 * community, 1), None)
    share = count / declared
    if community <= 0:
        return Representation(round(100 * share, 1), 0.0, None)
    low, high = wilson_interval(count, declared, level)
    return Representation(
        round(100 * share, 1),
        round(100 * community, 1),
        round(share / community, 2),
        round(low / community, 2),
        round(high / community, 2),
    )


def declared(counts: list[int | None]) -> int | None:
    """The people in the benchmark's categories: the sum of their published counts (None if any
    of them is hidden, or none is given)."""
    if not counts or any(n is None for n in counts):
        return None
    return sum(counts)
