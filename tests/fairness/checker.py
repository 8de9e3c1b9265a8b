"""An independent check that a published fairness page gives no hidden value away.

Written apart from `compliance.fairness.disclosure` and sharing none of its code: it plays the
attacker, who knows everything the page publishes (both tables), which values are hidden (the
page does not say why), the rules (so a published count is at least the threshold), and that
counts are whole and never negative. For each hidden value it
looks for two different workforces (assignments of whole numbers to every hidden cell) that
would have produced exactly the page published. A hidden value that takes the same number in
every such workforce is worked out, and the check fails.

Two searches. First, moves of one person along a cycle of hidden values (the rows and columns
as nodes of a graph, each hidden cell an arc that may go up, or down while it stays >= 0, each
total the attacker does not know an arc to a free node): exact for each kind of move (one more
or fewer counted in the numerator, one more or fewer not, one person moving between the two),
and fast. Then, for any value still seen only once, a depth-first search of the workforces
nearest the real one in which that value differs, pruned on the published totals. Last, for
a value still seen once, an integer program (scipy's HiGHS, on this module's own formulation:
k and m of every cell) for the highest and lowest it can be; the nearest-workforce search misses
alternatives that need many people moved. Each finds a real alternative workforce, checked
against the page here, so a value reported safe is safe; a value no search moves is reported
worked out, so the check errs on the side of failing. The real workforce
must fit the page (checked first), which tests the model of the attacker's knowledge itself.
"""

from dataclasses import dataclass


@dataclass
class Known:
    """What the attacker knows of one position (a cell or a total)."""

    n: int | None  # people, from either table
    k: int | None  # numerator, from the rate table


def knowledge(headcount, rates) -> dict[tuple, Known]:
    """Positions: ("cell", r, c), ("row", r), ("col", c), ("grand",)."""

    def merge(h, q) -> Known:
        n = h.count if h.reason is None else None
        if q.reason is None:
            assert n is None or n == q.count, "the two tables disagree on a published count"
            n = q.count
        return Known(n=n, k=q.numerator if q.reason is None else None)

    known = {}
    for r in range(len(rates.rows)):
        for c in range(len(rates.columns)):
            known[("cell", r, c)] = merge(headcount.cells[r][c], rates.cells[r][c])
        known[("row", r)] = merge(headcount.row_totals[r], rates.row_totals[r])
    for c in range(len(rates.columns)):
        known[("col", c)] = merge(headcount.column_totals[c], rates.column_totals[c])
    known[("grand",)] = merge(headcount.grand_total, rates.grand_total)
    return known


def consistent(info: Known, n: int, k: int, t: int) -> bool:
    m = n - k
    if k < 0 or m < 0:
        return False
    if info.n is not None and n != info.n:
        return False
    return info.k is None or k == info.k


