"""A solver-free WINDOW repair of a roster laid by rows (`wfm.roster.greedy`, `trade_step.RowTrader`): one row's
days lo..hi are laid out again, exactly, by dynamic programming against everyone else's cover, the row outside the
window fixed. Where a trade (`row_moves.move_rows`: one day added for one dropped) cannot open a row's runs and
rests, a window can: a run slid by a few days, two runs merged by working the rest between them and a day
dropped elsewhere, two days added for one. Every rule of the row is kept: runs of work and rest within their
lengths (with the fixed runs either side of the window), successions, minutes, weekends worked, caps per shift
(a window whose best layout breaks a cap is left as it is), days off (`row_moves.row_holds` checks the result).

The search is exact over the shifts it tries a day (the WINDOW_OPTIONS best-gaining ones and the row's own): a
state is (shift worked the day before or off, start of the current run, weekends worked in the window, minutes
worked in the window), and states equal but for minutes keep only the layouts no other beats on both value and
minutes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from wfm.roster.greedy_fill import weekends_worked
from wfm.roster.lns_types import RowRules
from wfm.roster.row_moves import Slots, row_holds

__all__ = ["window_rows", "best_window", "window_layouts", "WINDOW_DAYS", "WINDOW_OPTIONS"]

WINDOW_DAYS = 14  # days re-laid at once; windows start every WINDOW_DAYS // 2 days
WINDOW_OPTIONS = 3  # shifts tried a day besides the row's own: the best-gaining ones
# a pass stops after this many searched windows a row without a gain in a row: on a synthetic of Instance20's size
# 678 windows searched gained 101 points in all, on Instance24's about one in 40 gains (1,000-9,000 points a pass)
MISSES_PER_ROW = 2

_Path = tuple[str | None, "_Path"] | None  # the layout backwards: (shift of the day or None = off, the rest)
_Key = tuple[str | None, int, int, int]  # (shift the day before or None, run start, weekends, minutes bucket)


def best_window(r: RowRules, row: dict[int, str], lo: int, hi: int, value: Callable[[int, str], int],
                n_days: int, split: int, candidates: Callable[[int], Iterable[str]] | None = None) -> \
        tuple[int, dict[int, str]] | None:
    """The layout of days lo..hi ({day: shift}, days off left out) that maximises the sum of `value(d, t)` over
    its shifts less `split` per weekend worked on one day only, with `row` outside lo..hi fixed and every rule
    of `r` kept but the caps per shift (checked by the caller); with its value. Day d tries the WINDOW_OPTIONS
    best of `candidates(d)` (default: every shift of the row) and the row's own shift. None when no layout keeps
    the rules (then `row` itself does not)."""
    ends = _ends(r, row, lo, hi, value, n_days, split, candidates, None, frozenset(), frozenset())
    if not ends:
        return None
    _, v, path = max(ends, key=lambda end: end[1])
    return v, _layout(path, hi)


def window_layouts(r: RowRules, row: dict[int, str], lo: int, hi: int, value: Callable[[int, str], int],
                   n_days: int, split: int, candidates: Callable[[int], Iterable[str]] | None = None,
                   minutes_range: tuple[int, int, int] | None = None, work: frozenset[int] = frozenset(),
                   rest: frozenset[int] = frozenset()) -> list[tuple[int, int, dict[int, str]]]:
    """The layouts of days lo..hi that `best_window` chooses from, as (minutes worked in the window, value,
    layout): for each end state, those no other beats on both value and fewer minutes, the layouts below
    `minutes_range[2]` told apart exactly (a layout short of it may need its minutes). `minutes_range`: the least
    and most minutes the window may work, and that threshold (default: what the row outside it leaves, the least
    the threshold). The days of `work` are worked, those of `rest` off."""
    return [(minutes, v, _layout(path, hi)) for minutes, v, path in
            _ends(r, row, lo, hi, value, n_days, split, candidates, minutes_range, work, rest)]


def _ends(r: RowRules, row: dict[int, str], lo: int, hi: int, value: Callable[[int, str], int], n_days: int,
          split: int, candidates: Callable[[int], Iterable[str]] | None, minutes_range: tuple[int, int, int] | None,
          work: frozenset[int], rest: frozenset[int]) -> list[tuple[int, int, _Path]]:
    """The DP of `window_layouts`: (minutes, value, path backwards from day hi) of its layouts."""
    outside = {d: t for d, t in row.items() if not lo <= d <= hi}
    minutes_out = sum(r.minutes[t] for t in outside.values())
    min_need, max_room, exact = minutes_range or (r.min_minutes - minutes_out, r.max_minutes - minutes_out,
                                                  r.min_minutes - minutes_out)
    # minutes need no state when no layout of the window can reach either bound
    counted = minutes_range is not None or min_need > 0 or \
        max_room < (hi - lo + 1) * max(r.minutes.values(), default=0)
    touched = {d // 7 for d in range(lo, hi + 1) if d % 7 >= 5}
    weekend_room = r.max_weekends - sum(1 for k in range((n_days + 1) // 7 + 1) if k not in touched
                                        and (7 * k + 5 in outside or 7 * k + 6 in outside))
    used = Counter(outside.values())
    first = (row.get(lo - 1), _run_start(row, lo - 1, r) if lo > 0 else 0)
    states: dict[_Key, list[tuple[int, int, _Path]]] = {(first[0], first[1], 0, 0): [(0, 0, None)]}
    for d in range(lo, hi + 1):
        gains: dict[str | None, int] = {} if d in work else {None: 0}
        if d not in r.days_off and d not in rest:
            tried = {t: value(d, t) for t in (candidates(d) if candidates else r.minutes)
                     if t in r.minutes and used[t] < r.max_shifts.get(t, n_days)}
            gains.update(sorted(tried.items(), key=lambda kv: (-kv[1], kv[0]))[:WINDOW_OPTIONS])
            if d in row:
                gains[row[d]] = value(d, row[d])
        nxt: dict[_Key, list[tuple[int, int, _Path]]] = {}
        closes = d % 7 == 6 or (d % 7 == 5 and d == hi)  # a weekend counted on this day
        for (p, start, weekends, _), layouts in states.items():
            for t, g in gains.items():
                moved = _step(r, p, start, d, t)
                if moved is None:
                    continue
                worked, half = _weekend(row, p, d, t, hi, n_days) if closes else (0, 0)
                if weekends + worked > weekend_room:
                    continue
                gain = g - split * half
                spent = r.minutes[t] if t is not None and counted else 0
                for minutes, v, path in layouts:
                    minutes += spent
                    if minutes <= max_room:
                        bucket = (t, moved, weekends + worked, minutes if minutes < exact else -1)
                        _keep(nxt, bucket, minutes, v + gain, (t, path))
        states = nxt
    return [(minutes, v, path) for (p, start, _, _), layouts in states.items()
            if _closes(r, row, p, start, hi, n_days) for minutes, v, path in layouts if minutes >= min_need]


def _layout(path: _Path, hi: int) -> dict[int, str]:
    """The days worked ({day: shift}) of a layout ending on day hi."""
    layout: dict[int, str] = {}
    d = hi
    while path is not None:
        if path[0] is not None:
            layout[d] = path[0]
        path, d = path[1], d - 1
    return layout


def _run_start(row: dict[int, str], d: int, r: RowRules) -> int:
    """The first day of the run (of work or of rest) that day d of `row` ends; a rest run long enough (or from
    day 0) is given as 0, which no rule then constrains."""
    work = d in row
    start = d
    while start > 0 and (start - 1 in row) == work:
        start -= 1
    return 0 if not work and d - start + 1 >= r.min_consecutive_off else start


def _step(r: RowRules, p: str | None, start: int, d: int, t: str | None) -> int | None:
    """The start of the run day d is in once it takes t (None: off) after p on day d-1 in a run from `start`;
    None when a rule breaks (a run too long, a run or rest closed too short, a forbidden succession)."""
    if t is not None:
        if p is not None:
            if t in r.forbidden_next.get(p, ()) or d - start + 1 > r.max_consecutive:
                return None
            return start
        if start > 0 and d - start < r.min_consecutive_off:
            return None
        return d if r.max_consecutive >= 1 else None
    if p is not None:
        return (0 if r.min_consecutive_off <= 1 else d) if start == 0 or d - start >= r.min_consecutive else None
    return 0 if start == 0 or d - start + 1 >= r.min_consecutive_off else start


def _weekend(row: dict[int, str], p: str | None, d: int, t: str | None, hi: int, n_days: int) -> tuple[int, int]:
    """(1 if the weekend that day d closes within the window is worked, 1 if on one day only); (0, 0) when day d
    closes no weekend (it is no Sunday, nor a Saturday that ends the window)."""
    if d % 7 == 6:
        sat, sun = p is not None, t is not None
    elif d % 7 == 5 and d == hi:
        sat, sun = t is not None, d + 1 in row
    else:
        return 0, 0
    whole = d - d % 7 + 6 < n_days
    return int(sat or sun), int(whole and sat != sun)


def _closes(r: RowRules, row: dict[int, str], p: str | None, start: int, hi: int, n_days: int) -> bool:
    """Whether a window ending on day hi in state (p, start) joins the fixed row after it under the rules."""
    after = hi + 1
    if after >= n_days:
        return True
    nxt = row.get(after)
    end = after
    while end + 1 < n_days and (end + 1 in row) == (nxt is not None):
        end += 1
    last = end == n_days - 1
    if p is not None and nxt is not None:
        run = end - start + 1
        return (nxt not in r.forbidden_next.get(p, ()) and run <= r.max_consecutive
                and (start == 0 or last or run >= r.min_consecutive))
    if p is not None:
        return (start == 0 or hi - start + 1 >= r.min_consecutive) and (last or end - hi >= r.min_consecutive_off)
    if nxt is not None:
        return (start == 0 or hi - start + 1 >= r.min_consecutive_off) and (last or end - hi >= r.min_consecutive)
    return start == 0 or last or end - start + 1 >= r.min_consecutive_off


def _keep(states: dict[_Key, list[tuple[int, int, _Path]]], bucket: _Key, minutes: int, value: int,
          path: _Path) -> None:
    """Add a layout (minutes, value, path) to its state (minutes below the row's minimum told apart exactly: a
    layout short of it may still need them) unless one there has no more minutes and no less value."""
    kept = states.get(bucket)
    if kept is None:
        states[bucket] = [(minutes, value, path)]
        return
    for m, v, _ in kept:
        if m <= minutes and v >= value:
            return
    kept[:] = [k for k in kept if not (k[0] >= minutes and k[1] <= value)]
    kept.append((minutes, value, path))


def window_rows(rules: dict[int, RowRules], requests: dict[int, dict[tuple[int, str], int]],
                rows: dict[int, dict[int, str]], terms: dict[tuple[int, str], tuple[int, int, int]],
                on: Counter[tuple[int, str]], n_days: int, split: int, more: Callable[[], bool] = lambda: True,
                width: int = WINDOW_DAYS, tried: Callable[[int, int, int], bool] = lambda e, lo, hi: True) -> int:
    """One pass over the windows of `width` days (every width // 2 days), each over every row: a window where the
    row could gain and `tried(e, lo, hi)` is laid out again by `best_window` and kept when it gains (the
    objective not worse, one-day weekends valued at `split`, as in `move_rows`); `rows` and the cover `on` are
    updated in place. The pass stops once MISSES_PER_ROW windows a row in a row were searched in vain. Returns
    the windows changed."""
    slots = Slots(terms, on)
    shifts = sorted({t for r in rules.values() for t in r.minutes})
    # each day's shifts by what one person over their requirement costs there: the fillers a run may need
    calm = [sorted(shifts, key=lambda t: terms.get((d, t), (0, 0, 0))[2]) for d in range(n_days)]
    asked_days: dict[int, dict[int, list[str]]] = {e: {} for e in rows}
    for e in rows:
        for (d, t), g in requests[e].items():
            if g > 0:
                asked_days[e].setdefault(d, []).append(t)
    changed = misses = 0
    for lo in range(0, max(1, n_days - width // 2), max(1, width // 2)):
        hi = min(n_days - 1, lo + width - 1)
        for e, row in rows.items():
            if not more() or misses >= MISSES_PER_ROW * len(rows):
                return changed
            if tried(e, lo, hi):
                done = _relay(rules[e], row, lo, hi, slots, requests[e], asked_days[e], calm, n_days, split)
                changed += done is True
                misses = 0 if done is True else misses + (done is False)
    return changed


def _relay(r: RowRules, row: dict[int, str], lo: int, hi: int, slots: Slots, asked: dict[tuple[int, str], int],
           asked_days: dict[int, list[str]], calm: list[list[str]], n_days: int, split: int) -> bool | None:
    """Lay out days lo..hi of `row` again (`best_window`), in place with the cover, when that gains: whether it
    did; None when the window was not searched (even its best slot each day, short or asked for, could not beat
    the row's own layout)."""
    old = {d: t for d, t in row.items() if lo <= d <= hi}
    for d, t in old.items():
        slots.move(d, t, -1)

    def value(d: int, t: str) -> int:
        return slots.add_gain(d, t) + asked.get((d, t), 0)

    base = sum(value(d, t) for d, t in old.items())
    held = _halves(row, lo, hi, n_days)
    bound = 0
    weekends = r.max_weekends > weekends_worked(row, n_days) or any(d % 7 >= 5 for d in old)
    for d in range(lo, hi + 1):
        if d not in r.days_off and (weekends or d % 7 < 5 or d - d % 7 + 5 in row or d - d % 7 + 6 in row):
            bound += max((value(d, t) for t in (*slots.short.get(d, ()), *asked_days.get(d, ())) if t in r.minutes),
                         default=0) if d in slots.short or d in asked_days else 0
    new, searched = old, bound > base or (bound == base and held)
    if searched:
        def candidates(d: int) -> list[str]:
            fillers = [t for t in calm[d] if t in r.minutes][:WINDOW_OPTIONS]
            return [*sorted(slots.short.get(d, ())), *asked_days.get(d, ()), *fillers]

        found = best_window(r, row, lo, hi, value, n_days, split, candidates)
        if found is not None:
            shaped, layout = found
            candidate = {d: t for d, t in row.items() if not lo <= d <= hi} | layout
            if shaped > base - split * held and sum(value(d, t) for d, t in layout.items()) >= base \
                    and row_holds(r, candidate, n_days):
                new = layout
    for d in old:
        del row[d]
    row.update(new)
    for d, t in new.items():
        slots.move(d, t, 1)
    return new is not old if searched else None


def _halves(row: dict[int, str], lo: int, hi: int, n_days: int) -> int:
    """Weekends closed within lo..hi (as `best_window` counts them) that `row` works on one day only."""
    return sum((7 * k + 5 in row) != (7 * k + 6 in row) for k in range(lo // 7, hi // 7 + 1)
               if 7 * k + 6 < n_days and (lo <= 7 * k + 6 <= hi or 7 * k + 5 == hi))

