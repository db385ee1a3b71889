"""A solver-free WEEKEND relocation laid out exactly (`row_window.window_layouts`), for when the staff's weekend
allowances cannot cover the weekend demand (`greedy.split_weekend_cost` > 0): a weekend a row works on one day only
(or an allowance it leaves unused) is given up for a whole weekend elsewhere on which both its days are free.

The days around both weekends are laid out again by the window DP, the row elsewhere fixed: a window of RELAY_DAYS
either side of the weekend given up, with that weekend off, and one around the weekend taken, worked on both days.
The two windows are coupled only through the row's minutes (each holds one weekend), so each DP gives its best
value for each number of minutes worked and the best pair within the row's minimum and maximum is taken. A weekend
worked on one day only may also be made whole in its own window. A move is made when the objective (cover and
requests) does not get worse and it gains counting `split` per one-day weekend mended, as `weekend_moves` counts;
every rule of the row is kept (`row_moves.row_holds`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from wfm.roster.greedy_fill import improve_rows, weekends_worked
from wfm.roster.lns_types import RowRules
from wfm.roster.row_moves import Changes, Slots, row_holds, runs_hold_near, with_changes
from wfm.roster.row_window import WINDOW_OPTIONS, window_layouts
from wfm.roster.weekend_moves import relocate_weekends
from wfm.roster.weekend_windows import full_weekends

__all__ = ["move_weekends", "relay_weekends", "best_relay", "RowView", "RELAY_DAYS", "TOP_PAIRS"]

RELAY_DAYS = 5  # days either side of a weekend laid out with it: Monday before to Friday after, one weekend
FAR_DROPS = 2  # weekdays away from the windows a move may give up besides
DENSE = 50  # what the estimate takes off a weekend taken for each day the row works in its window
TOP_PAIRS = 8  # (weekend given up, weekend taken) pairs searched a row, best estimate first

Frontier = dict[int, tuple[int, Changes]]  # change in minutes worked -> (best gain, the changes of the row)


@dataclass
class RowView:
    """One row as the relocation sees it: its rules and days, the cover's gains, its requests ((day, shift) ->
    gain), each day's shifts asked for, and each day's calmest shifts (`window_rows`'s fillers); `looked`
    gathers the days of the windows searched."""

    r: RowRules
    row: dict[int, str]
    slots: Slots
    requests: dict[tuple[int, str], int]
    asked: dict[int, list[str]]
    calm: list[list[str]]
    n_days: int
    split: int
    looked: set[int] = field(default_factory=set)

    def value(self, d: int, t: str) -> int:
        """What working t on day d adds, the row's own window taken off the cover."""
        return self.slots.add_gain(d, t) + self.requests.get((d, t), 0)

    def candidates(self, d: int) -> list[str]:
        fillers = [t for t in self.calm[d] if t in self.r.minutes][:WINDOW_OPTIONS]
        return [*sorted(self.slots.short.get(d, ())), *self.asked.get(d, ()), *fillers]

    def window(self, k: int) -> tuple[int, int]:
        return max(0, 7 * k + 5 - RELAY_DAYS), min(self.n_days - 1, 7 * k + 6 + RELAY_DAYS)

    def near(self, k: int) -> set[int]:
        """The days of the window of weekend k."""
        lo, hi = self.window(k)
        return set(range(lo, hi + 1))

    def minutes(self, row: dict[int, str], lo: int, hi: int) -> int:
        return sum(self.r.minutes[t] for d, t in row.items() if lo <= d <= hi)


def _frontier(v: RowView, row: dict[int, str], k: int, work: bool, room: int) -> Frontier:
    """The best gain over the row's own layout for each change in the minutes worked in the window of weekend k
    (as changes of the row), that weekend worked on both days (`work`) or on neither, `row` outside the window fixed,
    the other places of a move giving back or taking at most `room` minutes."""
    lo, hi = v.window(k)
    v.looked.update(range(lo, hi + 1))
    old = {d: t for d, t in row.items() if lo <= d <= hi}
    left = v.minutes(row, 0, v.n_days) - v.minutes(old, lo, hi)
    for d, t in old.items():
        v.slots.move(d, t, -1)
    base = sum(v.value(d, t) for d, t in old.items())
    days = frozenset({7 * k + 5, 7 * k + 6})
    ends = window_layouts(v.r, row, lo, hi, v.value, v.n_days, v.split, v.candidates,
                          (v.r.min_minutes - left - room, v.r.max_minutes - left + room, v.r.min_minutes - left + room),
                          days if work else frozenset(), frozenset() if work else days)
    for d, t in old.items():
        v.slots.move(d, t, 1)
    best: Frontier = {}
    for minutes, value, layout in ends:
        change = minutes - v.minutes(old, lo, hi)
        if change not in best or best[change][0] < value - base:
            best[change] = (value - base, {d: None for d in v.row if lo <= d <= hi} | layout)
    return best


def _far_drops(v: RowView, away: set[int]) -> Frontier:
    """The row's FAR_DROPS cheapest weekdays to give up (none, the cheapest, the two cheapest ...), each at least
    two days from the days in `away` and keeping the runs of the row without the ones before, as a frontier in
    minutes given up."""
    row = dict(v.row)
    cheap = sorted((v.slots.drop_gain(d, t) - v.requests.get((d, t), 0), d) for d, t in row.items()
                   if d % 7 < 5 and all(abs(d - x) >= 2 for x in away))
    front: Frontier = {0: (0, {})}
    minutes, gain = 0, 0
    changes: Changes = {}
    for g, d in reversed(cheap):
        if len(changes) >= FAR_DROPS:
            break
        t = row.pop(d)
        if not runs_hold_near(v.r, row, max(0, d - 1), min(v.n_days - 1, d + 1), v.n_days):
            row[d] = t
            continue
        minutes, gain, changes = minutes - v.r.minutes[t], gain + g, {**changes, d: None}
        front[minutes] = (gain, changes)
    return front


def _pairs(v: RowView, sources: list[int | None], targets: list[int]) -> list[tuple[int | None, int]]:
    """The TOP_PAIRS (source, target) pairs of windows apart, by an estimate: the best shifts of the target's two
    days added, the source's day worked given up, `split` for a one-day weekend mended."""
    def add(d: int) -> int:
        return max((v.value(d, t) for t in v.candidates(d)), default=-10 ** 9)

    def drop(k: int | None) -> int:
        if k is None:
            return 0
        d = 7 * k + 5 if 7 * k + 5 in v.row else 7 * k + 6
        return v.slots.drop_gain(d, v.row[d]) - v.requests.get((d, v.row[d]), 0) + v.split

    taken = {b: add(7 * b + 5) + add(7 * b + 6) - DENSE * len(v.near(b) & v.row.keys()) for b in targets}
    given = {a: drop(a) for a in sources}
    pairs = [(given[a] + taken[b], a, b) for a in sources for b in targets if a is None or abs(a - b) >= 2]
    pairs.sort(key=lambda p: -p[0])
    return [(a, b) for _, a, b in pairs[:TOP_PAIRS]]


def _combine(v: RowView, fronts: list[Frontier], total: int, mended: int) -> tuple[int, Changes] | None:
    """The best changes of the places `fronts` together, as (gain counting `split` per one of the `mended`
    one-day weekends, changes), whose row (`total` minutes before) keeps its minutes and every rule, the
    objective's gain at least 0 and above 0 counting `mended`."""
    combos: list[tuple[int, int, Changes]] = [(0, total, {})]  # (gain, minutes, changes)
    for front in fronts:
        combos = [(g + fg, m + fm, c | fc) for g, m, c in combos for fm, (fg, fc) in front.items()]
    combos = [c for c in combos if v.r.min_minutes <= c[1] <= v.r.max_minutes and c[0] >= 0
              and c[0] + v.split * mended > 0]
    combos.sort(key=lambda c: -c[0])
    for gain, _, changes in combos[:TOP_PAIRS]:
        if row_holds(v.r, with_changes(v.row, changes), v.n_days):
            return gain + v.split * mended, changes
    return None


def best_relay(v: RowView) -> tuple[int, Changes] | None:
    """The best relocation of one weekend allowance of the row (or a one-day weekend made whole in its window):
    (gain counting `split` per one-day weekend mended, changes), None when none gains and keeps every rule."""
    row, n_days, r = v.row, v.n_days, v.r
    one_day = [k for k in full_weekends(n_days) if (7 * k + 5 in row) != (7 * k + 6 in row)]
    sources: list[int | None] = list(one_day)
    if weekends_worked(row, n_days) < r.max_weekends:
        sources.append(None)
    free = [k for k in full_weekends(n_days) if not {7 * k + 5, 7 * k + 6} & (row.keys() | r.days_off)]
    total = v.minutes(row, 0, n_days)
    # what the other places of a move may give back or take: a window's days and the far drops
    room = (2 * RELAY_DAYS + 2 + FAR_DROPS) * max(r.minutes.values(), default=0)
    found: list[tuple[int, Changes] | None] = []
    given_up: dict[int, Frontier] = {}
    for a, b in _pairs(v, sources, free) if free else []:
        days = v.near(b)
        if a is None:
            taken = _frontier(v, row, b, True, room)
            found.append(_combine(v, [taken, _far_drops(v, days)], total, 0))
            continue
        if a not in given_up:
            given_up[a] = _frontier(v, row, a, False, room)
        rest = {d: t for d, t in row.items() if d not in (7 * a + 5, 7 * a + 6)}
        taken = _frontier(v, rest, b, True, room)
        far = _far_drops(v, days | v.near(a))
        found.append(_combine(v, [given_up[a], taken, far], total, 1))
    for a in one_day:
        far = _far_drops(v, v.near(a))
        found.append(_combine(v, [_frontier(v, row, a, True, room), far], total, 1))
    return max((f for f in found if f is not None), key=lambda f: f[0], default=None)


def relay_weekends(rules: dict[int, RowRules], requests: dict[int, dict[tuple[int, str], int]],
                   rows: dict[int, dict[int, str]], terms: dict[tuple[int, str], tuple[int, int, int]],
                   on: Counter[tuple[int, str]], n_days: int, split: int,
                   more: Callable[[], bool] = lambda: True) -> int:
    """While it gains, each row in turn takes its best weekend relocation (`best_relay`); `rows` and the cover
    `on` ((day, shift) -> people) are updated in place. A row that had none is searched again only once a move
    changed a day of the windows it searched (on a Synth24 roster the passes after the first took 1.8 CPU-s of
    3.1 for 1 move of 16). Nothing is done when weekends are not short (`split` 0). Returns the moves made."""
    if split <= 0:
        return 0
    slots = Slots(terms, on)
    shifts = sorted({t for r in rules.values() for t in r.minutes})
    calm = [sorted(shifts, key=lambda t: terms.get((d, t), (0, 0, 0))[2]) for d in range(n_days)]

    moved: list[set[int]] = []  # the days each move changed
    idle: dict[int, tuple[int, set[int]]] = {}  # row -> (moves made when it had none, the days it searched)

    def relay_best(e: int, row: dict[int, str]) -> bool:
        if e in idle and not any(days & idle[e][1] for days in moved[idle[e][0]:]):
            return False
        asked: dict[int, list[str]] = {}
        for (d, t), g in requests[e].items():
            if g > 0:
                asked.setdefault(d, []).append(t)
        view = RowView(rules[e], row, slots, requests[e], asked, calm, n_days, split)
        found = best_relay(view)
        if found is None:
            idle[e] = (len(moved), view.looked)
            return False
        idle.pop(e, None)
        moved.append(set(found[1]))
        for d, shift in found[1].items():
            if d in row:
                slots.move(d, row.pop(d), -1)
            if shift is not None:
                row[d] = shift
                slots.move(d, shift, 1)
        return True

    return improve_rows(rows, relay_best, more)


def move_weekends(rules: dict[int, RowRules], requests: dict[int, dict[tuple[int, str], int]],
                  rows: dict[int, dict[int, str]], terms: dict[tuple[int, str], tuple[int, int, int]],
                  on: Counter[tuple[int, str]], n_days: int, split: int,
                  more: Callable[[], bool] = lambda: True) -> int:
    """The weekend relocations of `weekend_moves.relocate_weekends`, then these (`relay_weekends`) for what they
    could not mend; the moves made. In the LNS's trade pass (`trade_step.RowTrader`), on the rosters of 120 s runs:
    Synth24 137,673 -> 136,229 with the first alone, 135,021 with both, at equal CPU (10 s); 155,810 -> 150,824 and
    149,923. Not in the greedy construction's last trades: there the wall-clock budget runs out within them, and
    the CPU-s they spend came out of the fills and trades after them (4 of 4 Synth24 runs side by side ended
    2.5-3.6% worse, their construction 2-6%; but the same construction code alone spreads 10%). Whole 120 s runs
    with it in the trade pass only, side by side with the base: Synth24 6 pairs -18,407 to +3,515 (median +1,300),
    the LNS phase's gain 5,403 against 5,518 on average; Synth23 -622, Synth22 +966, Synth20 -831: no difference
    resolved."""
    moved = relocate_weekends(rules, requests, rows, terms, on, n_days, split, more)
    return moved + (relay_weekends(rules, requests, rows, terms, on, n_days, split, more) if more() else 0)
