"""The pieces of the solver-free weekend moves (`wfm.roster.weekend_moves`): what a change of a row gains on the
cover and requests (`gain_of`, with `row_moves.SlotGains`), the ways to make one weekend of a row worked or rested
with the days around it repaired (`window_options`), and the best move of one weekend allowance to a whole weekend
elsewhere (`relocation`), every rule of the row kept (`row_moves.row_holds`)."""

from __future__ import annotations

from collections import Counter
from itertools import product

from wfm.roster.lns_types import RowRules
from wfm.roster.row_moves import Changes, SlotGains, row_holds, runs_hold_near, with_changes

__all__ = ["gain_of", "window_options", "relocation", "full_weekends", "apply_changes", "WINDOW"]

WINDOW = 2  # days either side of a weekend whose work may change with it (2**4 patterns a weekend)
BALANCE_DROPS = 8  # the row's cheapest weekdays tried when it must give up minutes
SHIFT_OPTIONS = 4  # shifts tried a day added, the best-gaining ones
TOP_PAIRS = 40  # (source, target) combinations checked a row, best estimate first

def gain_of(row: dict[int, str], changes: Changes, slots: SlotGains, requests: dict[tuple[int, str], int]) -> int:
    """What `changes` take off the objective (cover and requests) for `row`; the days changed are distinct slots."""
    total = 0
    for d, t in changes.items():
        old = row.get(d)
        if old == t:
            continue
        if old is not None:
            total += slots.drop_gain(d, old) - requests.get((d, old), 0)
        if t is not None:
            total += slots.add_gain(d, t) + requests.get((d, t), 0)
    return total


def _day_options(r: RowRules, d: int, slots: SlotGains, requests: dict[tuple[int, str], int]) -> \
        list[tuple[int, str]]:
    """Day d's SHIFT_OPTIONS best-gaining shifts for the row: (gain, shift)."""
    gains = ((slots.add_gain(d, t) + requests.get((d, t), 0), t) for t in r.minutes if r.max_shifts.get(t, 1) > 0)
    return sorted(gains, reverse=True)[:SHIFT_OPTIONS]


def _best_shifts(r: RowRules, days: list[int], new: dict[int, str], options: dict[int, list[tuple[int, str]]]) -> \
        dict[int, str] | None:
    """The best-gaining shifts for the consecutive `days` added to `new` (among each day's `options`), the
    successions within them and with the days worked either side allowed; None when none are."""
    paths: dict[str | None, tuple[int, list[str]]] = {new.get(days[0] - 1): (0, [])}
    for d in days:
        step: dict[str | None, tuple[int, list[str]]] = {}
        for g, t in options[d]:
            reach = [(v + g, p) for u, (v, p) in paths.items() if u is None or t not in r.forbidden_next.get(u, ())]
            if reach:
                v, p = max(reach, key=lambda c: c[0])
                step[t] = (v, p + [t])
        paths = step
    after = new.get(days[-1] + 1)
    ends = [(v, p) for u, (v, p) in paths.items()
            if after is None or u is None or after not in r.forbidden_next.get(u, ())]
    if not ends:
        return None
    return dict(zip(days, max(ends, key=lambda c: c[0])[1]))


def _blocks(days: list[int]) -> list[list[int]]:
    """Ascending `days` cut into runs of consecutive days."""
    out: list[list[int]] = []
    for d in days:
        if out and out[-1][-1] == d - 1:
            out[-1].append(d)
        else:
            out.append([d])
    return out


