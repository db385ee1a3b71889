"""A solver-free WEEKEND move for when the staff's weekend allowances cannot cover the weekend demand
(`greedy.split_weekend_cost` > 0): every allowance spent on one day of a weekend leaves a weekend slot open for
good. The day trades (`row_moves.move_rows`) mend a one-day weekend only where the row can work its other day; where
that day is a hard day off, or the runs around it leave no room, the allowance stays half spent.

`relocate_weekends` moves the allowance: the row gives up its one-day weekend and works a whole weekend elsewhere
on which both days are free. Each of the two places is repaired within a window of WINDOW days either side (work
dropped or added there so that the runs of work and rest keep their lengths and the successions hold); when the
row then works more than its maximum minutes, it gives up its cheapest weekdays elsewhere. Every rule of the row is
kept (`row_moves.row_holds`). A move is made when the objective does not get worse and it gains counting `split`
per one-day weekend mended (the weekday cover it gives up is then taken by rows with minutes left: `fill_rows`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from itertools import product

from wfm.roster.greedy_fill import improve_rows
from wfm.roster.lns_types import RowRules
from wfm.roster.row_moves import row_holds

__all__ = ["relocate_weekends", "best_relocation", "SlotGains", "WINDOW"]

WINDOW = 2  # days either side of a weekend whose work may change with it (2**4 patterns a weekend)
BALANCE_DROPS = 8  # the row's cheapest weekdays tried when it must give up minutes
TOP_PAIRS = 40  # (source, target) combinations checked a row, best estimate first

Changes = dict[int, str | None]  # day -> the shift worked there after the move, None for a day off


class SlotGains:
    """What one person more or fewer on a (day, shift) slot changes in the objective, given the cover `on`."""

    def __init__(self, terms: dict[tuple[int, str], tuple[int, int, int]], on: Counter[tuple[int, str]]):
        self.terms, self.on = terms, on

    def add(self, d: int, t: str) -> int:
        term = self.terms.get((d, t))
        if term is None:
            return 0
        need, under, over = term
        return under if self.on[d, t] < need else -over

    def drop(self, d: int, t: str) -> int:
        term = self.terms.get((d, t))
        if term is None:
            return 0
        need, under, over = term
        return over if self.on[d, t] > need else -under


def _gain(row: dict[int, str], changes: Changes, slots: SlotGains, requests: dict[tuple[int, str], int]) -> int:
    """What `changes` take off the objective (cover and requests) for `row`; the days changed are distinct slots."""
    total = 0
    for d, t in changes.items():
        old = row.get(d)
        if old == t:
            continue
        if old is not None:
            total += slots.drop(d, old) - requests.get((d, old), 0)
        if t is not None:
            total += slots.add(d, t) + requests.get((d, t), 0)
    return total


def _best_shift(r: RowRules, d: int, before: str | None, after: str | None, slots: SlotGains,
                requests: dict[tuple[int, str], int]) -> str | None:
    """The best-gaining shift for day d that may follow `before` and precede `after` (None: a day off)."""
    banned = r.forbidden_next.get(before, set()) if before is not None else set()
    options = [(slots.add(d, t) + requests.get((d, t), 0), t) for t in r.minutes
               if t not in banned and r.max_shifts.get(t, 1) > 0
               and (after is None or after not in r.forbidden_next.get(t, ()))]
    return max(options)[1] if options else None


def _window_holds(r: RowRules, new: dict[int, str], lo: int, hi: int, n_days: int) -> bool:
    """Whether the runs of work and rest of `new` touching days lo..hi (widened to whole runs) keep their lengths
    (a run touching the horizon's first or last day exempt from the minimums) and the successions in them hold."""
    while lo > 0 and (lo - 1 in new) == (lo in new):
        lo -= 1
    while hi < n_days - 1 and (hi + 1 in new) == (hi in new):
        hi += 1
    d = lo
    while d <= hi:
        work, start = d in new, d
        while d <= hi and (d in new) == work:
            if work and d + 1 in new and new[d + 1] in r.forbidden_next.get(new[d], ()):
                return False
            d += 1
        inner = start > 0 and d < n_days
        if work and (d - start > r.max_consecutive or (inner and d - start < r.min_consecutive)):
            return False
        if not work and inner and d - start < r.min_consecutive_off:
            return False
    return True


def window_options(r: RowRules, row: dict[int, str], k: int, work: bool, slots: SlotGains,
                   requests: dict[tuple[int, str], int], n_days: int) -> dict[int, tuple[int, Changes]]:
    """The ways to make weekend k of `row` worked on both days (`work`) or on neither, each day within WINDOW of it
    kept or flipped (work dropped, or the best shift added), the runs and successions of the window kept: the
    best (gain, changes) for each change in minutes worked."""
    sat, sun = 7 * k + 5, 7 * k + 6
    around = [d for d in range(sat - WINDOW, sun + WINDOW + 1) if 0 <= d < n_days and d not in (sat, sun)]
    reach = WINDOW + r.max_consecutive + r.min_consecutive_off + 1  # the runs the window's changes can touch
    near = {d: row[d] for d in range(sat - reach, sun + reach + 1) if d in row}
    best: dict[int, tuple[int, Changes]] = {}
    for flips in product((False, True), repeat=len(around)):
        flipped = {d for d, f in zip(around, flips) if f}
        if any(d in r.days_off and d not in row for d in flipped):
            continue
        new = dict(near)
        changes: Changes = {}
        for d in range(max(0, sat - WINDOW), min(n_days, sun + WINDOW + 1)):
            wanted = work if d in (sat, sun) else (d in row) != (d in flipped)
            if not wanted:
                if d in new:
                    del new[d]
                    changes[d] = None
            elif d not in new:
                t = _best_shift(r, d, new.get(d - 1), new.get(d + 1), slots, requests)
                if t is None:
                    break
                new[d] = changes[d] = t
        else:
            if not _window_holds(r, new, max(0, sat - WINDOW - 1), min(n_days - 1, sun + WINDOW + 1), n_days):
                continue
            minutes = sum(r.minutes[t] for t in changes.values() if t is not None) - sum(
                r.minutes[row[d]] for d in changes if d in row)
            value = _gain(row, changes, slots, requests)
            if minutes not in best or best[minutes][0] < value:
                best[minutes] = (value, changes)
    return best


def best_relocation(r: RowRules, row: dict[int, str], slots: SlotGains, requests: dict[tuple[int, str], int],
                    n_days: int, split: int) -> Changes | None:
    """The best move of a weekend allowance for one row: a one-day weekend given up (or an allowance left unused)
    for a whole weekend on which both days are free, both places repaired in their windows (`window_options`),
    the row's cheapest weekdays given up when it would work more than its maximum minutes; None when none keeps
    every rule with an objective gain of at least 0 and a gain above 0 counting `split` per one-day weekend mended."""
    weeks = [k for k in range(n_days // 7 + 1) if 7 * k + 6 < n_days]
    one_day = [k for k in weeks if (7 * k + 5 in row) != (7 * k + 6 in row)]
    worked = sum(1 for k in range(n_days // 7 + 1) if 7 * k + 5 in row or 7 * k + 6 in row)
    if not one_day and worked >= r.max_weekends:
        return None
    free = [k for k in weeks if not {7 * k + 5, 7 * k + 6} & (row.keys() | r.days_off)]
    if not free:
        return None
    sources: dict[int | None, dict[int, tuple[int, Changes]]] = {
        k: window_options(r, row, k, False, slots, requests, n_days) for k in one_day}
    if worked < r.max_weekends:
        sources[None] = {0: (0, {})}
    targets = {k: window_options(r, row, k, True, slots, requests, n_days) for k in free}
    minutes = sum(r.minutes[t] for t in row.values())
    cheap = sorted(((slots.drop(d, t) - requests.get((d, t), 0), d) for d, t in row.items() if d % 7 < 5),
                   reverse=True)[:BALANCE_DROPS]
    cands: list[tuple[int, int, Changes, Changes]] = []
    for ks, sopts in sources.items():
        mended = split if ks is not None else 0
        for ms, (vs, cs) in sopts.items():
            for topts in targets.values():
                for mt, (vt, ct) in topts.items():
                    total = minutes + ms + mt
                    if total < r.min_minutes:
                        continue
                    est = vs + vt + _balance_estimate(r, row, cheap, total - r.max_minutes)
                    if est >= 0 and est + mended > 0:
                        cands.append((est + mended, mended, cs, ct))
    cands.sort(key=lambda c: -c[0])
    for _, mended, cs, ct in cands[:TOP_PAIRS]:
        changes = _balanced(r, row, {**cs, **ct}, cheap, n_days)
        if changes is not None and 0 <= (gain := _gain(row, changes, slots, requests)) and gain + mended > 0:
            return changes
    return None


def _balance_estimate(r: RowRules, row: dict[int, str], cheap: list[tuple[int, int]], over: int) -> int:
    """What giving up the cheapest weekdays until `over` minutes are shed costs at best (0 when none over)."""
    value = 0
    for v, d in cheap:
        if over <= 0:
            break
        value, over = value + v, over - r.minutes[row[d]]
    return value if over <= 0 else -10 ** 9


def _balanced(r: RowRules, row: dict[int, str], changes: Changes, cheap: list[tuple[int, int]],
              n_days: int) -> Changes | None:
    """`changes` with the cheapest weekdays away from them given up until the row is within its maximum minutes,
    each drop keeping the runs around it; None when that fails or the row breaks a rule."""
    new = dict(row)
    for d, t in changes.items():
        if t is None:
            new.pop(d, None)
        else:
            new[d] = t
    out = dict(changes)
    minutes = sum(r.minutes[t] for t in new.values())
    for _, d in cheap:
        if minutes <= r.max_minutes:
            break
        if any(abs(d - c) <= 1 for c in changes) or d not in new:
            continue
        t = new.pop(d)
        if _window_holds(r, new, max(0, d - 1), min(n_days - 1, d + 1), n_days):
            out[d] = None
            minutes -= r.minutes[t]
        else:
            new[d] = t
    if minutes > r.max_minutes or not row_holds(r, new, n_days):
        return None
    return out


def relocate_weekends(rules: dict[int, RowRules], requests: dict[int, dict[tuple[int, str], int]],
                      rows: dict[int, dict[int, str]], terms: dict[tuple[int, str], tuple[int, int, int]],
                      on: Counter[tuple[int, str]], n_days: int, split: int,
                      more: Callable[[], bool] = lambda: True) -> int:
    """While it gains, each row in turn takes its best weekend relocation (`best_relocation`); `rows` and the
    cover `on` ((day, shift) -> people) are updated in place. Nothing is done when weekends are not short
    (`split` 0). Returns the number of moves made."""
    if split <= 0:
        return 0
    slots = SlotGains(terms, on)

    def relocate_best(e: int, row: dict[int, str]) -> bool:
        changes = best_relocation(rules[e], row, slots, requests[e], n_days, split)
        if changes is None:
            return False
        for d, t in changes.items():
            old = row.pop(d, None)
            if old is not None:
                on[d, old] -= 1
            if t is not None:
                row[d] = t
                on[d, t] += 1
        return True

    return improve_rows(rows, relocate_best, more)
