"""The solver-free repair of the rule-driven construction (`wfm.roster.greedy_fill.fill_rows`): blocks of work added to
a row's runs of rest under its own rules, on one hand-made week (values worked out by hand below)."""

from __future__ import annotations

from wfm.roster.greedy import CoverCount
from wfm.roster.greedy_fill import fill_rows
from wfm.roster.lns_types import RowRules

WEEK = 7  # days 0-6; weekend 0 is days 5 and 6
COVER = {(d, "D"): (1, 100, 1) for d in range(WEEK)}  # one person wanted a day: 100 per person short, 1 over


def _rules(max_shifts: int = 5, max_weekends: int = 1) -> RowRules:
    # runs of work 2-3 days (shorter where they touch day 0 or day 6), rest at least 2 days
    return RowRules({"D": 480}, 0, 480 * max_shifts, 3, 2, 2, max_weekends, {"D": WEEK}, {}, frozenset())


def _fill(rules: RowRules, row: dict[int, str], split: int = 0, premium: int = 0) -> tuple[int, dict[int, str]]:
    cover = CoverCount(COVER)
    cover.weekend_premium = premium
    cover.add(row, 1)
    rows = {0: dict(row)}
    added = fill_rows({0: rules}, {0: {}}, rows, cover, WEEK, split)
    return added, rows[0]


def test_the_best_block_fills_the_rest_after_a_run():
    # Worked on days 0-1; the rest 2-6 can take: day 2 (joins 0-1 into a run of 3, leaves rest 3-6: 100),
    # 4-6 (rest 2-3 before it, a run of 3 touching day 6: 300), 5-6 or 4-5 (200). Day 3 alone would leave a rest
    # of 1 before it. Then the rest 2-3 takes nothing (2 or 3 join runs of 2 and 3 beyond 3, or leave 1 day).
    assert _fill(_rules(), {0: "D", 1: "D"}) == (1, {0: "D", 1: "D", 4: "D", 5: "D", 6: "D"})


def test_minutes_and_one_day_weekends():
    # 4 shifts at most: 2 left, so a block of 2. 4-5 and 5-6 both gain 200, but 4-5 works the weekend on
    # Saturday only, charged the split cost (50): 5-6 wins.
    assert _fill(_rules(max_shifts=4), {0: "D", 1: "D"}, split=50) == (1, {0: "D", 1: "D", 5: "D", 6: "D"})


def test_no_weekend_left():
    # No weekend allowed: only day 2 (joining 0-1), then 3-4 would leave a rest of 1 day before it.
    assert _fill(_rules(max_weekends=0), {0: "D", 1: "D"}) == (1, {0: "D", 1: "D", 2: "D"})


def test_a_covered_day_is_not_worked():
    # Days 4-6 already covered by someone else: a block there loses 1 a day, so only day 2 gains (100).
    cover = CoverCount(COVER)
    cover.add({4: "D", 5: "D", 6: "D"}, 1)
    rows = {0: {0: "D", 1: "D"}}
    assert fill_rows({0: _rules()}, {0: {}}, rows, cover, WEEK, 0) == 1
    assert rows[0] == {0: "D", 1: "D", 2: "D"}


def test_weekend_premium():
    cover = CoverCount(COVER)
    cover.weekend_premium = 50
    cover.add({6: "D"}, 1)
    gain = cover.gain({(4, "D"): 7})
    # a weekday short: 100 (+7 requested); Saturday short: 100 + 50; Sunday covered: -1 with no premium
    assert (gain(4, "D"), gain(3, "D"), gain(5, "D"), gain(6, "D")) == (107, 100, 150, -1)