def window_options(r: RowRules, row: dict[int, str], k: int, work: bool, slots: SlotGains,
                   requests: dict[tuple[int, str], int], n_days: int) -> dict[int, tuple[int, Changes]]:
    """The ways to make weekend k of `row` worked on both days (`work`) or on neither, each day within WINDOW of it
    kept or flipped (work dropped, or the best shift added), the runs and successions of the window kept: the
    best (gain, changes) for each change in minutes worked."""
    sat, sun = 7 * k + 5, 7 * k + 6
    around = [d for d in range(sat - WINDOW, sun + WINDOW + 1) if 0 <= d < n_days and d not in (sat, sun)]
    reach = WINDOW + r.max_consecutive + r.min_consecutive_off + 1  # the runs the window's changes can touch
    near = {d: row[d] for d in range(sat - reach, sun + reach + 1) if d in row}
    days = range(max(0, sat - WINDOW), min(n_days, sun + WINDOW + 1))
    options = {d: _day_options(r, d, slots, requests) for d in days if d not in row and d not in r.days_off}
    best: dict[int, tuple[int, Changes]] = {}
    for flips in product((False, True), repeat=len(around)):
        flipped = {d for d, f in zip(around, flips) if f}
        if any(d in r.days_off and d not in row for d in flipped):
            continue
        new = dict(near)
        changes: Changes = {}
        wanted = {d: work if d in (sat, sun) else (d in row) != (d in flipped) for d in days}
        for d in days:  # the work given up first, so that a shift added sees its final neighbours
            if not wanted[d] and d in new:
                del new[d]
                changes[d] = None
        for block in _blocks([d for d in days if wanted[d] and d not in new]):
            shifts = _best_shifts(r, block, new, options)
            if shifts is None:
                break
            new.update(shifts)
            changes.update(shifts)
        else:
            if not runs_hold_near(r, new, max(0, sat - WINDOW - 1), min(n_days - 1, sun + WINDOW + 1), n_days):
                continue
            minutes = sum(r.minutes[t] for t in changes.values() if t is not None) - sum(
                r.minutes[row[d]] for d in changes if d in row)
            value = gain_of(row, changes, slots, requests)
            if minutes not in best or best[minutes][0] < value:
                best[minutes] = (value, changes)
    return best


def full_weekends(n_days: int) -> list[int]:
    """The weekends k (days 7k+5 and 7k+6) with both days in the horizon."""
    return [k for k in range(n_days // 7 + 1) if 7 * k + 6 < n_days]


def relocation(r: RowRules, row: dict[int, str], slots: SlotGains, requests: dict[tuple[int, str], int],
               n_days: int, split: int, sources: list[int | None], targets: list[int]) -> tuple[int, Changes] | None:
    """The best move of a weekend allowance for one row: a weekend of `sources` given up (None: an allowance left
    unused) for a whole weekend of `targets` (both days free), both places repaired in their windows
    (`window_options`), the row's cheapest weekdays given up when it would work more than its maximum minutes:
    (objective gain, changes), the gain at least 0 and above 0 counting `split` per one-day weekend mended; None when
    none keeps every rule of the row."""
    source_options: dict[int | None, dict[int, tuple[int, Changes]]] = {
        k: window_options(r, row, k, False, slots, requests, n_days) if k is not None else {0: (0, {})}
        for k in sources}
    target_options = [window_options(r, row, k, True, slots, requests, n_days) for k in targets]
    minutes = sum(r.minutes[t] for t in row.values())
    cheap = sorted(((slots.drop_gain(d, t) - requests.get((d, t), 0), d) for d, t in row.items() if d % 7 < 5),
                   reverse=True)[:BALANCE_DROPS]
    cands: list[tuple[int, int, Changes, Changes]] = []
    for ks, sopts in source_options.items():
        mended = split * (ks is not None and (7 * ks + 5 in row) != (7 * ks + 6 in row))
        for ms, (vs, cs) in sopts.items():
            for topts in target_options:
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
        if changes is not None and 0 <= (gain := gain_of(row, changes, slots, requests)) and gain + mended > 0:
            return gain, changes
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
    new = with_changes(row, changes)
    out = dict(changes)
    minutes = sum(r.minutes[t] for t in new.values())
    for _, d in cheap:
        if minutes <= r.max_minutes:
            break
        if any(abs(d - c) <= 1 for c in changes) or d not in new:
            continue
        t = new.pop(d)
        if runs_hold_near(r, new, max(0, d - 1), min(n_days - 1, d + 1), n_days):
            out[d] = None
            minutes -= r.minutes[t]
        else:
            new[d] = t
    if minutes > r.max_minutes or not row_holds(r, new, n_days):
        return None
    return out


def apply_changes(row: dict[int, str], changes: Changes, on: Counter[tuple[int, str]]) -> None:
    """Make `changes` in `row`, and in the cover `on` ((day, shift) -> people)."""
    for d, t in changes.items():
        old = row.pop(d, None)
        if old is not None:
            on[d, old] -= 1
        if t is not None:
            row[d] = t
            on[d, t] += 1
