"""The solver-free trade repair of the rule-driven construction (`wfm.roster.row_moves`): a day added to a row for a
day dropped (or a shift changed), every rule of the row kept, on one hand-made week (values worked out by hand)."""

from __future__ import annotations

from collections import Counter

from wfm.roster.lns_types import RowRules
from wfm.roster.row_moves import move_rows, row_holds

WEEK = 7  # days 0-6; weekend 0 is days 5 and 6


def _rules(max_shifts: int = 5, forbidden: dict[str, set[str]] | None = None) -> RowRules:
    # shifts E and L of 480 minutes; runs of work 2-5 days, rest at least 2 days (shorter where they touch day 0
    # or day 6); one weekend; at most `max_shifts` shifts
    return RowRules({"E": 480, "L": 480}, 0, 480 * max_shifts, 5, 2, 2, 1, {"E": WEEK, "L": WEEK},
                    forbidden or {}, frozenset())


def _trade(rules: RowRules, row: dict[int, str], others: dict[tuple[int, str], int], split: int,
           cover: dict[tuple[int, str], tuple[int, int, int]] | None = None) -> \
        tuple[int, dict[int, str], Counter[tuple[int, str]]]:
    """Trades made, the row after them, and the cover; `others`: people on each slot besides the row."""
    terms = cover or {(d, "E"): (1, 100, 1) for d in range(WEEK)}  # one E wanted a day: 100 a person short, 1 over
    on = Counter(others)
    on.update((d, t) for d, t in row.items())
    rows = {0: dict(row)}
    moved = move_rows({0: rules}, {0: {}}, rows, terms, on, WEEK, split)
    return moved, rows[0], on


def test_row_holds_each_rule():
    r = _rules()
    assert row_holds(r, {1: "E", 2: "E", 3: "E", 4: "E", 5: "E"}, WEEK)
    assert not row_holds(r, {d: "E" for d in range(1, 7)}, WEEK)  # a run of 6 (and 6 shifts)
    assert not row_holds(r, {0: "E", 1: "E", 3: "E", 4: "E"}, WEEK)  # a rest of 1 day inside the week
    assert not row_holds(r, {2: "E", 5: "E", 6: "E"}, WEEK)  # a run of 1 inside the week
    assert row_holds(r, {0: "E", 3: "E", 4: "E"}, WEEK)  # the run of 1 touches day 0
    assert not row_holds(_rules(forbidden={"L": {"E"}}), {1: "L", 2: "E"}, WEEK)  # E may not follow L
    assert not row_holds(RowRules({"E": 480}, 960, 2400, 5, 2, 2, 1, {"E": 7}, {}, frozenset({3})),
                         {2: "E", 3: "E"}, WEEK)  # day 3 is a day off


def test_a_one_day_weekend_slides_the_run_onto_sunday():
    # The row works E on days 1-5 (at its 5 shifts; Saturday only), someone else on day 0, Sunday open.
    # Sunday needs a day dropped (minutes; a run 1-6 is 6 long): day 1 leaves rest 0-1 (touches day 0) and the run
    # 2-6 (5 days): cover +100 -100 = 0, one one-day weekend fewer: value 50. Dropping day 3 (over-covered by
    # someone else: +1) would leave a rest of 1 day between runs 1-2 and 4-6; day 0 (covered: -1) gains nothing.
    row = {d: "E" for d in range(1, 6)}
    moved, after, on = _trade(_rules(), row, {(0, "E"): 1, (3, "E"): 1}, split=50)
    assert (moved, after) == (1, {d: "E" for d in range(2, 7)})
    assert (on[1, "E"], on[6, "E"]) == (0, 1)


def test_without_the_split_cost_an_even_trade_is_not_made():
    row = {d: "E" for d in range(1, 6)}
    assert _trade(_rules(), row, {(0, "E"): 1, (3, "E"): 1}, split=0)[:2] == (0, row)


def test_a_shift_changed_where_another_is_short():
    # Day 2 wants one E and one L (100 a person short, 1 over); the row works L on days 1-3 and someone else L on
    # day 2: E on day 2 gains 100 + 1 = 101, unless E may not follow L (day 1).
    cover = {(2, "E"): (1, 100, 1), (2, "L"): (1, 100, 1)}
    row = {1: "L", 2: "L", 3: "L"}
    moved, after, _ = _trade(_rules(), row, {(2, "L"): 1}, 0, cover)
    assert (moved, after) == (1, {1: "L", 2: "E", 3: "L"})
    assert _trade(_rules(forbidden={"L": {"E"}}), row, {(2, "L"): 1}, 0, cover)[:2] == (0, row)


