"""The window and trade repairs (`wfm.roster.row_window.window_rows`, `wfm.roster.row_moves.move_rows`; when weekends
are short `wfm.roster.weekend_relay.move_weekends` and the trades again; then `fill_rows`; then the request
exchanges of `wfm.roster.swap_moves.swap_rows`) as a move of the LNS on a whole incumbent: the CP-SAT steps change a few
rows over a few days and leave one-day weekends and rows at their maximum minutes behind them that a trade or a window
mends. From the roster an LNS left after 120 s on a synthetic of Instance24's size, one pass of trades took 181,177 to
166,516 in 8 CPU-s, where the LNS had been gaining a few hundred a second; on another (152,532) trades took 200 off, a
pass of windows 7,216 in 11 CPU-s (load 6). The LNS runs it on a slice of the rows at a time
(`RowTrader.next_slice`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from wfm.roster.greedy import CoverCount, split_weekend_cost
from wfm.roster.greedy_fill import fill_rows
from wfm.roster.lns_types import Roster, RowProblem, RowRules
from wfm.roster.row_moves import move_rows
from wfm.roster.row_window import window_rows
from wfm.roster.swap_moves import swap_rows
from wfm.roster.weekend_relay import move_weekends

__all__ = ["RowTrader"]


class RowTrader:
    """Trades and fills on a problem that states its rules per row (`RowProblem`), on all rows or a slice of them.

    It remembers which windows (employee, first day) it searched, and when: a window is searched again only once
    its row or the cover of one of its days changed since (the incumbents it is given are compared cell by cell),
    since a window that gained nothing then, on the same row and cover, gains nothing now."""

    def __init__(self, problem: RowProblem):
        self.problem = problem
        E, D = problem.n_staff, problem.n_days
        self.terms = problem.cover_terms()
        self.rules: dict[int, RowRules] = {e: problem.row_rules(e) for e in range(E)}
        self.requests = {e: problem.request_gains(e) for e in range(E)}
        self.split = split_weekend_cost(self.rules.values(), self.terms, D)
        self.last: Roster | None = None  # the incumbent the last call started from
        self.epoch = 0  # calls so far
        self.row_epoch = [0] * E  # the call that last saw the row change
        self.day_epoch = [0] * D  # the call that last saw the cover of the day change
        self.searched: dict[tuple[int, int], int] = {}  # (employee, first day) -> the call that last searched it
        self.cursor = 0  # the first employee of the next slice (`next_slice`)

    def _note_changes(self, cur: Roster) -> None:
        self.epoch += 1
        last = self.last
        if last is None:
            self.row_epoch = [self.epoch] * len(self.row_epoch)
            self.day_epoch = [self.epoch] * len(self.day_epoch)
        else:
            for e, d in last.keys() | cur.keys():
                if last.get((e, d)) != cur.get((e, d)):
                    self.row_epoch[e] = self.day_epoch[d] = self.epoch
        self.last = dict(cur)

    def _stale(self, e: int, lo: int, hi: int) -> bool:
        """Whether window (e, lo..hi) may gain now (it is then searched and so marked)."""
        changed = max(self.row_epoch[e], max(self.day_epoch[lo:hi + 1], default=0))
        if self.searched.get((e, lo), 0) >= changed:
            return False
        self.searched[e, lo] = self.epoch
        return True

    def dropped(self, employees: Iterable[int]) -> None:
        """The changes the last call made to these rows were not kept: their windows are searched again."""
        for e in employees:
            self.row_epoch[e] = self.epoch + 1

    def next_slice(self, n: int) -> list[int]:
        """The next `n` employees in turn (all of them at most), for `trade`'s `subset`."""
        E = self.problem.n_staff
        n = max(1, min(n, E))
        out = [(self.cursor + i) % E for i in range(n)]
        self.cursor = (self.cursor + n) % E
        return out

    def trade(self, cur: Roster, more: Callable[[], bool] = lambda: True, subset: Iterable[int] | None = None) -> \
            tuple[Roster, set[int]] | None:
        """The roster after every gaining window, trade and fill, then the exchanges of days between rows that grant
        requests (`swap_rows`; `more` cuts it short), with the employees whose rows changed; None when the
        objective is not lower than `cur`'s. With `subset`, only those employees' rows change, against the cover of
        all, but for the rows they exchange days with to grant their own requests."""
        self._note_changes(cur)
        rows: dict[int, dict[int, str]] = {e: {} for e in range(self.problem.n_staff)}
        for (e, d), t in cur.items():
            rows[e][d] = t
        cover = CoverCount(self.terms)
        for row in rows.values():
            cover.add(row, 1)
        part = rows if subset is None else {e: rows[e] for e in sorted(set(subset))}
        before = {e: dict(row) for e, row in rows.items()}
        D = self.problem.n_days
        traded = window_rows(self.rules, self.requests, part, self.terms, cover.on, D, self.split, more,
                             tried=self._stale)
        traded += move_rows(self.rules, self.requests, part, self.terms, cover.on, D, self.split, more)
        if move_weekends(self.rules, self.requests, part, self.terms, cover.on, D, self.split, more):
            traded += 1 + move_rows(self.rules, self.requests, part, self.terms, cover.on, D, self.split, more)
        traded += fill_rows(self.rules, self.requests, part, cover, D, self.split, more)  # the steps' holes too
        if not swap_rows(self.rules, self.requests, rows, D, more, askers=part) and not traded:
            return None
        new = {(e, d): t for e, row in rows.items() for d, t in row.items()}
        changed = {e for e, row in rows.items() if row != before[e]}
        if self.problem.objective(new) >= self.problem.objective(cur):
            self.dropped(changed)
            return None
        return new, changed
