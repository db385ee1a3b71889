"""The weekend relocation laid out by the window DP (`wfm.roster.weekend_relay`): a one-day weekend (or an unused
allowance) given up for a whole weekend elsewhere, the two windows coupled through the row's minutes; on hand-made
weeks (values worked out by hand), and a property check that every move keeps the row's rules."""

from __future__ import annotations

import random
from collections import Counter

from wfm.roster.lns_types import RowRules
from wfm.roster.row_moves import row_holds
from wfm.roster.weekend_relay import relay_weekends

E = 480  # minutes of a shift


def _run(rules: RowRules, row: dict[int, str], cover: dict[tuple[int, str], tuple[int, int, int]], days: int,
         split: int, others: Counter[tuple[int, str]] | None = None) -> tuple[int, dict[int, str], Counter]:
    on = Counter((d, t) for d, t in row.items()) + (others or Counter())
    rows = {0: dict(row)}
    moved = relay_weekends({0: rules}, {0: {}}, rows, cover, on, days, split)
    return moved, rows[0], on


def test_a_one_day_weekend_moves_with_both_windows_laid_out_together():
    # Three weeks (weekends 0: days 5-6, 1: 12-13, 2: 19-20); one E wanted a day (100 a person short, 1 over),
    # day 0 covered by someone else. Exactly 3 shifts, runs of 2-5, rests of 2 (shorter at the horizon's edges),
    # one weekend; Sunday 6 a day off, so the row's Thu-Sat (3-5) spends its weekend on Saturday only.
    # Weekend 1 is too near (its window overlaps); weekend 2 is taken whole. On its own the window of weekend 0
    # would keep Thu-Fri (-100), but then weekend 2 (at least Sat-Sun) makes 4 shifts; the 3 shifts go together:
    # weekend 0's window gives up all three (-300) and weekend 2's takes Fri-Sun 18-20 (+300): objective 0,
    # one one-day weekend mended (+50). Day 0 alone (a run touching the horizon) with Sat-Sun 19-20 is -301 + 200.
    rules = RowRules({"E": E}, 3 * E, 3 * E, 5, 2, 2, 1, {"E": 21}, {}, frozenset({6}))
    cover = {(d, "E"): (1, 100, 1) for d in range(21)}
    moved, after, on = _run(rules, {3: "E", 4: "E", 5: "E"}, cover, 21, 50, Counter({(0, "E"): 1}))
    assert (moved, after) == (1, {18: "E", 19: "E", 20: "E"})
    assert [on[d, "E"] for d in range(21)] == [1] + [0] * 17 + [1, 1, 1]


def test_an_unused_allowance_is_spent_with_far_days_given_up():
    # Two weeks; the row works Mon-Wed (0-2) where nobody is wanted (1 a person over), and no weekend of its one;
    # Sat-Sun 12-13 want one E each (100 short). At most 3 shifts: taking weekend 1 whole (+200) means giving up two
    # days far from it: Wednesday then Tuesday (+1 each; Monday is left alone, a run touching day 0): 202. Fri-Sun
    # (199) would need all three given up, and the far days are at most two; weekend 0 (window 0-11, forced
    # Sat-Sun 5-6 at 1 over) gains 1 at most.
    rules = RowRules({"E": E}, 0, 3 * E, 5, 2, 2, 1, {"E": 14}, {}, frozenset())
    cover = {(d, "E"): (0 if d < 12 else 1, 100, 1) for d in range(14)}
    moved, after, _ = _run(rules, {0: "E", 1: "E", 2: "E"}, cover, 14, 50)
    assert (moved, after) == (1, {0: "E", 12: "E", 13: "E"})


def test_nothing_moves_when_weekends_are_not_short_or_none_gains():
    rules = RowRules({"E": E}, 3 * E, 3 * E, 5, 2, 2, 1, {"E": 21}, {}, frozenset({6}))
    cover = {(d, "E"): (1, 100, 1) for d in range(21)}
    row = {3: "E", 4: "E", 5: "E"}
    assert _run(rules, row, cover, 21, 0)[:2] == (0, row)  # split 0: weekends not short
    # weekend 2 covered by others (1 over each day): the move would lose 300 - 3 on the objective
    others = Counter({(d, "E"): 1 for d in (18, 19, 20)})
    assert _run(rules, row, cover, 21, 50, others)[:2] == (0, row)


def _random_row(rng: random.Random, days: int, runs: tuple[int, int], rest: int) -> dict[int, str]:
    """Runs of work and rest within their lengths, L never followed by E."""
    row: dict[int, str] = {}
    d = rng.randrange(0, 3)
    while d < days:
        last = None
        for x in range(d, min(days, d + rng.randint(*runs))):
            last = "L" if last == "L" else rng.choice("EL")
            row[x] = last
        d = x + 1 + rng.randint(rest, rest + 3)
    return row


def _objective(cover: dict[tuple[int, str], tuple[int, int, int]], on: Counter[tuple[int, str]],
               rows: dict[int, dict[int, str]], requests: dict[int, dict[tuple[int, str], int]]) -> int:
    pen = sum(u * max(0, n - on[s]) + o * max(0, on[s] - n) for s, (n, u, o) in cover.items())
    return pen - sum(g for e, row in rows.items() for (d, t), g in requests[e].items() if row.get(d) == t)


def test_every_move_keeps_the_rows_rules_and_never_worsens_the_objective():
    days = 35
    for seed in range(25):
        rng = random.Random(seed)
        rules, rows, requests = {}, {}, {}
        for e in range(4):
            runs, rest = (rng.randint(1, 3), rng.randint(4, 6)), rng.randint(1, 3)
            row = _random_row(rng, days, runs, rest)
            worked = len(row) * E
            weekends = sum(1 for k in range(5) if 7 * k + 5 in row or 7 * k + 6 in row)
            off = frozenset(d for d in range(days) if d not in row and rng.random() < 0.1)
            rules[e] = RowRules({"E": E, "L": E}, worked - rng.randint(0, 2) * E, worked + rng.randint(0, 2) * E,
                                runs[1], runs[0], rest, weekends + rng.randint(0, 1), {"E": days, "L": days},
                                {"L": {"E"}}, off)
            assert row_holds(rules[e], row, days)
            rows[e] = row
            requests[e] = {(rng.randrange(days), rng.choice("EL")): rng.choice((-30, 20)) for _ in range(4)}
        cover = {(d, t): (rng.randint(0, 2), rng.randint(50, 100), rng.randint(1, 5)) for d in range(days)
                 for t in "EL"}
        on = Counter((d, t) for row in rows.values() for d, t in row.items())
        before = _objective(cover, on, rows, requests)
        relay_weekends(rules, requests, rows, cover, on, days, rng.randint(10, 100))
        assert all(row_holds(rules[e], row, days) for e, row in rows.items())
        assert on == Counter((d, t) for row in rows.values() for d, t in row.items()) + Counter()
        assert _objective(cover, on, rows, requests) <= before
