"""The window and trade repairs (`wfm.roster.row_window.window_rows`, `wfm.roster.row_moves.move_rows`; when weekends
are short `wfm.roster.weekend_relay.move_weekends` and the trades again; then `fill_rows`; then the request
exchanges of `wfm.roster.swap_moves.swap_rows`) as a move of the LNS on a whole incumbent: the CP-SAT steps change a few
rows over a few days and leave one-day weekends and rows at their maximum minutes behind them that a trade or a window
mends. From the roster an LNS left after 120 s on a synthetic of Instance24's size, one pass of trades took 181,177 to
166,516 in 8 CPU-s, where the LNS had been gaining a few hundred a second; on another (152,532) trades took 200 off, a
pass of windows 7,216 in 11 CPU-s (load 6)."""

from __future__ import annotations

from collections.abc import Callable

from wfm.roster.greedy import CoverCount, split_weekend_cost
from wfm.roster.greedy_fill import fill_rows
from wfm.roster.lns_types import Roster, RowProblem, RowRules
from wfm.roster.row_moves import move_rows
from wfm.roster.row_window import window_rows
from wfm.roster.swap_moves import swap_rows
from wfm.roster.weekend_relay import move_weekends

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
        self.seen: Roster | None = None  # the incumbent the last whole pass of windows started from

    def _changed_since(self, cur: Roster) -> Callable[[int, int, int], bool]:
        """Whether a window (employee, first day, last day) may gain now: its row or the cover of one of its days
        changed since the last pass started (every window the first time). A window that gained nothing then,
        on the same row and cover, gains nothing now."""
        seen = self.seen
        if seen is None:
            return lambda e, lo, hi: True
        cells = {c for c in seen.keys() | cur.keys() if seen.get(c) != cur.get(c)}
        rows, days = {e for e, _ in cells}, {d for _, d in cells}
        return lambda e, lo, hi: e in rows or any(d in days for d in range(lo, hi + 1))

    def trade(self, cur: Roster, more: Callable[[], bool] = lambda: True) -> tuple[Roster, set[int]] | None:
        """The roster after every gaining trade and fill, then the exchanges of days between rows that grant
        requests (`swap_rows`; `more` cuts it short), with the employees whose rows changed; None when the
        objective is not lower than `cur`'s."""
        rows: dict[int, dict[int, str]] = {e: {} for e in range(self.problem.n_staff)}
        for (e, d), t in cur.items():
            rows[e][d] = t
        before = {e: dict(row) for e, row in rows.items()}
        cover = CoverCount(self.terms)
        for row in rows.values():
            cover.add(row, 1)
        D = self.problem.n_days
        traded = window_rows(self.rules, self.requests, rows, self.terms, cover.on, D, self.split, more,
                             tried=self._changed_since(cur))
        if more():  # every window was tried
            self.seen = dict(cur)
        traded += move_rows(self.rules, self.requests, rows, self.terms, cover.on, D, self.split, more)
        if move_weekends(self.rules, self.requests, rows, self.terms, cover.on, D, self.split, more):
            traded += 1 + move_rows(self.rules, self.requests, rows, self.terms, cover.on, D, self.split, more)
        if traded:
            fill_rows(self.rules, self.requests, rows, cover, D, self.split, more)
        if not swap_rows(self.rules, self.requests, rows, D, more) and not traded:
            return None
        new = {(e, d): t for e, row in rows.items() for d, t in row.items()}
        if self.problem.objective(new) >= self.problem.objective(cur):
            return None
        return new, {e for e, row in rows.items() if row != before[e]}
