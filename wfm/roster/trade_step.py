"""The trade repair (`wfm.roster.row_moves.move_rows`; when weekends are short,
`wfm.roster.weekend_moves.relocate_weekends` and the trades again; then `fill_rows`) as a move of the LNS on a whole
incumbent: the CP-SAT steps change a few rows over a few days and leave one-day weekends and rows at their
maximum minutes behind them that a trade mends. From the roster an LNS left after 120 s on a synthetic of
Instance24's size, one pass took 181,177 to 166,516 in 8 CPU-s (and 165,484 to 160,329 after the construction's
own trades), where the LNS had been gaining a few hundred a second."""

from __future__ import annotations

from collections.abc import Callable

from wfm.roster.greedy import CoverCount, split_weekend_cost
from wfm.roster.greedy_fill import fill_rows
from wfm.roster.lns_types import Roster, RowProblem, RowRules
from wfm.roster.row_moves import move_rows
from wfm.roster.weekend_moves import relocate_weekends

__all__ = ["RowTrader"]


class RowTrader:
    """Trades and fills on a problem that states its rules per row (`RowProblem`)."""

    def __init__(self, problem: RowProblem):
        self.problem = problem
        E, D = problem.n_staff, problem.n_days
        self.terms = problem.cover_terms()
        self.rules: dict[int, RowRules] = {e: problem.row_rules(e) for e in range(E)}
        self.requests = {e: problem.request_gains(e) for e in range(E)}
        self.split = split_weekend_cost(self.rules.values(), self.terms, D)

    def trade(self, cur: Roster, more: Callable[[], bool] = lambda: True) -> tuple[Roster, set[int]] | None:
        """The roster after every gaining trade and fill (`more` cuts it short), with the employees whose rows
        changed; None when the objective is not lower than `cur`'s."""
        rows: dict[int, dict[int, str]] = {e: {} for e in range(self.problem.n_staff)}
        for (e, d), t in cur.items():
            rows[e][d] = t
        before = {e: dict(row) for e, row in rows.items()}
        cover = CoverCount(self.terms)
        for row in rows.values():
            cover.add(row, 1)
        D = self.problem.n_days
        moved = move_rows(self.rules, self.requests, rows, self.terms, cover.on, D, self.split, more)
        if relocate_weekends(self.rules, self.requests, rows, self.terms, cover.on, D, self.split, more):
            moved += 1 + move_rows(self.rules, self.requests, rows, self.terms, cover.on, D, self.split, more)
        if not moved:
            return None
        fill_rows(self.rules, self.requests, rows, cover, D, self.split, more)
        new = {(e, d): t for e, row in rows.items() for d, t in row.items()}
        if self.problem.objective(new) >= self.problem.objective(cur):
            return None
        return new, {e for e, row in rows.items() if row != before[e]}
