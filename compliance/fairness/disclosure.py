"""Statistical disclosure control for the fairness tables: counts in, protected tables out.

Pure Python, no Django: the selectors aggregate in the database and hand counts to this module.

What an attacker is assumed to know
    Every published value on the page, the totals marked public (known from elsewhere, such as
    unit headcounts in the organisation chart or a unit's completion figures in the command
    view), the threshold, these rules, that counts are whole and never negative, and the reason
    code of each hidden value. A "small" count therefore lies in [0, threshold - 1]; a
    "complementary" count is at least the threshold (every count below it is primary).

Primary suppression ("small")
    * A count of people below the threshold, zero included. A zero is a statement about every
      member of a group ("no one in unit X is disabled"), and hiding zeros means a group that
      holds a whole unit ("everyone in unit X is heterosexual") cannot be read off either.
    * A rate (numerator of denominator: completed, late, passed) unless at least `threshold`
      people did it and at least `threshold` did not. Managers and administrators see each
      person's completion in the team views, so the people who did and did not do something are
      known sets; "0 of 12" or "12 of 12" would tell them the characteristic of every one of
      them, and "1 of 30" whose only non-completer they know is a disclosure of one person. So
      both the numerator and the denominator minus the numerator are treated as counts of
      people, each with the same threshold; a published rate has at least 2 x threshold people.
      A group with nobody in it has no rate and is suppressed like any other small group.

Secondary suppression ("complementary")
    The published values and totals form a system of equations (every row and column sums to its
    total, totals sum to the grand total, numerator + others = denominator, and a margin shared by
    several tables on one page is the same unknown in all of them). A hidden value is exposed if
    it takes one value in every assignment of whole numbers to the hidden values that fits the
    equations and the bounds above, however the equations are combined (a row and a column whose
    difference leaves hidden values that must sum to 0 pins every one of them at 0). Two cheap
    checks find most such values: linear algebra (elimination modulo a 61-bit prime, which for
    these small 0/+-1 systems agrees with exact arithmetic but for a negligible chance) and
    interval reasoning with the bounds above (iterated until no bound moves). The audit then
    settles every other hidden value exactly with linear programming (scipy, HiGHS), on each
    connected part of the system. A value is free once some whole-number solution gives it
    another value. Programs push many values at once a step away from the real ones; then each
    value still open is taken as high and as low as it can go. An optimum that is not whole (the
    systems of linked tables are not totally unimodular) is settled by the integer program.
    Only the code of a "small" rate is modelled more weakly than the attacker knows it: "k < t
    or m < t" is taken as >= 0.

    Hiding goes in two steps, each repeated until stable. First the classic rule, in bulk: no
    row, column or other equation may keep exactly one hidden value, so each such equation gets a
    second one. Then the full audit, one repair at a time: for an exposed value, hide one more in
    its equation with the fewest hidden values, choosing the smallest count (body cells before
    totals, public totals never), and look further afield only when its own equations have
    nothing left to hide. The same counts always give the same table (two different protections
    could be combined). A value that would be exposed even if everything not public were hidden
    is exposed by the public totals alone, not by this table; it is left hidden and not chased
    (for example the cells of a unit in which nobody completed, when the unit's completion count
    is public).

    An excuse holds only for the reasoning that finds the value. A value that the codes or public
    totals give away only when many equations are combined (the linear programs) is known to a
    determined attacker either way, but publishing a value next to it can hand it to anyone who
    reads one row: a row total of 2 that only the whole table pins, once published, pins its
    "complementary" cell (at least 2) and its "small" one (so 0) at a glance, and the same row
    in every linked table. So a value that interval reasoning alone (one equation at a time)
    finds on the page is excused only if interval reasoning alone finds it with everything
    hidden too; otherwise it is chased like any other.

    With the reason codes published, a tiny table can give a value away through the codes alone
    (two "small" columns of at most 1 under a "complementary" total of at least 2 are 1 each);
    that counts as exposed "even if everything were hidden", so it is excused, and a value it
    pins is left unprotected on a page that publishes others. `protect_linked(...,
    publish_reasons=False)` is for pages that show one "hidden" marker instead: the attacker
    then knows of a hidden value only that it is a whole number >= 0, and the audit, the
    repairs and the excuse all use that model, so only the public totals excuse anything.

Outputs
    Hidden values are None with a reason. Rates are computed only for published cells; each group
    has the overall rate beside it (its column's total for a body cell, the grand total for a
    margin) and the gap (group rate minus overall), which is None when either rate is hidden.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

SMALL = "small"
COMPLEMENTARY = "complementary"
DEFAULT_THRESHOLD = 10

_PRIME = 2**61 - 1
_INF = math.inf

__all__ = [
    "COMPLEMENTARY",
    "DEFAULT_THRESHOLD",
    "SMALL",
    "ProtectedCell",
    "ProtectedTable",
    "Table",
    "protect_linked",
    "protect_table",
]


@dataclass(frozen=True)
class Table:
    """A two-way table of people (rows: the categories of one characteristic, "Prefer not to say"
    and "Not recorded" included; columns: units, requirements...) before protection.

    `counts[r][c]` is the number of people (a rate's denominator). Give `numerators` (same shape,
    each at most its count) to make a rate table: completed, late, passed. Totals are the sums of
    the cells and are computed here, so they are always exact.

    Linking: tables published on one page that share a margin say so with the same `row_margin`
    (or `column_margin`) key; their totals for a label are then one value, hidden or published
    together, and must be equal. Rate tables with the same key and `measure` also share their
    numerator totals. A count table and a rate table with the same keys share denominators, so
    a headcount table and a completion table of the same people are protected together.

    `public_*`: totals that are known anyway (unit sizes, a unit's completion count); they are
    never hidden, and the attacker is assumed to know them.
    """

    rows: Sequence[str]
    columns: Sequence[str]
    counts: Sequence[Sequence[int]]
    numerators: Sequence[Sequence[int]] | None = None
    title: str = ""
    measure: str = ""
    row_margin: str | None = None
    column_margin: str | None = None
    public_row_totals: bool = False
    public_column_totals: bool = False
    public_grand_total: bool = False

    @property
    def is_rate(self) -> bool:
        return self.numerators is not None

    @classmethod
    def from_mapping(
        cls,
        *,
        rows: Sequence[str],
        columns: Sequence[str],
        counts: Mapping[tuple[str, str], int],
        numerators: Mapping[tuple[str, str], int] | None = None,
        **options,
    ) -> Table:
        """Build from `{(row, column): n}`, as a GROUP BY gives it: missing pairs are 0, and a pair
        outside `rows` x `columns` is refused rather than silently dropped."""
        for mapping in (counts, numerators or {}):
            stray = [pair for pair in mapping if pair[0] not in rows or pair[1] not in columns]
            if stray:
                raise ValueError(f"counts for rows or columns not in the table: {stray[:3]!r}")

        def grid(mapping: Mapping[tuple[str, str], int]) -> list[list[int]]:
            return [[mapping.get((row, column), 0) for column in columns] for row in rows]

        return cls(
            rows=list(rows),
            columns=list(columns),
            counts=grid(counts),
            numerators=grid(numerators) if numerators is not None else None,
            **options,
        )


@dataclass(frozen=True)
class ProtectedCell:
    """One published position. `count` (and for rates `numerator`, `rate`, `gap`) is None when
    hidden, with `reason` SMALL or COMPLEMENTARY. `overall` is the rate of the whole column (of
    the whole table for a total), None when that total is itself hidden; `gap` is
    `rate - overall`."""

    count: int | None
    numerator: int | None = None
    rate: float | None = None
    overall: float | None = None
    gap: float | None = None
    reason: str | None = None

    @property
    def suppressed(self) -> bool:
        return self.reason is not None


@dataclass(frozen=True)
class ProtectedTable:
    title: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[ProtectedCell, ...], ...]
    row_totals: tuple[ProtectedCell, ...]
    column_totals: tuple[ProtectedCell, ...]
    grand_total: ProtectedCell
    threshold: int
    is_rate: bool
    public_row_totals: bool = False
    public_column_totals: bool = False
    public_grand_total: bool = False
    row_margin: str | None = None
    column_margin: str | None = None
    measure: str = ""

    def cell(self, row: str, column: str) -> ProtectedCell:
        return self.cells[self.rows.index(row)][self.columns.index(column)]

    def row_total(self, row: str) -> ProtectedCell:
        return self.row_totals[self.rows.index(row)]

    def column_total(self, column: str) -> ProtectedCell:
        return self.column_totals[self.columns.index(column)]


def protect_table(table: Table, *, threshold: int = DEFAULT_THRESHOLD) -> ProtectedTable:
    """Protect one table on its own."""
    return protect_linked([table], threshold=threshold)[0]


def protect_linked(
    tables: Sequence[Table], *, threshold: int = DEFAULT_THRESHOLD, publish_reasons: bool = True
) -> list[ProtectedTable]:
    """Protect tables published together, consistently: no hidden value on the page can be worked
    out from anything published on it. Returns the tables in the order given.

    `publish_reasons=False`: the page will not say why a value is hidden (the reasons are still
    returned, for the caller's own use), so the attacker is not credited with them."""
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise ValueError(f"threshold must be a whole number of at least 1, not {threshold!r}")
    system = _System(threshold, reasons=publish_reasons)
    for index, table in enumerate(tables):
        system.add_table(index, table)
    suppressed = system.suppress()
    return [system.publish(index, table, suppressed) for index, table in enumerate(tables)]


# --- the system of equations -------------------------------------------------------------------

# A variable is a hashable key: (component, scope, position). Components: "N" people, "K" numerator,
# "M" people minus numerator. A unit of suppression is the set of variables hidden together: one
# count, or a rate's (N, K, M).

Var = Hashable


@dataclass
class _Position:
    kind: str  # "cell", "row", "column", "grand"
    unit: frozenset
    public: bool


@dataclass
class _System:
    threshold: int
    reasons: bool = True  # whether the attacker sees each hidden value's reason code
    values: dict[Var, int] = field(default_factory=dict)
    # Each equation is a frozenset of (variable, coefficient) summing to zero; kept in the order
    # made, so that the same counts always give the same table (set order varies between runs,
    # and two different protections of the same counts could be combined).
    equations: list[frozenset] = field(default_factory=list)
    _seen_equations: set[frozenset] = field(default_factory=set)
    unit_kind: dict[frozenset, str] = field(default_factory=dict)  # "count" or "rate"
    unit_public: dict[frozenset, bool] = field(default_factory=dict)
    unit_margin: dict[frozenset, bool] = field(default_factory=dict)
    unit_order: dict[frozenset, int] = field(default_factory=dict)
    layout: dict[int, dict[tuple, _Position]] = field(default_factory=dict)

    # building

    def _var(self, key: Var, value: int) -> Var:
        if key in self.values and self.values[key] != value:
            raise ValueError(f"linked tables disagree on a shared total {key!r}: {self.values[key]} != {value}")
        self.values[key] = value
        return key

    def add_table(self, index: int, table: Table) -> None:
        rows, columns = list(table.rows), list(table.columns)
        counts = [list(r) for r in table.counts]
        if len(counts) != len(rows) or any(len(r) != len(columns) for r in counts):
            raise ValueError(f"table {table.title or index}: counts must be {len(rows)} rows of {len(columns)}")
        if len(set(rows)) != len(rows) or len(set(columns)) != len(columns):
            raise ValueError(f"table {table.title or index}: row and column labels must be unique")
        nums = None
        if table.numerators is not None:
            nums = [list(r) for r in table.numerators]
            if len(nums) != len(rows) or any(len(r) != len(columns) for r in nums):
                raise ValueError(f"table {table.title or index}: numerators must have the same shape as counts")
        for r, row in enumerate(counts):
            for c, n in enumerate(row):
                if not isinstance(n, int) or isinstance(n, bool) or n < 0:
                    raise ValueError(f"table {table.title or index}: counts must be whole numbers >= 0")
                if nums is not None and not (isinstance(nums[r][c], int) and 0 <= nums[r][c] <= n):
                    raise ValueError(f"table {table.title or index}: each numerator must be between 0 and its count")

        own = ("table", index)
        both = table.row_margin is not None and table.column_margin is not None
        cell_scope = ("cells", table.row_margin, table.column_margin) if both else own
        row_scope = ("rows", table.row_margin) if table.row_margin is not None else own
        column_scope = ("columns", table.column_margin) if table.column_margin is not None else own
        # A shared grand total: shared with any table sharing either margin.
        grand_scope = row_scope if table.row_margin is not None else column_scope
        measure = table.measure
        components = ("N", "K", "M") if nums is not None else ("N",)

        def scoped(component: str, scope: tuple) -> tuple:
            if component == "N" or scope[0] == "table":
                return (component, scope)
            return (component, measure, scope)

        def values_at(r: int | None, c: int | None) -> dict[str, int]:
            rs = range(len(rows)) if r is None else [r]
            cs = range(len(columns)) if c is None else [c]
            n = sum(counts[i][j] for i in rs for j in cs)
            if nums is None:
                return {"N": n}
            k = sum(nums[i][j] for i in rs for j in cs)
            return {"N": n, "K": k, "M": n - k}

        def key(component: str, kind: str, r: int | None, c: int | None) -> Var:
            if kind == "cell":
                return (*scoped(component, cell_scope), "cell", rows[r], columns[c])
            if kind == "row":
                return (*scoped(component, row_scope), "row", rows[r])
            if kind == "column":
                return (*scoped(component, column_scope), "column", columns[c])
            return (*scoped(component, grand_scope), "grand")

        layout: dict[tuple, _Position] = {}
        grand_public = table.public_grand_total or table.public_row_totals or table.public_column_totals

        def position(kind: str, r: int | None, c: int | None, public: bool) -> dict[str, Var]:
            vals = values_at(r if kind in ("cell", "row") else None, c if kind in ("cell", "column") else None)
            variables = {comp: self._var(key(comp, kind, r, c), vals[comp]) for comp in components}
            unit = frozenset(variables.values())
            if unit not in self.unit_kind:
                self.unit_kind[unit] = "rate" if nums is not None else "count"
                self.unit_public[unit] = public
                self.unit_margin[unit] = kind != "cell"
                self.unit_order[unit] = len(self.unit_order)
            else:
                self.unit_public[unit] = self.unit_public[unit] or public
            layout[(kind, r, c)] = _Position(kind, unit, self.unit_public[unit])
            if nums is not None:
                self._add_equation(frozenset({(variables["N"], 1), (variables["K"], -1), (variables["M"], -1)}))
            return variables

        cell_vars = [[position("cell", r, c, False) for c in range(len(columns))] for r in range(len(rows))]
        row_vars = [position("row", r, None, table.public_row_totals) for r in range(len(rows))]
        column_vars = [position("column", None, c, table.public_column_totals) for c in range(len(columns))]
        grand_vars = position("grand", None, None, grand_public)
        for comp in components:
            for r in range(len(rows)):
                self._equation(row_vars[r][comp], [cell_vars[r][c][comp] for c in range(len(columns))])
            for c in range(len(columns)):
                self._equation(column_vars[c][comp], [cell_vars[r][c][comp] for r in range(len(rows))])
            self._equation(grand_vars[comp], [row_vars[r][comp] for r in range(len(rows))])
            self._equation(grand_vars[comp], [column_vars[c][comp] for c in range(len(columns))])
            if both:
                # The same population's grand total, as other tables sharing only the columns know it.
                other = self._var((*scoped(comp, column_scope), "grand"), values_at(None, None)[comp])
                self._equation(grand_vars[comp], [other])
        self.layout[index] = layout

    def _equation(self, total: Var, parts: list[Var]) -> None:
        terms: dict[Var, int] = defaultdict(int)
        terms[total] += 1
        for part in parts:
            terms[part] -= 1
        terms = {v: c for v, c in terms.items() if c}
        if terms:
            self._add_equation(frozenset(terms.items()))

    def _add_equation(self, equation: frozenset) -> None:
        if equation not in self._seen_equations:
            self._seen_equations.add(equation)
            self.equations.append(equation)

    # suppression

    def is_primary(self, unit: frozenset) -> bool:
        if self.unit_public[unit]:
            return False
        values = {v[0]: self.values[v] for v in unit}
        if self.unit_kind[unit] == "rate":
            return values["K"] < self.threshold or values["M"] < self.threshold
        return values["N"] < self.threshold

    def bounds(self, unit: frozenset, reason: str) -> dict[Var, tuple[float, float]]:
        """What the reason code tells the attacker about each hidden variable."""
        t = self.threshold
        if self.unit_kind[unit] == "count":
            (var,) = unit
            return {var: (0, t - 1) if reason == SMALL else (t, _INF)}
        if reason == SMALL:  # K < t or M < t: a disjunction, no interval beyond >= 0
            return dict.fromkeys(unit, (0, _INF))
        return {var: ((2 * t, _INF) if var[0] == "N" else (t, _INF)) for var in unit}

    def suppress(self) -> dict[frozenset, str]:
        units = sorted(self.unit_kind, key=self.unit_order.__getitem__)
        primary = {u: SMALL for u in units if self.is_primary(u)}
        everything = {u: (SMALL if u in primary else COMPLEMENTARY) for u in units if not self.unit_public[u]}
        readily_excused, excused = self._audit(everything)
        suppressed = dict(primary)
        shown = set().union(*units) if units else set()  # a linking helper is in no table
        self._var_equations: dict[Var, list[frozenset]] = defaultdict(list)
        for equation in self.equations:
            for var, _ in equation:
                self._var_equations[var].append(equation)
        self._units_of: dict[Var, list[frozenset]] = defaultdict(list)
        for unit in units:
            for var in unit:
                self._units_of[var].append(unit)

        # 1. The classic rule, cheaply and in bulk: no equation may keep a single hidden value.
        changed = True
        while changed:
            changed = False
            known = self._known(suppressed)
            for equation in self.equations:
                hidden = [v for v, _ in equation if v not in known]
                if len(hidden) != 1 or hidden[0] in readily_excused or hidden[0] not in shown:
                    continue
                choice = self._complement(hidden[0], suppressed)
                if choice is not None:
                    suppressed[choice] = COMPLEMENTARY
                    known = self._known(suppressed)
                    changed = True

        # 2. The full audit, one repair at a time, until nothing is pinned down.
        while True:
            readily, exposed = self._audit(suppressed)
            exposed = (exposed - excused) | (readily - readily_excused)
            choice = None
            for var in sorted(exposed, key=repr):
                choice = self._complement(var, suppressed)
                if choice is not None:
                    break
            if choice is None:  # nothing exposed (or, defensively, nothing left that would help)
                return self._tidy(suppressed)
            suppressed[choice] = COMPLEMENTARY

    def _known(self, suppressed: dict[frozenset, str]) -> set[Var]:
        known: set[Var] = set()
        for unit in self.unit_kind:
            if unit not in suppressed:
                known.update(unit)
        return known

    def _tidy(self, suppressed: dict[frozenset, str]) -> dict[frozenset, str]:
        """Publish a complementary value that another table on the page publishes anyway."""
        known = self._known(suppressed)
        return {u: r for u, r in suppressed.items() if r == SMALL or not u <= known}

    def _complement(self, var: Var, suppressed: dict[frozenset, str]) -> frozenset | None:
        """The value to hide next to `var`: in its own equations first (the one with the fewest
        hidden values, then the smallest count), then further out."""
        # Hiding a value that another published table shows would protect nothing.
        cover: dict[Var, int] = defaultdict(int)
        for unit in self.unit_kind:
            if unit not in suppressed:
                for v in unit:
                    cover[v] += 1
        known = {v for v, n in cover.items() if n}
        seen_equations: set[frozenset] = set()
        seen_vars = {var}
        frontier = [var]
        while frontier:
            candidates = []
            next_frontier = []
            for v in frontier:
                for equation in self._var_equations[v]:
                    if equation in seen_equations:
                        continue
                    seen_equations.add(equation)
                    n_hidden = sum(1 for w, _ in equation if w not in known)
                    for w, _ in equation:
                        for unit in self._units_of[w]:
                            if (
                                unit not in suppressed
                                and not self.unit_public[unit]
                                and any(cover[x] < 2 for x in unit)
                            ):
                                candidates.append((n_hidden, self._cost(unit), unit))
                        if w not in seen_vars:
                            seen_vars.add(w)
                            next_frontier.append(w)
            if candidates:
                return min(candidates, key=lambda c: c[:2])[2]
            frontier = next_frontier
        return None

    def _cost(self, unit: frozenset) -> tuple:
        n = max(self.values[v] for v in unit if v[0] == "N")
        return (self.unit_margin[unit], n, self.unit_order[unit])

    # the audit

    def exposed(self, suppressed: dict[frozenset, str]) -> set[Var]:
        """Hidden variables that the published values pin down exactly (with what each reason
        code tells when the codes are published; otherwise a hidden value is only >= 0)."""
        return self._audit(suppressed)[1]

    def _audit(self, suppressed: dict[frozenset, str]) -> tuple[set[Var], set[Var]]:
        """`exposed`, and first the part of it that interval reasoning alone finds: an excuse
        holds only for the reasoning that finds the value (see the module docstring)."""
        known = self._known(suppressed)
        bounds: dict[Var, list[float]] = {}
        for unit, reason in suppressed.items():
            unit_bounds = self.bounds(unit, reason) if self.reasons else dict.fromkeys(unit, (0, _INF))
            for var, (lo, hi) in unit_bounds.items():
                if var in known:
                    continue
                current = bounds.setdefault(var, [0, _INF])
                current[0] = max(current[0], lo)
                current[1] = min(current[1], hi)
        for var in self.values:  # values hidden everywhere, or in no table (a linking helper)
            if var not in known:
                bounds.setdefault(var, [0, _INF])
        if not bounds:
            return set(), set()
        # The cheap checks first (each proves what it finds); then linear programming settles
        # every hidden value they leave open, exactly.
        shown = set().union(*suppressed)
        readily = _propagate(self.equations, self.values, known, bounds)
        pinned = readily | _determined(self.equations, self.values, known, set(bounds))
        pinned |= _pinned_exactly(self.equations, self.values, known, bounds, (shown & set(bounds)) - pinned)
        # Only what some table would show needs protecting; a linking helper is never shown.
        return readily & shown, pinned & shown

    # output

    def publish(self, index: int, table: Table, suppressed: dict[frozenset, str]) -> ProtectedTable:
        layout = self.layout[index]

        def raw(kind, r, c) -> tuple[int, int | None, str | None]:
            pos = layout[(kind, r, c)]
            by_comp = {v[0]: self.values[v] for v in pos.unit}
            return by_comp["N"], by_comp.get("K"), suppressed.get(pos.unit)

        def rate_of(kind, r, c) -> float | None:
            n, k, reason = raw(kind, r, c)
            if not table.is_rate or reason is not None or n == 0:
                return None
            return k / n

        grand_rate = rate_of("grand", None, None)

        def make(kind, r, c, overall: float | None) -> ProtectedCell:
            n, k, reason = raw(kind, r, c)
            if reason is not None:  # the overall rate is published beside it anyway; the gap is not
                return ProtectedCell(count=None, overall=overall, reason=reason)
            rate = rate_of(kind, r, c)
            gap = rate - overall if rate is not None and overall is not None else None
            return ProtectedCell(count=n, numerator=k, rate=rate, overall=overall, gap=gap)

        rows, columns = range(len(table.rows)), range(len(table.columns))
        column_rates = [rate_of("column", None, c) for c in columns]
        return ProtectedTable(
            title=table.title,
            rows=tuple(table.rows),
            columns=tuple(table.columns),
            cells=tuple(tuple(make("cell", r, c, column_rates[c]) for c in columns) for r in rows),
            row_totals=tuple(make("row", r, None, grand_rate) for r in rows),
            column_totals=tuple(make("column", None, c, grand_rate) for c in columns),
            grand_total=make("grand", None, None, grand_rate),
            threshold=self.threshold,
            is_rate=table.is_rate,
            public_row_totals=table.public_row_totals,
            public_column_totals=table.public_column_totals,
            public_grand_total=layout[("grand", None, None)].public,
            row_margin=table.row_margin,
            column_margin=table.column_margin,
            measure=table.measure,
        )


def _propagate(equations, values, known, bounds) -> set[Var]:
    """Interval reasoning: in each equation, bound each hidden variable by the others' bounds;
    repeat until no bound moves. Returns the hidden variables whose interval is one value."""
    reduced = []
    for equation in equations:
        constant = 0
        unknown = []
        for var, coefficient in equation:
            if var in known:
                constant += coefficient * values[var]
            else:
                unknown.append((var, coefficient))
        if unknown:
            reduced.append((constant, unknown))  # sum(coefficient * x) = -constant
    by_var: dict[Var, list[int]] = defaultdict(list)
    for i, (_, unknown) in enumerate(reduced):
        for var, _ in unknown:
            by_var[var].append(i)
    queue = deque(range(len(reduced)))
    queued = set(queue)
    budget = 200 * max(1, len(reduced)) + 10_000
    while queue and budget > 0:
        budget -= 1
        i = queue.popleft()
        queued.discard(i)
        constant, unknown = reduced[i]
        # Bounds of each term coefficient * x.
        terms = []
        for var, coefficient in unknown:
            lo, hi = bounds[var]
            terms.append((lo, hi) if coefficient > 0 else (-hi, -lo))
        total_lo = sum(t[0] for t in terms)
        total_hi = sum(t[1] for t in terms)
        for (var, coefficient), (t_lo, t_hi) in zip(unknown, terms, strict=True):
            # term = -constant - (sum of the other terms)
            others_lo = total_lo - t_lo if t_lo != -_INF else _others(terms, var, unknown, 0)
            others_hi = total_hi - t_hi if t_hi != _INF else _others(terms, var, unknown, 1)
            term_lo, term_hi = -constant - others_hi, -constant - others_lo
            lo, hi = (term_lo, term_hi) if coefficient > 0 else (-term_hi, -term_lo)
            current = bounds[var]
            changed = False
            if lo > current[0]:
                current[0] = math.ceil(lo) if lo != _INF else lo
                changed = True
            if hi < current[1]:
                current[1] = math.floor(hi) if hi != -_INF else hi
                changed = True
            if changed:
                for j in by_var[var]:
                    if j not in queued:
                        queue.append(j)
                        queued.add(j)
    return {var for var, (lo, hi) in bounds.items() if lo == hi}


def _others(terms, var, unknown, side: int) -> float:
    return sum(t[side] for (v, _), t in zip(unknown, terms, strict=True) if v != var)


def _determined(equations, values, known, hidden: set[Var]) -> set[Var]:
    """Hidden variables fixed by the equations alone: exact elimination modulo a large prime.
    A variable is determined when its unit vector lies in the row space of the equations
    restricted to the hidden variables, that is when its reduced row has no other entry."""
    rows: list[dict[Var, int]] = []
    for equation in equations:
        row = {var: coefficient % _PRIME for var, coefficient in equation if var in hidden}
        if row:
            rows.append(row)
    order = {var: i for i, var in enumerate(sorted(hidden, key=repr))}
    pivots: dict[Var, dict[Var, int]] = {}
    for row in rows:
        # Pivot rows are fully reduced, so one pass over the pivots present is enough.
        for var in [v for v in row if v in pivots]:
            factor = row.get(var)
            if not factor:
                continue
            for w, a in pivots[var].items():
                value = (row.get(w, 0) - factor * a) % _PRIME
                if value:
                    row[w] = value
                else:
                    row.pop(w, None)
        if not row:
            continue
        pivot = min(row, key=order.__getitem__)
        inverse = pow(row[pivot], _PRIME - 2, _PRIME)
        row = {w: a * inverse % _PRIME for w, a in row.items()}
        # Eliminate the new pivot from the existing pivot rows (keeps them fully reduced).
        for other in pivots.values():
            factor = other.get(pivot)
            if factor:
                for w, a in row.items():
                    value = (other.get(w, 0) - factor * a) % _PRIME
                    if value:
                        other[w] = value
                    else:
                        other.pop(w, None)
        pivots[pivot] = row
    return {var for var, row in pivots.items() if len(row) == 1}


def _pinned_exactly(equations, values, known, bounds, targets: set[Var]) -> set[Var]:
    """The variables of `targets` that take one value in every whole-number solution of the
    equations within `bounds` (the real values are one such solution).

    A variable is free when some solution gives it another value, so the search is for such
    witnesses: linear programs (HiGHS), which over these 0/+-1 table systems almost always stop
    at a whole-number vertex; a vertex that is not whole is settled by the integer program. Every
    witness frees all the variables it moves. First the pending variables are pushed away from
    their bounds together, each within one of its real value; then each one left is pushed on its
    own, up and then down, as far as it goes; one that can move neither way is pinned. Each
    connected part of the system is solved on its own."""
    if not targets:
        return set()
    hidden = sorted(bounds, key=repr)
    index = {var: i for i, var in enumerate(hidden)}
    parent = list(range(len(hidden)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    reduced: list[tuple[list[tuple[int, int]], int]] = []
    for equation in equations:
        constant = 0
        unknown = []
        for var, coefficient in equation:
            if var in known:
                constant += coefficient * values[var]
            else:
                unknown.append((index[var], coefficient))
        if unknown:
            reduced.append((unknown, -constant))
            first = root(unknown[0][0])
            for i, _ in unknown[1:]:
                parent[root(i)] = first

    # Infinite upper bounds are capped far above any real value, so that every program is bounded;
    # a witness inside the cap is a witness, and the cap only ever errs towards "pinned".
    cap = 4 * max([0, *values.values()]) + 100
    by_part: dict[int, list[int]] = defaultdict(list)
    for i in range(len(hidden)):
        by_part[root(i)].append(i)
    rows_of: dict[int, list[int]] = defaultdict(list)
    for r, (unknown, _) in enumerate(reduced):
        rows_of[root(unknown[0][0])].append(r)

    pinned: set[Var] = set()
    for part, members in by_part.items():
        wanted = [i for i in members if hidden[i] in targets]
        if not wanted:
            continue
        if not rows_of[part]:  # in no equation: pinned only by its own bounds
            pinned.update(hidden[i] for i in wanted if bounds[hidden[i]][0] == bounds[hidden[i]][1])
            continue
        local = {i: j for j, i in enumerate(members)}
        data, row_index, column_index, rhs = [], [], [], []
        for r, row in enumerate(rows_of[part]):
            unknown, constant = reduced[row]
            for i, coefficient in unknown:
                data.append(coefficient)
                row_index.append(r)
                column_index.append(local[i])
            rhs.append(constant)
        fixed = _pinned_in_part(
            (data, row_index, column_index, rhs),
            lower=[bounds[hidden[i]][0] for i in members],
            upper=[min(bounds[hidden[i]][1], cap) for i in members],
            truth=[values[hidden[i]] for i in members],
            wanted={local[i] for i in wanted},
        )
        pinned.update(hidden[members[j]] for j in fixed)
    return pinned


def _pinned_in_part(equations, *, lower, upper, truth, wanted: set[int]) -> set[int]:
    """`_pinned_exactly` on one connected part: `equations` is (coefficients, rows, columns,
    right-hand sides) of A x = b; returns the indexes in `wanted` that cannot move."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, linprog, milp
    from scipy.sparse import csr_array

    data, row_index, column_index, rhs = equations
    size = len(truth)
    shape = (len(rhs), size)
    a = csr_array((np.array(data, dtype=float), (row_index, column_index)), shape=shape)
    a_int = csr_array((np.array(data, dtype=np.int64), (row_index, column_index)), shape=shape)
    b, b_int = np.array(rhs, dtype=float), np.array(rhs, dtype=np.int64)
    lower, upper = np.array(lower, dtype=float), np.array(upper, dtype=float)
    box = np.column_stack([lower, upper])
    truth = np.array(truth, dtype=np.int64)
    # Within one of the real values: the programs that look for many witnesses at once, so that
    # they move many variables a little rather than one a long way (a witness in it is a witness).
    near = np.column_stack([np.maximum(lower, truth - 1), np.minimum(upper, truth + 1)])
    pending = set(wanted)
    pinned: set[int] = set()

    def whole(x) -> np.ndarray | None:
        """`x` as whole numbers, if it is a solution in whole numbers."""
        rounded = np.round(x)
        if np.max(np.abs(x - rounded), initial=0) > 1e-6:
            return None
        rounded = rounded.astype(np.int64)
        if np.any(rounded < lower) or np.any(rounded > upper) or np.any(a_int @ rounded != b_int):
            return None
        return rounded

    def witness(objective: np.ndarray, j: int | None = None, up: bool = True) -> np.ndarray | None:
        """A whole-number solution minimising `objective`, or None: near the real values without
        `j`; with `j`, exact: the best whole-number solution whenever one moves variable j up (or
        down) from its real value."""
        bounds = box if j is not None else near
        result = linprog(objective, A_eq=a, b_eq=b, bounds=bounds, method="highs")
        if result.status != 0:
            return None
        solution = whole(result.x)
        if solution is not None:
            return solution
        # A vertex that is not whole: the integer program decides, unless even the linear
        # bound leaves no room for a whole step.
        if j is not None and ((result.x[j] < truth[j] + 1 - 1e-6) if up else (result.x[j] > truth[j] - 1 + 1e-6)):
            return None
        result = milp(
            objective,
            constraints=LinearConstraint(a, b, b),
            integrality=np.ones(size),
            bounds=Bounds(bounds[:, 0], bounds[:, 1]),
            # Out of time: its best solution so far if any, else none (and then "pinned").
            options={"time_limit": 10.0 if j is not None else 2.0},
        )
        return whole(result.x) if result.x is not None else None

    def note(solution: np.ndarray | None) -> bool:
        if solution is None:
            return False
        moved = {j for j in pending if solution[j] != truth[j]}
        pending.difference_update(moved)
        return bool(moved)

    # Together: push each pending variable away from its bound (up from its lower bound, down
    # from its upper one, either way between them), with random weights so that the vertices
    # differ. The seed only affects the speed, never the answer.
    rng = np.random.default_rng(0)
    direction = np.where(truth <= lower, -1.0, np.where(truth >= upper, 1.0, 0.0))
    misses = 0
    while pending and misses < 2:
        chosen = sorted(pending)
        signs = np.where(direction[chosen] != 0, direction[chosen], rng.choice([-1.0, 1.0], len(chosen)))
        objective = np.zeros(size)
        objective[chosen] = signs * rng.uniform(1, 2, len(chosen))
        misses = 0 if note(witness(objective)) else misses + 1
    for j in sorted(pending):
        if j not in pending:
            continue
        objective = np.zeros(size)
        objective[j] = 1.0
        note(witness(-objective, j, up=True))  # frees j if j can go up, and whatever else moved
        if j in pending:
            note(witness(objective, j, up=False))
        if j in pending:  # neither way: pinned
            pending.discard(j)
            pinned.add(j)
    return pinned
