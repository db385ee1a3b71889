"""The solver-free window repair (`wfm.roster.row_window`): days of one row laid out again exactly against the
cover, the row outside the window fixed, every rule kept; on hand-made weeks (values worked out by hand)."""

from __future__ import annotations

from collections import Counter

from wfm.roster.lns_types import RowRules
from wfm.roster.row_moves import move_rows
from wfm.roster.row_window import best_window, window_layouts, window_rows

WEEK = 7  # days 0-6; weekend 0 is days 5 and 6


def _rules(max_shifts: int, runs: tuple[int, int] = (2, 3), rest: int = 2,
           minutes: dict[str, int] | None = None, forbidden: dict[str, set[str]] | None = None) -> RowRules:
    minutes = minutes or {"E": 480}
    return RowRules(minutes, 0, 480 * max_shifts, runs[1], runs[0], rest, 1, {t: WEEK for t in minutes},
                    forbidden or {}, frozenset())


def test_a_run_moved_onto_the_open_days_of_the_week():
    # Runs of 2-3 days, rests of 2 (shorter where they touch day 0 or 6), 4 shifts at most. Days 0-2 are covered
    # by others (-1 a person over), days 3-6 open (+100). From {0, 1} the best layouts are {3, 4, 5} and
    # {4, 5, 6} (300; {0} + {3, 4, 5} is 299, {0, 1} + {5, 6} 198, a run of 4 or 5 shifts break a rule);
    # {3, 4, 5} works Saturday only, so with 10 a one-day weekend {4, 5, 6} wins.
    value = {d: -1 if d <= 2 else 100 for d in range(WEEK)}
    found = best_window(_rules(4), {0: "E", 1: "E"}, 0, 6, lambda d, t: value[d], WEEK, 10)
    assert found == (300, {4: "E", 5: "E", 6: "E"})


def test_the_fixed_runs_either_side_bound_the_window():
    # The row works 0-1 and 5-6; days 2-4 are laid out again. Day 3 alone leaves rests of 1 day, 2-3 makes a run
    # of 4; day 2 (5) closes the run 0-2 with rest 3-4, day 4 (7) opens the run 4-6 with rest 2-3; both leave a
    # rest of 1. So the best is day 4 alone: 7, though day 3 is worth 50.
    value = {2: 5, 3: 50, 4: 7}
    row = {0: "E", 1: "E", 5: "E", 6: "E"}
    assert best_window(_rules(5), row, 2, 4, lambda d, t: value[d], WEEK, 0) == (7, {4: "E"})


def test_minutes_bound_the_layout():
    # E is 480 minutes, L 600, any runs and rests. E on day d is worth 10 + d, L 10 + 2d. At most 1,440 minutes:
    # three E on 4-6 give 45 (L on 5 and 6 only 42; two L and an E are 1,680 minutes).
    value = lambda d, t: 10 + d + d * (t == "L")  # noqa: E731
    assert best_window(_minutes_rules(1440), {}, 0, 6, value, WEEK, 0) == (45, {4: "E", 5: "E", 6: "E"})
    # at 1,680 minutes two L and an E fit: E 4 + L 5, 6 = 14 + 20 + 22 = 56 (L 4, 6 + E 5: 55; L 4, 5 + E 6: 54)
    assert best_window(_minutes_rules(1680), {}, 0, 6, value, WEEK, 0) == (56, {4: "E", 5: "L", 6: "L"})
    # with L not allowed after E: E 3, off 4, L 5, 6 = 13 + 20 + 22 = 55 (L 4, 5 + E 6: 54)
    assert best_window(_minutes_rules(1680, {"E": {"L"}}), {}, 0, 6, value, WEEK, 0) == \
        (55, {3: "E", 5: "L", 6: "L"})


def test_window_layouts_force_days_worked_or_off_and_keep_each_minutes():
    # An empty week, every shift worth 10, runs of 2-3 days, rests of 2 (shorter at day 0 or 6), at most 5 shifts.
    # Saturday and Sunday forced worked, Thursday forced off: the weekend alone (20), with Friday or with Monday
    # (a run touching day 0: 30), Mon-Tue or Tue-Wed with it, or Mon with Fri-Sun (40), Mon-Wed with it or Mon-Tue
    # with Fri-Sun (50); 6 shifts are more than 5.
    ends = window_layouts(_rules(5), {}, 0, 6, lambda d, t: 10, WEEK, 0, None, (0, 5 * 480, 5 * 480),
                          frozenset({5, 6}), frozenset({3}))
    assert all(5 in layout and 6 in layout and 3 not in layout for _, _, layout in ends)
    best = {}
    for minutes, value, _ in ends:
        best[minutes] = max(best.get(minutes, 0), value)
    assert best == {960: 20, 1440: 30, 1920: 40, 2400: 50}
    assert sorted(max(ends, key=lambda end: end[1])[2]) in ([0, 1, 2, 5, 6], [0, 1, 4, 5, 6])


def _minutes_rules(max_minutes: int, forbidden: dict[str, set[str]] | None = None) -> RowRules:
    # runs of 1-7 days, rests of 1 day or more, one weekend, no caps per shift
    return RowRules({"E": 480, "L": 600}, 0, max_minutes, 7, 1, 1, 1, {"E": WEEK, "L": WEEK}, forbidden or {},
                    frozenset())


def test_window_rows_relays_where_a_trade_cannot():
    # One E wanted on days 3 and 4 (100 a person short), none on the other days (1 a person over). The row works
    # {0, 1} (-1 each) at its 2 shifts, with runs of 2-3 and rests of 2: a trade of one day for another leaves a
    # run of 1 inside the week, so none is made; the window lays out {3, 4}: +200 (rests 0-2 and 5-6 touch the
    # edges of the week).
    terms = {(d, "E"): (int(d in (3, 4)), 100, 1) for d in range(WEEK)}

    def start() -> tuple[dict[int, dict[int, str]], Counter[tuple[int, str]]]:
        return {0: {0: "E", 1: "E"}}, Counter({(0, "E"): 1, (1, "E"): 1})

    rows, on = start()
    assert move_rows({0: _rules(2)}, {0: {}}, rows, terms, on, WEEK, 10) == 0
    rows, on = start()
    assert window_rows({0: _rules(2)}, {0: {}}, rows, terms, on, WEEK, 10, width=WEEK) == 1
    assert rows[0] == {3: "E", 4: "E"}
    assert [on[d, "E"] for d in range(WEEK)] == [0, 0, 0, 1, 1, 0, 0]
    assert window_rows({0: _rules(2)}, {0: {}}, rows, terms, on, WEEK, 10, width=WEEK) == 0  # nothing better


def test_a_cap_is_never_broken():
    # One E wanted a day (100 a person short, 1 over), others on days 0-2, the row on {0, 1}; with E at most twice
    # in the week the best layout ({4, 5, 6}: 300) breaks the cap, and the window is left as it is.
    capped = RowRules({"E": 480}, 0, 1920, 3, 2, 2, 1, {"E": 2}, {}, frozenset())
    terms = {(d, "E"): (1, 100, 1) for d in range(WEEK)}
    on = Counter({(d, "E"): 1 for d in range(3)})
    on.update({(0, "E"): 1, (1, "E"): 1})
    rows = {0: {0: "E", 1: "E"}}
    assert window_rows({0: capped}, {0: {}}, rows, terms, on, WEEK, 10, width=WEEK) == 0
    assert rows[0] == {0: "E", 1: "E"}
