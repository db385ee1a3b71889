"""A solver-free WEEKEND move for when the staff's weekend allowances cannot cover the weekend demand
(`greedy.split_weekend_cost` > 0): every allowance spent on one day of a weekend then leaves a weekend slot open
for good. The day trades (`row_moves.move_rows`) mend a one-day weekend only where the row can work its other day;
where that day is a hard day off, or the runs around it leave no room, the allowance stays half spent.

`best_relocation`: the row gives up its one-day weekend (or uses an allowance left unused) and works a whole
weekend elsewhere on which both days are free, both places repaired within a window of days
(`weekend_windows.window_options`), its cheapest weekdays given up when it would work more than its maximum
minutes. A move is made when the objective does not get worse and it gains counting `split` per one-day weekend
mended (the weekday cover given up is then taken by rows with minutes left: `fill_rows`). Every rule of the row is
kept."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from wfm.roster.greedy_fill import improve_rows
from wfm.roster.lns_types import RowRules
from wfm.roster.row_moves import Changes, SlotGains
from wfm.roster.weekend_windows import apply_changes, full_weekends, relocation

__all__ = ["relocate_weekends", "best_relocation"]


def _one_day(row: dict[int, str], n_days: int) -> list[int]:
    return [k for k in full_weekends(n_days) if (7 * k + 5 in row) != (7 * k + 6 in row)]


def _free(r: RowRules, row: dict[int, str], n_days: int) -> list[int]:
    """The weekends on which the row neither works nor has a day off."""
    return [k for k in full_weekends(n_days) if not {7 * k + 5, 7 * k + 6} & (row.keys() | r.days_off)]


def best_relocation(r: RowRules, row: dict[int, str], slots: SlotGains, requests: dict[tuple[int, str], int],
                    n_days: int, split: int) -> Changes | None:
    """The best relocation of a weekend allowance of one row (a one-day weekend, or one left unused, for a whole
    free weekend: `weekend_windows.relocation`); None when none gains."""
    sources: list[int | None] = list(_one_day(row, n_days))
    worked = sum(1 for k in range(n_days // 7 + 1) if 7 * k + 5 in row or 7 * k + 6 in row)
    if worked < r.max_weekends:
        sources.append(None)
    free = _free(r, row, n_days)
    if not sources or not free:
        return None
    found = relocation(r, row, slots, requests, n_days, split, sources, free)
    return found[1] if found else None


def relocate_weekends(rules: dict[int, RowRules], requests: dict[int, dict[tuple[int, str], int]],
                      rows: dict[int, dict[int, str]], terms: dict[tuple[int, str], tuple[int, int, int]],
                      on: Counter[tuple[int, str]], n_days: int, split: int,
                      more: Callable[[], bool] = lambda: True) -> int:
    """While it gains, each row in turn takes its best weekend relocation (`best_relocation`); `rows` and the
    cover `on` ((day, shift) -> people) are updated in place. Nothing is done when weekends are not short (`split`
    0). Returns the number of moves made."""
    if split <= 0:
        return 0
    slots = SlotGains(terms, on)

    def relocate_best(e: int, row: dict[int, str]) -> bool:
        changes = best_relocation(rules[e], row, slots, requests[e], n_days, split)
        if changes is not None:
            apply_changes(row, changes, on)
        return changes is not None

    return improve_rows(rows, relocate_best, more)
