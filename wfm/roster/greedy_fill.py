"""The solver-free repair of the rule-driven construction (`wfm.roster.greedy`): rows laid one at a time stop
short of their maximum minutes and weekends (an early row saves its minutes for days that later rows then cover,
and a later row finds no run it may still work), so `fill_rows` adds to each row the best block of work its runs
of rest can take under its rules, while that gains."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Protocol

from wfm.roster.lns_types import RowRules

__all__ = ["fill_rows", "CoverGains", "improve_rows", "weekends_worked"]


class CoverGains(Protocol):
    """The cover as the rows laid so far leave it (`wfm.roster.greedy.CoverCount`)."""

    def gain(self, requests: dict[tuple[int, str], int]) -> Callable[[int, str], int]:
        """What working shift t on day d gains a row with these request gains."""

    def add(self, row: dict[int, str], sign: int) -> None:
        """Count a row in (sign 1) or out (sign -1)."""


FILL_OPTIONS = 3  # shifts tried a day when `fill_rows` adds a block of work: the best-gaining ones


def fill_rows(rules: dict[int, RowRules], requests: dict[int, dict[tuple[int, str], int]],
              rows: dict[int, dict[int, str]], cover: CoverGains, n_days: int, split: int,
              more: Callable[[], bool] = lambda: True) -> int:
    """A solver-free repair after the rows are laid: while it gains, each row gets the best block of work
    (consecutive days, one shift each) that fits into one of its runs of rest under its rules (`block_fits`),
    when the row has minutes and weekends left to give it. Rows laid one at a time stop short of their maximum
    minutes and weekends where later rows took the slots they were saving them for; this spends what they left
    on the slots still short. Returns the number of blocks added."""
    def add_best(e: int, row: dict[int, str]) -> bool:
        best = _best_block(rules[e], row, cover.gain(requests[e]), n_days, split)
        if best is None:
            return False
        row.update(best)
        cover.add(best, 1)
        return True

    return improve_rows(rows, add_best, more)


def improve_rows(rows: dict[int, dict[int, str]], apply_best: Callable[[int, dict[int, str]], bool],
                 more: Callable[[], bool]) -> int:
    """The loop of the solver-free repairs: each row in turn takes its best change (`apply_best(e, row)` makes
    it in place and says whether there was one) until it has none, and the rows are gone over again while any
    changed and `more()`; how many changes were made."""
    made = 0
    changed = True
    while changed and more():
        changed = False
        for e, row in rows.items():
            if not more():
                break
            while apply_best(e, row):
                made += 1
                changed = True
    return made


def weekends_worked(row: dict[int, str], n_days: int) -> int:
    """Weekends (days 7k+5 and 7k+6) on which `row` ({day: shift}) works at least one day."""
    return sum(1 for k in range((n_days + 1) // 7 + 1) if 7 * k + 5 in row or 7 * k + 6 in row)


def _best_block(r: RowRules, row: dict[int, str], gain: Callable[[int, str], int], n_days: int,
                split: int) -> dict[int, str] | None:
    """The block of work ({day: shift}) that gains most when added to `row` within one of its runs of rest,
    keeping every rule of `r`; None when none gains."""
    minutes = sum(r.minutes[t] for t in row.values())
    if minutes >= r.max_minutes:
        return None
    weekends = weekends_worked(row, n_days)
    used = Counter(row.values())
    options: list[list[tuple[int, str]]] = []
    for d in range(n_days):
        if d in row or d in r.days_off:
            options.append([])
            continue
        opts = sorted(((gain(d, t), t) for t in r.minutes if used[t] < r.max_shifts.get(t, n_days)), reverse=True)
        options.append(opts[:FILL_OPTIONS])
    top = [o[0][0] if o else 0 for o in options]
    best: tuple[int, dict[int, str]] | None = None
    d = 0
    while d < n_days:
        if d in row:
            d += 1
            continue
        lo = d
        while d < n_days and d not in row:
            d += 1
        hi = d - 1  # the run of rest lo..hi
        left = _work_run(row, lo - 1, -1)
        right = _work_run(row, hi + 1, 1)
        for a in range(lo, hi + 1):
            if lo < a < lo + r.min_consecutive_off and lo > 0:
                continue  # the rest left before the block too short
            bound = 0
            for b in range(a, min(hi, a + r.max_consecutive - 1) + 1):
                if not options[b]:
                    break
                bound += max(0, top[b])
                if hi > b > hi - r.min_consecutive_off and hi < n_days - 1:
                    continue  # the rest left after the block too short
                if bound + 2 * split <= (best[0] if best else 0):
                    continue
                start = a - left if a == lo else a
                end = b + right if b == hi else b
                run = end - start + 1
                if run > r.max_consecutive or (run < r.min_consecutive and start > 0 and end < n_days - 1):
                    continue
                found = _block_shifts(r, row, options, a, b, minutes, weekends, used, split, n_days)
                if found is not None and found[0] > (best[0] if best else 0):
                    best = found
    return best[1] if best else None


def _work_run(row: dict[int, str], d: int, step: int) -> int:
    """Days worked in a row from day d on, going by `step`."""
    n = 0
    while d in row:
        n, d = n + 1, d + step
    return n


def _block_shifts(r: RowRules, row: dict[int, str], options: list[list[tuple[int, str]]], a: int, b: int,
                  minutes: int, weekends: int, used: Counter[str], split: int, n_days: int) -> \
        tuple[int, dict[int, str]] | None:
    """The best shifts for days a..b added to `row` (the successions within the block and with its neighbours
    allowed, minutes, caps and weekends kept), with what they gain (less `split` per weekend left worked on one
    day only, plus it per one made whole); None if none fits."""
    new_weekends = {d // 7 for d in range(a, b + 1) if d % 7 >= 5 and (d // 7) * 7 + 5 not in row
                    and (d // 7) * 7 + 6 not in row}
    if weekends + len(new_weekends) > r.max_weekends:
        return None
    # paths[t] = (gain, shifts) of the best assignment of days a..d ending with shift t
    prev = row.get(a - 1)
    paths: dict[str, tuple[int, list[str]]] = {}
    for g, t in options[a]:
        if prev is None or t not in r.forbidden_next.get(prev, ()):
            paths[t] = (g, [t])
    for d in range(a + 1, b + 1):
        nxt: dict[str, tuple[int, list[str]]] = {}
        for g, t in options[d]:
            cands = [(v, s) for u, (v, s) in paths.items() if t not in r.forbidden_next.get(u, ())]
            if cands:
                v, s = max(cands, key=lambda c: c[0])
                nxt[t] = (v + g, s + [t])
        paths = nxt
    after = row.get(b + 1)
    best: tuple[int, dict[int, str]] | None = None
    for u, (v, shifts) in paths.items():
        if after is not None and after in r.forbidden_next.get(u, ()):
            continue
        if minutes + sum(r.minutes[t] for t in shifts) > r.max_minutes:
            continue
        extra = Counter(shifts)
        if any(used[t] + n > r.max_shifts.get(t, n_days) for t, n in extra.items()):
            continue
        block = {a + i: t for i, t in enumerate(shifts)}
        for k in {d // 7 for d in block if d % 7 >= 5 and d // 7 * 7 + 6 < n_days}:
            sat, sun = 7 * k + 5, 7 * k + 6
            before = (sat in row) != (sun in row)
            now = (sat in row or sat in block) != (sun in row or sun in block)
            v += split * (before - now)
        if best is None or v > best[0]:
            best = (v, block)
    return best
