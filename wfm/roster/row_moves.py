"""A solver-free MOVE repair of the rule-driven construction (`wfm.roster.greedy`), after `fill_rows` has added
all the work it can: a row at its maximum minutes, or whose runs of work and rest leave no room, cannot take an
open slot without giving up another. `move_rows` trades one day of a row for another: it adds a shift on a day
the row is off and drops (or changes) a day it works, when that gains, every rule of the row kept (`row_holds`).
Its main catch is a weekend worked on one day only: the missing day added (an open weekend slot) and a weekday
dropped where the cover least needs it (a run of work slid by a day, or a day moved out of a row at its maximum
minutes); the weekday it leaves open can then be taken by a row with minutes to spare (`fill_rows` again)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from wfm.roster.greedy_fill import improve_rows, weekends_worked
from wfm.roster.lns_types import RowRules

__all__ = ["row_holds", "runs_hold_near", "move_rows", "Slots", "SlotGains", "Changes", "with_changes",
           "NEAR_DAYS", "FAR_DROPS"]

NEAR_DAYS = 7  # a day added may be traded for a day worked this close to it (runs slide, rests stay long enough)
FAR_DROPS = 4  # and for the row's FAR_DROPS cheapest days to give up anywhere (minutes, caps)


def row_holds(r: RowRules, row: dict[int, str], n_days: int) -> bool:
    """Whether `row` ({day: shift}) keeps every rule of `r`: shifts it may work, days off, minutes, caps per shift,
    weekends, successions, and runs of work and rest within their lengths (a run touching the horizon's first or
    last day exempt from the minimums)."""
    if any(d in r.days_off or t not in r.minutes for d, t in row.items()):
        return False
    if not r.min_minutes <= sum(r.minutes[t] for t in row.values()) <= r.max_minutes:
        return False
    if any(n > r.max_shifts.get(t, n_days) for t, n in Counter(row.values()).items()):
        return False
    if weekends_worked(row, n_days) > r.max_weekends:
        return False
    return _runs_hold(r, row, 0, n_days, n_days)


def _runs_hold(r: RowRules, row: dict[int, str], lo: int, hi: int, n_days: int) -> bool:
    """Whether the runs of work and rest of days lo..hi-1 (whole runs: lo and hi at their edges) keep their
    lengths, and the successions within them hold."""
    d = lo
    while d < hi:
        work = d in row
        start = d
        while d < hi and (d in row) == work:
            if work and d + 1 in row and row[d + 1] in r.forbidden_next.get(row[d], ()):
                return False
            d += 1
        length, inner = d - start, start > 0 and d < n_days
        if work and (length > r.max_consecutive or (inner and length < r.min_consecutive)):
            return False
        if not work and inner and length < r.min_consecutive_off:
            return False
    return True


def runs_hold_near(r: RowRules, new: dict[int, str], lo: int, hi: int, n_days: int) -> bool:
    """Whether the runs of work and rest of `new` touching days lo..hi (widened to whole runs) keep their lengths
    and the successions in them hold: the local check of a row changed only within lo..hi."""
    while lo > 0 and (lo - 1 in new) == (lo in new):
        lo -= 1
    while hi < n_days - 1 and (hi + 1 in new) == (hi in new):
        hi += 1
    return _runs_hold(r, new, lo, hi + 1, n_days)


def one_day_weekends(row: dict[int, str], n_days: int) -> int:
    """Weekends (both days in the horizon) the row works on one day only."""
    return sum((d in row) != (d + 1 in row) for d in range(5, n_days - 1, 7))


Changes = dict[int, str | None]  # day -> a row's shift that day after a move (None: off)


def with_changes(row: dict[int, str], changes: Changes) -> dict[int, str]:
    """A copy of `row` ({day: shift}) with `changes` made."""
    new = dict(row)
    for d, t in changes.items():
        if t is None:
            new.pop(d, None)
        else:
            new[d] = t
    return new


class SlotGains:
    """What one person more or fewer on a (day, shift) slot changes in the objective, given the cover `on`
    ((day, shift) -> people)."""

    def __init__(self, terms: dict[tuple[int, str], tuple[int, int, int]], on: Counter[tuple[int, str]]):
        self.terms, self.on = terms, on

    def add_gain(self, d: int, t: str) -> int:
        term = self.terms.get((d, t))
        if term is None:
            return 0
        need, under, over = term
        return under if self.on[d, t] < need else -over

    def drop_gain(self, d: int, t: str) -> int:
        term = self.terms.get((d, t))
        if term is None:
            return 0
        need, under, over = term
        return over if self.on[d, t] > need else -under


class Slots(SlotGains):
    """`SlotGains` that also keeps, day by day, the shifts under-covered, as `move` changes the cover."""

    def __init__(self, terms: dict[tuple[int, str], tuple[int, int, int]], on: Counter[tuple[int, str]]):
        super().__init__(terms, on)
        self.short: dict[int, set[str]] = {}  # day -> the shifts under-covered that day
        for (d, t), (need, _, _) in terms.items():
            if on[d, t] < need:
                self.short.setdefault(d, set()).add(t)

    def move(self, d: int, t: str, sign: int) -> None:
        """One person more (sign 1) or fewer (-1) on slot (d, t)."""
        self.on[d, t] += sign
        term = self.terms.get((d, t))
        if term is not None:
            if self.on[d, t] < term[0]:
                self.short.setdefault(d, set()).add(t)
            else:
                self.short.get(d, set()).discard(t)


def _best_move(r: RowRules, row: dict[int, str], slots: Slots, requests: dict[tuple[int, str], int],
               n_days: int, split: int) -> tuple[int, int | None, int, str] | None:
    """The best trade for one row: (value, day dropped or None, day added, its shift), valued as the objective's
    gain plus `split` per weekend no longer worked on one day only (less per one more), with the objective's gain
    never negative; None when none gains and keeps the row's rules. A shift changed on a day worked is a trade
    of the day for itself."""
    def add(d: int, t: str) -> int:
        return slots.add_gain(d, t) + requests.get((d, t), 0)

    def drop(d: int) -> int:
        return slots.drop_gain(d, row[d]) - requests.get((d, row[d]), 0)

    dropped = {d: drop(d) for d in row}
    cheapest = sorted(dropped, key=lambda d: -dropped[d])[:FAR_DROPS]
    asked: dict[int, list[str]] = {}
    for (d, t), g in requests.items():
        if g > 0:
            asked.setdefault(d, []).append(t)
    cands: list[tuple[int, int | None, int, str]] = []
    for d in range(n_days):
        if d in r.days_off:
            continue
        worked = row.get(d)
        shifts = {t for t in (*slots.short.get(d, ()), *asked.get(d, ())) if t in r.minutes and t != worked}
        opts = sorted(((g, t) for t in shifts if (g := add(d, t)) > 0), reverse=True)[:2]
        if not opts:
            continue
        if worked is not None:  # a change of shift on a day worked
            cands.extend((g + dropped[d], d, d, t) for g, t in opts if g + dropped[d] > 0)
            continue
        near = [x for x in range(d - NEAR_DAYS, d + NEAR_DAYS + 1) if x in row]
        for x in [None, *near, *(c for c in cheapest if c not in near)]:
            lost = dropped[x] if x is not None else 0
            if opts[0][0] + lost < 0:
                continue
            halves = _halves_mended(row, x, d, n_days)
            for g, t in opts:
                if g + lost >= 0 and g + lost + split * halves > 0:
                    cands.append((g + lost + split * halves, x, d, t))
    if not cands:
        return None
    minutes = sum(r.minutes[t] for t in row.values())
    used = Counter(row.values())
    weekends = weekends_worked(row, n_days)
    for value, x, d, t in sorted(cands, key=lambda c: -c[0]):
        if _trade_holds(r, row, x, d, t, minutes, used, weekends, n_days):
            return value, x, d, t
    return None


def _trade_holds(r: RowRules, row: dict[int, str], x: int | None, d: int, t: str, minutes: int,
                 used: Counter[str], weekends: int, n_days: int) -> bool:
    """`row_holds` for `row` with day x dropped and shift t added on day d, given the row's minutes, shifts of
    each type and weekends worked: only the runs around x and d are scanned."""
    new = dict(row)
    if x is not None:
        del new[x]
    new[d] = t
    lost = row[x] if x is not None else None
    if not r.min_minutes <= minutes + r.minutes[t] - (r.minutes[lost] if lost else 0) <= r.max_minutes:
        return False
    if used[t] + (t != lost) > r.max_shifts.get(t, n_days):
        return False
    for k in {d // 7, x // 7 if x is not None else d // 7}:
        sat, sun = 7 * k + 5, 7 * k + 6
        weekends += (sat in new or sun in new) - (sat in row or sun in row)
    if weekends > r.max_weekends:
        return False
    lo, hi = max(0, min(d, x if x is not None else d) - 1), min(n_days - 1, max(d, x if x is not None else d) + 1)
    return runs_hold_near(r, new, lo, hi, n_days)


def _halves_mended(row: dict[int, str], x: int | None, d: int, n_days: int) -> int:
    """How many fewer weekends `row` works on one day only once day x is dropped (None: none) and day d added."""
    if d % 7 < 5 and (x is None or x % 7 < 5):
        return 0
    def half(k: int, drop: int | None, add: int | None) -> bool:
        sat, sun = 7 * k + 5, 7 * k + 6
        return ((sat in row or sat == add) and sat != drop) != ((sun in row or sun == add) and sun != drop)
    weeks = {k for k in {d // 7, x // 7 if x is not None else -1} if k >= 0 and 7 * k + 6 < n_days}
    return sum(half(k, None, None) - half(k, x, d) for k in weeks)


def move_rows(rules: dict[int, RowRules], requests: dict[int, dict[tuple[int, str], int]],
              rows: dict[int, dict[int, str]], terms: dict[tuple[int, str], tuple[int, int, int]],
              on: Counter[tuple[int, str]], n_days: int, split: int, more: Callable[[], bool] = lambda: True) -> int:
    """While it gains, each row in turn takes its best trade (`_best_move`: a day added for a day dropped or a
    shift changed, every rule kept); `rows` and the cover `on` ((day, shift) -> people) are updated in place.
    Returns the number of trades made."""
    slots = Slots(terms, on)

    def trade_best(e: int, row: dict[int, str]) -> bool:
        best = _best_move(rules[e], row, slots, requests[e], n_days, split)
        if best is None:
            return False
        _, x, d, t = best
        if x is not None:
            slots.move(x, row.pop(x), -1)
        if d in row:
            slots.move(d, row[d], -1)
        row[d] = t
        slots.move(d, t, 1)
        return True

    return improve_rows(rows, trade_best, more)
