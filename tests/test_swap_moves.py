"""The cover-neutral exchange for requests (`wfm.roster.swap_moves`): two rows swap what they do on a block of
days, on hand-made weeks (values worked out by hand)."""

from __future__ import annotations

from collections import Counter

from wfm.roster.lns_types import RowRules
from wfm.roster.row_moves import row_holds
from wfm.roster.swap_moves import changes_hold, swap_rows

WEEK = 7  # days 0-6; weekend 0 is days 5 and 6


def _rules(days_off: frozenset[int] = frozenset(), min_run: int = 1, min_off: int = 1,
           forbidden: dict[str, set[str]] | None = None) -> RowRules:
    # shifts E and L of 480 minutes; 3-5 shifts; runs of work at most 5; one weekend
    return RowRules({"E": 480, "L": 480}, 3 * 480, 5 * 480, 5, min_run, min_off, 1, {"E": WEEK, "L": WEEK},
                    forbidden or {}, days_off)


def _cover(rows: dict[int, dict[int, str]]) -> Counter[tuple[int, str]]:
    return Counter((d, t) for row in rows.values() for d, t in row.items())


def test_an_on_request_is_granted_by_swapping_one_day():
    # Employee 0 works L on Tuesday (day 1) and asks for E (weight 3); employee 1 works E that day and asked
    # nothing. Swapping day 1 gives 0 its E (+3), 1 gets L (0): cover unchanged, 3 gained.
    rows = {0: {0: "L", 1: "L", 2: "L"}, 1: {0: "E", 1: "E", 2: "E"}}
    cover = _cover(rows)
    made = swap_rows({0: _rules(), 1: _rules()}, {0: {(1, "E"): 3}, 1: {}}, rows, WEEK)
    assert made == 1
    assert rows == {0: {0: "L", 1: "E", 2: "L"}, 1: {0: "E", 1: "L", 2: "E"}}
    assert _cover(rows) == cover


def test_only_the_askers_requests_are_looked_at_but_any_row_may_be_the_partner():
    # As above: with employee 1 alone asking (it asks nothing) no exchange; with employee 0 asking, the partner is
    # employee 1, not among the askers.
    rows = {0: {0: "L", 1: "L", 2: "L"}, 1: {0: "E", 1: "E", 2: "E"}}
    requests: dict[int, dict[tuple[int, str], int]] = {0: {(1, "E"): 3}, 1: {}}
    assert swap_rows({0: _rules(), 1: _rules()}, requests, rows, WEEK, askers=[1]) == 0
    assert swap_rows({0: _rules(), 1: _rules()}, requests, rows, WEEK, askers=[0]) == 1
    assert rows == {0: {0: "L", 1: "E", 2: "L"}, 1: {0: "E", 1: "L", 2: "E"}}


def test_a_succession_ban_makes_the_block_three_days():
    # L may not be followed by E. Swapping day 1 alone would give 0 "L E L" (E after L) and 1 "E L E" (E after L):
    # banned; days 0-1 give 0 "E E L" (fine) but 1 "L L E" (E after L); days 1-2 give 0 "L E E" (E after L).
    # The block 0-2 exchanges the whole runs: 0 works "E E E", 1 "L L L", both fine.
    rows = {0: {0: "L", 1: "L", 2: "L"}, 1: {0: "E", 1: "E", 2: "E"}}
    rules = _rules(forbidden={"L": {"E"}})
    assert swap_rows({0: rules, 1: rules}, {0: {(1, "E"): 2}, 1: {}}, rows, WEEK) == 1
    assert rows == {0: {0: "E", 1: "E", 2: "E"}, 1: {0: "L", 1: "L", 2: "L"}}


def test_an_off_request_goes_to_a_row_that_is_off_and_may_work():
    # Employee 0 works E on days 0-3 and asked Wednesday (day 2) off (weight 2 on each shift); employee 1 works
    # days 4-6 and is off on day 2. Day 2 alone: 0 works 0,1,3 and 1 works 2,4,5,6 (runs of 1 allowed): both
    # hold (0: 3 shifts, its minimum; 1: 4 shifts) and 2 is gained.
    rows = {0: {0: "E", 1: "E", 2: "E", 3: "E"}, 1: {4: "E", 5: "E", 6: "E"}}
    requests = {0: {(2, "E"): -2, (2, "L"): -2}, 1: {}}
    assert swap_rows({0: _rules(), 1: _rules()}, requests, rows, WEEK) == 1
    assert rows == {0: {0: "E", 1: "E", 3: "E"}, 1: {2: "E", 4: "E", 5: "E", 6: "E"}}


def test_no_exchange_when_the_partner_has_that_day_off_or_it_costs_the_partner():
    rows = {0: {0: "L", 1: "L", 2: "L"}, 1: {0: "E", 1: "E", 2: "E"}}
    # 1 asks for its E on day 1 with weight 3, more than 0's 2: every exchange loses
    assert swap_rows({0: _rules(), 1: _rules()}, {0: {(1, "E"): 2}, 1: {(1, "E"): 3}}, rows, WEEK) == 0
    # 0's off-request on day 2 cannot go to 1, whose day 2 is a day off (1 works days 3-5)
    rows = {0: {0: "E", 1: "E", 2: "E", 3: "E"}, 1: {3: "E", 4: "E", 5: "E"}}
    made = swap_rows({0: _rules(), 1: _rules(days_off=frozenset({2}))}, {0: {(2, "E"): -2}, 1: {}}, rows, WEEK)
    assert made == 0 and rows[0] == {0: "E", 1: "E", 2: "E", 3: "E"}


def test_changes_hold_agrees_with_row_holds():
    # every change of up to two days to a row that holds, over shifts and days off: the local check and the
    # whole-row check agree
    r = _rules(min_run=2, min_off=2, forbidden={"L": {"E"}})
    row = {0: "E", 1: "E", 4: "L", 5: "L", 6: "L"}
    assert row_holds(r, row, WEEK)
    options: list[str | None] = [None, "E", "L"]
    for d1 in range(WEEK):
        for d2 in range(d1, WEEK):
            for t1 in options:
                for t2 in options:
                    changes = {d1: t1, d2: t2}
                    new = {**row}
                    for d, t in changes.items():
                        if t is None:
                            new.pop(d, None)
                        else:
                            new[d] = t
                    assert changes_hold(r, row, changes, WEEK) == row_holds(r, new, WEEK), (changes, new)
