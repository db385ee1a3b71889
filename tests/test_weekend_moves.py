"""The weekend relocation (`wfm.roster.weekend_moves`): a one-day weekend given up for a whole weekend elsewhere,
every rule of the row kept, on two hand-made weeks (values worked out by hand)."""

from __future__ import annotations

from collections import Counter

from wfm.roster.lns_types import RowRules
from wfm.roster.weekend_moves import relocate_weekends
from wfm.roster.row_moves import SlotGains
from wfm.roster.weekend_windows import window_options

DAYS = 14  # two weeks: weekend 0 is days 5-6, weekend 1 days 12-13


def _rules(days_off: frozenset[int] = frozenset({6})) -> RowRules:
    # one shift E of 480 minutes; exactly 3 shifts (1440 minutes); runs of work 2-5 days, rest at least 2 days
    # (shorter where they touch day 0 or day 13); one weekend
    return RowRules({"E": 480}, 1440, 1440, 5, 2, 2, 1, {"E": DAYS}, {}, days_off)


def _cover() -> dict[tuple[int, str], tuple[int, int, int]]:
    return {(d, "E"): (1, 100, 1) for d in range(DAYS)}  # one E wanted a day: 100 a person short, 1 over


def _relocate(rules: RowRules, row: dict[int, str], split: int) -> tuple[int, dict[int, str], Counter]:
    on = Counter((d, t) for d, t in row.items())
    rows = {0: dict(row)}
    moved = relocate_weekends({0: rules}, {0: {}}, rows, _cover(), on, DAYS, split)
    return moved, rows[0], on


def test_a_one_day_weekend_blocked_by_a_day_off_moves_to_a_whole_weekend():
    # The row works Thu-Sat of week 0 (days 3-5); Sunday (6) is its hard day off, so Saturday spends its one weekend
    # on one day. At exactly 3 shifts, it can give up Saturday only with a day elsewhere: dropping 3 or 4 as well
    # leaves a run of 1 (the minimum is 2), so the whole run 3-5 goes (-300) for Fri-Sun of week 1 (11-13, +300):
    # objective 0, one one-day weekend fewer: +50. Sat-Sun alone (+200) would leave 1920 minutes with no day
    # left to give up; 10-13 is 4 shifts.
    moved, after, on = _relocate(_rules(), {3: "E", 4: "E", 5: "E"}, split=50)
    assert (moved, after) == (1, {11: "E", 12: "E", 13: "E"})
    assert [on[d, "E"] for d in range(DAYS)] == [0] * 11 + [1, 1, 1]


def test_nothing_moves_when_weekends_are_not_short():
    row = {3: "E", 4: "E", 5: "E"}
    assert _relocate(_rules(), row, split=0)[:2] == (0, row)


def test_nothing_moves_when_no_whole_weekend_is_free():
    row = {3: "E", 4: "E", 5: "E"}
    assert _relocate(_rules(frozenset({6, 13})), row, split=50)[:2] == (0, row)  # Sunday 13 a day off too


def test_window_options_keep_the_runs():
    # Weekend 1 of an empty row made worked: days 10-11 (and 14-15, outside the horizon) may flip. Sat-Sun alone
    # (+200, 960 minutes), with Friday (+300, 1440), with Thu-Fri (+400, 1920); Thursday without Friday leaves a
    # rest of 1 day (the minimum is 2).
    options = window_options(_rules(frozenset()), {}, 1, True, SlotGains(_cover(), Counter()), {}, DAYS)
    assert options == {960: (200, {12: "E", 13: "E"}), 1440: (300, {11: "E", 12: "E", 13: "E"}),
                       1920: (400, {10: "E", 11: "E", 12: "E", 13: "E"})}


def test_the_shifts_of_a_weekend_are_chosen_together():
    # Weekend 1 of an empty row made worked, L may not be followed by E. Saturday 12 wants an E and an L, Sunday 13
    # an E (its L is covered by someone else: 1 over). Both L (100 - 1 = 99) or both E (200); L then E is barred.
    rules = RowRules({"E": 480, "L": 480}, 0, 960, 5, 2, 2, 1, {"E": DAYS, "L": DAYS}, {"L": {"E"}}, frozenset())
    cover = {(12, "E"): (1, 100, 1), (12, "L"): (1, 100, 1), (13, "E"): (1, 100, 1), (13, "L"): (1, 100, 1)}
    options = window_options(rules, {}, 1, True, SlotGains(cover, Counter({(13, "L"): 1})), {}, DAYS)
    assert options[960] == (200, {12: "E", 13: "E"})