class _Week:
    """A `RowProblem` of two employees over the week: one E wanted a day (100 a person short, 1 over)."""

    n_staff, n_days, shifts = 2, WEEK, ["E", "L"]

    def row_rules(self, e: int) -> RowRules:
        return _rules()

    def cover_terms(self) -> dict[tuple[int, str], tuple[int, int, int]]:
        return {(d, "E"): (1, 100, 1) for d in range(WEEK)}

    def request_gains(self, e: int) -> dict[tuple[int, str], int]:
        return {}

    def objective(self, roster: dict[tuple[int, int], str]) -> int:
        on = Counter((d, t) for (_, d), t in roster.items())
        return sum(100 * max(0, need - on[d, t]) + max(0, on[d, t] - need)
                   for (d, t), (need, _, _) in self.cover_terms().items())


def test_the_trader_gives_an_over_covered_day_for_an_open_sunday():
    # Employee 0 works days 1-5 (Saturday only, at 5 shifts), employee 1 days 0-1: day 1 over-covered (1), Sunday
    # open (100): objective 101. Weekends are not short (2 people wanted on weekend days, 2 x 2 may work them):
    # split 0. Employee 0 gives day 1 (+1, no longer over-covered) for Sunday (+100): objective 0; employee 1
    # unchanged; then nothing gains.
    from wfm.roster.trade_step import RowTrader
    week = _Week()
    cur = {(0, d): "E" for d in range(1, 6)} | {(1, 0): "E", (1, 1): "E"}
    assert week.objective(cur) == 101
    trader = RowTrader(week)  # type: ignore[arg-type]
    assert trader.split == 0
    new, changed = trader.trade(cur) or ({}, set())
    assert new == {(0, d): "E" for d in range(2, 7)} | {(1, 0): "E", (1, 1): "E"}
    assert (week.objective(new), changed) == (0, {0})
    assert trader.trade(new) is None


def test_the_trader_tries_again_only_windows_whose_row_or_days_changed():
    # A window is searched again only once its row, or the cover of one of its days, changed since it was last
    # searched: employee 1 moved from day 0 to day 3, so of employee 0's two-day windows those over day 0 or 3.
    from wfm.roster.trade_step import RowTrader
    trader = RowTrader(_Week())  # type: ignore[arg-type]
    cur = {(0, d): "E" for d in range(2, 7)} | {(1, 0): "E", (1, 1): "E"}
    trader._note_changes(cur)
    assert all(trader._stale(0, lo, lo + 1) for lo in range(6))  # never searched: all; now marked
    assert not any(trader._stale(0, lo, lo + 1) for lo in range(6))
    moved = {(0, d): "E" for d in range(2, 7)} | {(1, 1): "E", (1, 3): "E"}
    trader._note_changes(moved)
    assert [trader._stale(0, lo, lo + 1) for lo in range(6)] == [True, False, True, True, False, False]
    trader._note_changes(moved)
    trader.dropped([0])  # the changes of row 0 were not kept: all its windows again
    assert all(trader._stale(0, lo, lo + 1) for lo in range(6))


def test_the_trader_changes_only_the_rows_of_its_slice():
    # As above, but only employee 1's row may change: it gives its over-covered day 1 (+1) for the open Sunday
    # (+100), its runs of one day touching day 0 and day 6 (exempt from the minimum of 2): objective 101 -> 0.
    from wfm.roster.trade_step import RowTrader
    week = _Week()
    cur = {(0, d): "E" for d in range(1, 6)} | {(1, 0): "E", (1, 1): "E"}
    trader = RowTrader(week)  # type: ignore[arg-type]
    assert trader.next_slice(1) == [0] and trader.next_slice(5) == [1, 0]
    new, changed = trader.trade(cur, subset=[1]) or ({}, set())
    assert new == {(0, d): "E" for d in range(1, 6)} | {(1, 0): "E", (1, 6): "E"}
    assert (week.objective(new), changed) == (0, {1})
