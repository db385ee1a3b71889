"""Benchmark forecasts: seasonal-naive (same interval last week) and the mean of the last 4 same weekdays."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from wfm.forecast.prep import infer_interval_minutes, queue_grid

FALLBACK_WEEKS = 4


def _frame(queue: str, start: dt.date, calls: np.ndarray, interval_minutes: int, aht_s: float) -> pd.DataFrame:
    days, slots = calls.shape
    starts = (np.datetime64(pd.Timestamp(start).date(), "m")
              + (np.arange(days * slots) * interval_minutes).astype("timedelta64[m]"))
    return pd.DataFrame({"interval_start": starts.astype("datetime64[us]"), "queue": queue, "calls": calls.ravel(),
                         "aht_s": aht_s, "calls_lo": np.nan, "calls_hi": np.nan})


def _per_queue(history: pd.DataFrame, start, days: int, interval_minutes: int | None, aht_s: float, rule):
    history = history.assign(interval_start=pd.to_datetime(history["interval_start"]))
    im = interval_minutes or infer_interval_minutes(history)
    start = pd.Timestamp(start).normalize()
    parts = []
    for queue, rows in history.groupby("queue", sort=True):
        rows = rows[rows["interval_start"] < start]
        grid = queue_grid(rows, str(queue), im, end=start - pd.Timedelta(days=1))
        target = pd.date_range(start, periods=days, freq="D")
        calls = rule(grid.calls, grid.days, target)
        parts.append(_frame(str(queue), start.date(), calls, im, aht_s))
    return pd.concat(parts, ignore_index=True)


def _same_weekday_rows(hist_days: pd.DatetimeIndex, day: pd.Timestamp) -> np.ndarray:
    """Indices of history days with `day`'s weekday, most recent first."""
    last = hist_days[-1]
    back = (last - day).days % 7  # days from `last` back to the latest same weekday
    first = len(hist_days) - 1 - back
    return np.arange(first, -1, -7)


def seasonal_naive(history: pd.DataFrame, start, days: int, *, interval_minutes: int | None = None,
                   aht_s: float = 300.0) -> pd.DataFrame:
    """Same interval one week earlier (the last observed week repeated; a missing day falls back a week)."""
    def rule(calls, hist_days, target):
        out = np.zeros((len(target), calls.shape[1]))
        for i, day in enumerate(target):
            for j in _same_weekday_rows(hist_days, day)[:FALLBACK_WEEKS]:
                if np.isfinite(calls[j]).all():
                    out[i] = calls[j]
                    break
        return out
    return _per_queue(history, start, days, interval_minutes, aht_s, rule)


def weekday_mean(history: pd.DataFrame, start, days: int, *, weeks: int = 4, interval_minutes: int | None = None,
                 aht_s: float = 300.0) -> pd.DataFrame:
    """Mean of the same interval on the last `weeks` observed same weekdays."""
    def rule(calls, hist_days, target):
        out = np.zeros((len(target), calls.shape[1]))
        for i, day in enumerate(target):
            rows = [j for j in _same_weekday_rows(hist_days, day) if np.isfinite(calls[j]).all()][:weeks]
            if rows:
                out[i] = calls[rows].mean(axis=0)
        return out
    return _per_queue(history, start, days, interval_minutes, aht_s, rule)
