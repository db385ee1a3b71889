"""Which days a queue is closed: its closed weekdays, the holidays it closed on (learned from its history by
name), make-up working days if those were closed."""

from __future__ import annotations

import numpy as np
import pandas as pd

from wfm.forecast import daily
from wfm.forecast.profile import WeeklyStructure

STOP_DAYS = 28  # a queue with no calls in its last 28 days of history is taken as closed down
QUIET_DAYS = 7  # a queue silent for its last week gets a note


def closed_days(cal, closed_weekdays, closed_holidays, makeup_closed, *, seen=None, default_closed=False
                ) -> np.ndarray:
    """Closed days of `cal`: closed weekdays (holiday or not, unless a make-up working day), the days off of
    closed holidays, and make-up days when those were closed. A holiday not in `seen` is closed when
    `default_closed`."""
    wd = pd.to_datetime(cal["date"]).dt.day_of_week.to_numpy()
    makeup = cal["is_makeup_workday"].to_numpy(bool)
    names = daily.calendar_flags(cal)["period_name"].to_numpy()
    day_off = holiday_days_off(cal)
    by_weekday = np.isin(wd, closed_weekdays) & ~makeup
    unseen = ~np.isin(names, tuple(seen)) if seen is not None else np.zeros(len(cal), bool)
    by_holiday = day_off & (np.isin(names, closed_holidays) | (unseen & default_closed))
    return by_weekday | by_holiday | (makeup & makeup_closed)


def holiday_days_off(cal) -> np.ndarray:
    """Days of holiday periods that are off because of the holiday: the official holidays and the working
    days bridged into the period (the weekend days around them stay weekend days)."""
    period = cal["holiday_period"].to_numpy(bool)
    return period & (cal["is_holiday"].to_numpy(bool) | ~cal["is_weekend"].to_numpy(bool))


def learn_closures(cal, totals_raw, present, in_data_weeks, structure: WeeklyStructure
              ) -> tuple[tuple[str, ...], tuple[str, ...], bool, bool]:
    """Closed holiday names, seen holiday names, whether an unseen holiday is closed, and whether make-up
    days were closed, from the history: a day type is closed when fewer than 30% of its days (in weeks that
    have data) was open (more than a few stray calls, `WeeklyStructure.opened`)."""
    opened = structure.opened(totals_raw, present)
    wd = pd.to_datetime(cal["date"]).dt.day_of_week.to_numpy()
    makeup = cal["is_makeup_workday"].to_numpy(bool)
    names = daily.calendar_flags(cal)["period_name"].to_numpy()
    day_off = holiday_days_off(cal)
    closed_h, seen = [], []
    left_out = left_out_closed(cal, present, structure.closed_weekdays)
    for name in sorted({n for n in names[day_off] if n}):
        # days with rows tell, and days the export left out as it leaves out closed days; a holiday lost with
        # working days around it is a gap, not a closure
        mask = day_off & (names == name) & (present | left_out) & ~np.isin(wd, structure.closed_weekdays)
        if mask.any():
            seen.append(str(name))
            if opened[mask].mean() < 0.3:
                closed_h.append(str(name))
    default_closed = bool(seen) and len(closed_h) / len(seen) >= 0.5
    mk = makeup & in_data_weeks
    makeup_closed = bool(mk.any() and opened[mk].mean() < 0.3)
    return tuple(closed_h), tuple(seen), default_closed, makeup_closed


def left_out_closed(cal: pd.DataFrame, present: np.ndarray, closed_weekdays: tuple[int, ...]) -> np.ndarray:
    """Days off of holiday periods with no rows, in a run of days without rows that holds nothing but days off
    and closed weekdays, with rows on the days either side: an export that leaves closed days out (as it does
    the closed weekdays) left out a closed holiday. A run that takes a working day too, or runs off either end
    of the history, is a gap; so is any missing day of a queue without closed weekdays left out of the export
    (a 24/7 line tells nothing of how its export treats closed days)."""
    wd = pd.to_datetime(cal["date"]).dt.day_of_week.to_numpy()
    day_off = holiday_days_off(cal)
    closed_weekday = np.isin(wd, closed_weekdays) & ~cal["is_makeup_workday"].to_numpy(bool)
    out = np.zeros(len(cal), bool)
    absent = ~np.asarray(present, bool)
    if not closed_weekday.any() or absent[closed_weekday].mean() < 0.5:
        return out  # the export does not leave its closed days out (or the queue has none): a missing day is a gap
    restful = day_off | closed_weekday
    edges = np.diff(np.concatenate([[0], absent.view(np.int8), [0]]))
    for a, b in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)):
        if a > 0 and b < len(cal) and restful[a:b].all():
            out[a:b] = day_off[a:b]
    return out


def stopped(model, days: pd.DatetimeIndex, totals_raw: np.ndarray, history_end: pd.Timestamp, quiet: bool) -> bool:
    """Whether the queue has no calls, or none in its last `STOP_DAYS` (then forecast as closed); notes why,
    and notes a queue silent for its last `QUIET_DAYS` (unless `quiet`)."""
    positive = np.flatnonzero(totals_raw > 0)
    if len(positive) == 0:
        model.stopped = True
        model.notes.append("no calls in the history")
        return True
    last_pos = days[positive[-1]]
    if (history_end - last_pos).days >= STOP_DAYS:
        model.stopped = True
        model.notes.append(f"no calls since {last_pos.date()}: forecast as closed")
        return True
    if (history_end - last_pos).days >= QUIET_DAYS and not quiet:
        model.notes.append(f"no calls since {last_pos.date()} ({(history_end - last_pos).days} days): forecast "
                           f"at its usual level as if the feed or the queue resumes; remove the queue if it has "
                           f"closed (after {STOP_DAYS} days without calls it is forecast as closed)")
    return False