class Attacker:
    def __init__(self, headcount, rates, *, truth: dict[tuple[int, int], tuple[int, int]], seed: int = 0):
        self.t = rates.threshold
        self.rows, self.cols = len(rates.rows), len(rates.columns)
        self.known = knowledge(headcount, rates)
        self.truth = truth  # {(r, c): (n, k)}, the real counts

    # totals of an assignment of every cell
    def positions(self, cells: dict[tuple[int, int], tuple[int, int]]) -> dict[tuple, tuple[int, int]]:
        def total(parts) -> tuple[int, int]:
            parts = list(parts)
            return sum(n for n, _ in parts), sum(k for _, k in parts)

        out = {("cell", r, c): cells[(r, c)] for r in range(self.rows) for c in range(self.cols)}
        for r in range(self.rows):
            out[("row", r)] = total(cells[(r, c)] for c in range(self.cols))
        for c in range(self.cols):
            out[("col", c)] = total(cells[(r, c)] for r in range(self.rows))
        out[("grand",)] = total(cells.values())
        return out

    def feasible(self, cells) -> bool:
        return all(consistent(self.known[p], n, k, self.t) for p, (n, k) in self.positions(cells).items())

    def hidden(self) -> list[tuple[tuple, str]]:
        """(position, "n" | "k" | "m") the attacker does not see."""
        out = []
        for p, info in self.known.items():
            if info.n is None:
                out.append((p, "n"))
            if info.k is None:
                out += [(p, "k"), (p, "m")]
        return out

    def _small_move(self, position, what: str, *, depth: int = 5):
        """A workforce a few people away from the real one that changes `what` at `position`,
        or None. Start with one person more or fewer in a cell of the position, then repair:
        while some published value has changed, move one person in a cell of that value so
        as to undo the change (iterative deepening, at most `depth` moves)."""
        real = self._component(self.positions(self.truth)[position], what)
        units = [(1, 0), (-1, 0), (0, 1), (0, -1), (1, -1), (-1, 1)]
        order = [p for p in self.known if p[0] == "cell"] + [p for p in self.known if p[0] != "cell"]

        def apply(alt, cell, dk, dm) -> bool:
            n, k = alt[cell]
            if k + dk < 0 or n - k + dm < 0:
                return False
            alt[cell] = (n + dk + dm, k + dk)
            return True

        def first_violation(values):
            for p in order:
                info = self.known[p]
                n, k = values[p]
                real_n, real_k = self.truth_positions[p]
                if info.k is not None and (k != real_k or n != real_n):
                    return p, (k - real_k, (n - k) - (real_n - real_k))
                if info.n is not None and n != real_n:
                    return p, (n - real_n,)
            return None

        def repairs(change):
            if len(change) == 2:  # k and m both published: undo whichever moved
                dk, dm = change
                out = []
                if dk:
                    out.append((-1 if dk > 0 else 1, 0))
                if dm:
                    out.append((0, -1 if dm > 0 else 1))
                return out
            (dn,) = change
            return [(-1, 0), (0, -1)] if dn > 0 else [(1, 0), (0, 1)]

        def search(alt, budget) -> dict | None:
            values = self.positions(alt)
            violated = first_violation(values)
            if violated is None:
                return alt if self._component(values[position], what) != real else None
            if budget == 0:
                return None
            p, change = violated
            for cell in self._cells_of(p):
                for dk, dm in repairs(change):
                    nxt = dict(alt)
                    if apply(nxt, cell, dk, dm):
                        found = search(nxt, budget - 1)
                        if found is not None:
                            return found
            return None

        self.truth_positions = self.positions(self.truth)
        for limit in range(depth + 1):
            for cell in self._cells_of(position):
                for dk, dm in units:
                    alt = dict(self.truth)
                    if apply(alt, cell, dk, dm):
                        found = search(alt, limit)
                        if found is not None:
                            return found
        return None

    def determined(self) -> list[str]:
        """Hidden values for which no second workforce was found. Empty means safe."""
        assert self.feasible(self.truth), "the real workforce does not fit the page: the checker is wrong"
        if not self.truth:  # no columns: nobody is counted, and the totals are 0 by construction
            return []
        hidden = self.hidden()
        real = self.positions(self.truth)
        seen = {h: {self._component(real[h[0]], h[1])} for h in hidden}
        pending = set(hidden)

        def note(solution) -> None:
            values = self.positions(solution)
            for h in list(pending):
                seen[h].add(self._component(values[h[0]], h[1]))
                if len(seen[h]) > 1:
                    pending.discard(h)

        # First single moves along cycles (exact for each kind of move, and fast), then for any
        # value still seen once a search of the workforces nearest the real one, targeted at it.
        for what, varies in (("k", ("k", "n")), ("m", ("m", "n")), ("flip", ("k", "m"))):
            for h in list(pending):
                if h[1] in varies and self._cycle_through(h[0], what):
                    pending.discard(h)
        for position, what in sorted(pending, key=repr):
            if (position, what) in pending:
                solution = self._small_move(position, what)
                if solution is not None:
                    note(solution)
        # Last, for a value still seen once, an integer program: the highest and the lowest it can
        # be on this page. Any workforce it returns is checked against the page here before it
        # counts, so a wrong answer from the solver can only make the check fail.
        for position, what in sorted(pending, key=repr):
            if (position, what) in pending:
                for sense in (-1, 1):
                    solution = self._extreme(position, what, sense)
                    if solution is not None and self.feasible(solution):
                        note(solution)
        return sorted(f"{p} {what} = {next(iter(seen[(p, what)]))}" for p, what in pending)

    def _cycle_through(self, position, family: str) -> bool:
        """Whether a move of one person along a cycle of hidden values changes `position`.

        Families: "k" (one more or fewer among those counted in the numerator: k and n change,
        m does not), "m" (the same for the others), "flip" (one person moves between k and m: n
        does not change). In each family a position is balanced (its change must be 0) when
        the attacker knows the value the move would change: n for "k" and "m", k for "flip".
        Cells are arcs between row and column nodes (increase R->C, decrease C->R, only while
        the value stays >= 0); a total that is not balanced connects its row or column to a
        super node (rows to SR, columns to SC, and SR to SC when the grand total is free). A
        value can change exactly when some cycle passes through it.
        """
        balanced = (lambda i: i.n is not None) if family != "flip" else (lambda i: i.k is not None)
        arcs: dict = {}

        def arc(a, b, key):
            arcs.setdefault(a, []).append((b, key))

        for (r, c), (n, k) in self.truth.items():
            info = self.known[("cell", r, c)]
            if balanced(info):
                continue
            m = n - k
            up = {"k": True, "m": True, "flip": m >= 1}[family]
            down = {"k": k >= 1, "m": m >= 1, "flip": k >= 1}[family]
            if up:
                arc(("R", r), ("C", c), ("cell", r, c, "+"))
            if down:
                arc(("C", c), ("R", r), ("cell", r, c, "-"))
        for r in range(self.rows):
            if not balanced(self.known[("row", r)]):
                arc("SR", ("R", r), ("row", r, "+"))
                arc(("R", r), "SR", ("row", r, "-"))
        for c in range(self.cols):
            if not balanced(self.known[("col", c)]):
                arc(("C", c), "SC", ("col", c, "+"))
                arc("SC", ("C", c), ("col", c, "-"))
        if not balanced(self.known[("grand",)]):
            arc("SC", "SR", ("grand", "+"))
            arc("SR", "SC", ("grand", "-"))

        def reachable(start, goal, banned_prefix) -> bool:
            seen, stack = {start}, [start]
            while stack:
                node = stack.pop()
                for nxt, key in arcs.get(node, ()):
                    if key[:-1] == banned_prefix or nxt in seen:
                        continue
                    if nxt == goal:
                        return True
                    seen.add(nxt)
                    stack.append(nxt)
            return False

        if position[0] == "cell":
            ends = (("R", position[1]), ("C", position[2]))
        elif position[0] == "row":
            ends = ("SR", ("R", position[1]))
        elif position[0] == "col":
            ends = (("C", position[1]), "SC")
        else:
            ends = ("SC", "SR")
        key = tuple(position)
        for a, b, sign in ((ends[0], ends[1], "+"), (ends[1], ends[0], "-")):
            if (b, (*key, sign)) in [(n, k) for n, k in arcs.get(a, ())] and reachable(b, a, key):
                return True
        return False

    def _extreme(self, position, what: str, sense: int):
        """The workforce fitting the page that makes `what` at `position` as large (sense -1) or
        as small (sense 1) as it can be, in whole numbers, or None. Unknowns: k and m of every cell
        (m = n - k), whole and >= 0; each value the attacker knows is an equation."""
        import numpy as np
        from scipy.optimize import Bounds, LinearConstraint, milp

        cells = [(r, c) for r in range(self.rows) for c in range(self.cols)]
        column = {cell: 2 * i for i, cell in enumerate(cells)}  # k at 2i, m at 2i + 1

        def row_for(p, parts: str):
            row = np.zeros(2 * len(cells))
            for cell in self._cells_of(p):
                if "k" in parts:
                    row[column[cell]] = 1
                if "m" in parts:
                    row[column[cell] + 1] = 1
            return row

        rows, rhs = [], []
        for p, info in self.known.items():
            if info.n is not None:
                rows.append(row_for(p, "km"))
                rhs.append(info.n)
            if info.k is not None:
                rows.append(row_for(p, "k"))
                rhs.append(info.k)
        objective = sense * row_for(position, {"n": "km", "k": "k", "m": "m"}[what])
        everyone = sum(n for n, _ in self.truth.values())
        constraints = [LinearConstraint(np.array(rows), rhs, rhs)] if rows else []
        result = milp(
            objective,
            constraints=constraints,
            integrality=np.ones(2 * len(cells)),
            bounds=Bounds(0, 4 * everyone + 100),  # far above anything on the page
        )
        if result.status != 0 or result.x is None:
            return None
        x = np.round(result.x).astype(int)
        return {cell: (int(x[column[cell]] + x[column[cell] + 1]), int(x[column[cell]])) for cell in cells}

    def _cells_of(self, position) -> list[tuple[int, int]]:
        if position[0] == "cell":
            return [(position[1], position[2])]
        if position[0] == "row":
            return [(position[1], c) for c in range(self.cols)]
        if position[0] == "col":
            return [(r, position[1]) for r in range(self.rows)]
        return [(r, c) for r in range(self.rows) for c in range(self.cols)]

    @staticmethod
    def _component(nk: tuple[int, int], what: str) -> int:
        n, k = nk
        return {"n": n, "k": k, "m": n - k}[what]
