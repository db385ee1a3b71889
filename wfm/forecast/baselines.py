"""Benchmark forecasts: seasonal-naive (same interval last week) and the mean of the last 4 same weekdays.

Both apply their rule to AHT too when the history has `aht_s` (the mean weighted by calls); a slot without
handled calls in the weeks used falls back to the queue's mean AHT over those weeks, then to `aht_s`.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from wfm.forecast.prep import infer_interval_minutes, queue_grid

FALLBACK_WEEKS = 4


def _frame(queue: str, start: dt.date, calls: np.ndarray, interval_minutes: int, aht_s) -> pd.DataFrame:
    days, slots = calls.shape
    aht_s = np.ravel(aht_s) if np.ndim(aht_s) else aht_s
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
        calls, aht = rule(grid.calls, grid.aht, grid.days, target, aht_s)
        parts.append(_frame(str(queue), start.date(), calls, im, aht))
    return pd.concat(parts, ignore_index=True)


def _same_weekday_rows(hist_days: pd.DatetimeIndex, day: pd.Timestamp) -> np.ndarray:
    """Indices of history days with `day`'s weekday, most recent first."""
    last = hist_days[-1]
    back = (last - day).days % 7  # days from `last` back to the latest same weekday
    first = len(hist_days) - 1 - back
    return np.arange(first, -1, -7)


def naive_rows(calls: np.ndarray, hist_days: pd.DatetimeIndex, target: pd.DatetimeIndex) -> list[list[int]]:
    """Per target day, the history row seasonal-naive copies: the latest complete same weekday (up to
    `FALLBACK_WEEKS` back), or none."""
    complete = np.isfinite(calls).all(axis=1)
    out = []
    for day in target:
        rows = [j for j in _same_weekday_rows(hist_days, day)[:FALLBACK_WEEKS] if complete[j]][:1]
        out.append(rows)
    return out


def mean_rows(calls: np.ndarray, hist_days: pd.DatetimeIndex, target: pd.DatetimeIndex, weeks: int = 4
              ) -> list[list[int]]:
    """Per target day, the last `weeks` complete same weekdays of the history."""
    complete = np.isfinite(calls).all(axis=1)
    return [[j for j in _same_weekday_rows(hist_days, day) if complete[j]][:weeks] for day in target]


def rows_mean(calls: np.ndarray, used: list[list[int]]) -> np.ndarray:
    """(len(used), slots): the mean of the history rows listed per target day (zero where none)."""
    out = np.zeros((len(used), calls.shape[1]))
    for i, rows in enumerate(used):
        if rows:
            out[i] = calls[rows].mean(axis=0)
    return out


def seasonal_naive(history: pd.DataFrame, start, days: int, *, interval_minutes: int | None = None,
                   aht_s: float = 300.0) -> pd.DataFrame:
    """Same interval one week earlier (the last observed week repeated; a missing day falls back a week)."""
    def rule(calls, aht, hist_days, target, default):
        used = naive_rows(calls, hist_days, target)
        return rows_mean(calls, used), _aht_rule(calls, aht, used, default)
    return _per_queue(history, start, days, interval_minutes, aht_s, rule)


def weekday_mean(history: pd.DataFrame, start, days: int, *, weeks: int = 4, interval_minutes: int | None = None,
                 aht_s: float = 300.0) -> pd.DataFrame:
    """Mean of the same interval on the last `weeks` observed same weekdays."""
    def rule(calls, aht, hist_days, target, default):
        used = mean_rows(calls, hist_days, target, weeks)
        return rows_mean(calls, used), _aht_rule(calls, aht, used, default)
    return _per_queue(history, start, days, interval_minutes, aht_s, rule)


def _aht_rule(calls: np.ndarray, aht: np.ndarray | None, used: list[list[int]], default: float):
    """Per target day, the calls-weighted mean AHT per slot over the history days `used` for it."""
    if aht is None:
        return default
    w = np.where(np.isfinite(aht) & np.isfinite(calls), np.nan_to_num(calls), 0.0)
    wa = w * np.nan_to_num(aht)
    out = np.full((len(used), calls.shape[1]), float(default))
    for i, rows in enumerate(used):
        if not rows:
            continue
        ws, was = w[rows].sum(axis=0), wa[rows].sum(axis=0)
        day_mean = was.sum() / ws.sum() if ws.sum() > 0 else float(default)
        out[i] = np.where(ws > 0, was / np.maximum(ws, 1e-12), day_mean)
    return out
