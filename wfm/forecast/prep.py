"""From a long history frame to one queue's day x slot matrix, with gaps and outages marked as missing.

A day with no rows is missing (a gap, or a day the centre was closed: `closed_kinds` tells which). On a day
with rows, an absent slot is a zero (ACD exports often drop empty night intervals). Runs of zeros where the
usual volume makes zero implausible (feed outages, lost half-days) are set back to missing, so they are
neither learned as a pattern nor scored as demand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import reduce

import numpy as np
import pandas as pd

OUTAGE_EXPECTED_CALLS = 12.0  # a run of zeros where this many calls were expected (P(0) ~ 6e-6) is an outage


def infer_interval_minutes(frame: pd.DataFrame) -> int:
    """The interval length in minutes: the greatest common step between timestamps of a queue."""
    steps: list[int] = []
    for _, ts in frame.groupby("queue", sort=False)["interval_start"]:
        v = np.unique(ts.to_numpy().astype("datetime64[m]").astype(np.int64))
        if len(v) > 1:
            steps.append(int(reduce(math.gcd, np.diff(v).tolist())))
        else:
            steps.append(int(v[0] % 1440) if len(v) else 0)
    step = reduce(math.gcd, [s for s in steps if s > 0], 0)
    if step <= 0:
        return 60
    # the largest divisor of a day that the steps allow (e.g. a 15-minute grid with hourly gaps is 15)
    for m in (60, 30, 20, 15, 10, 5, 1):
        if step % m == 0 and 1440 % m == 0:
            return m
    return 1


@dataclass
class QueueGrid:
    """One queue's history as a day x slot matrix (`NaN` = missing)."""

    queue: str
    first_day: pd.Timestamp  # first day with calls
    calls: np.ndarray  # (days, slots) float, NaN where missing
    aht: np.ndarray | None  # (days, slots) float or None when the history has no aht_s
    interval_minutes: int

    @property
    def days(self) -> pd.DatetimeIndex:
        return pd.date_range(self.first_day, periods=self.calls.shape[0], freq="D")

    @property
    def slots(self) -> int:
        return self.calls.shape[1]


def queue_grid(rows: pd.DataFrame, queue: str, interval_minutes: int, end: pd.Timestamp | None = None) -> QueueGrid:
    """The matrix of one queue's rows (columns `interval_start, offered`, optional `aht_s`).

    Days run from the first day with a call to the last day with a row (or `end`, the last day of the whole
    history, so that a queue that stopped shows missing days up to it).
    """
    slots = 1440 // interval_minutes
    ts = pd.to_datetime(rows["interval_start"])
    day = ts.dt.floor("D")
    offered = rows["offered"].to_numpy(dtype=float)
    positive = day[offered > 0]
    if positive.empty:
        first = day.min() if len(day) else pd.Timestamp("2000-01-01")
    else:
        first = positive.min()
    last = day.max() if len(day) else first
    if end is not None and end > last:
        last = end
    n_days = int((last - first).days) + 1
    keep = (day >= first).to_numpy()
    di = ((day[keep] - first).dt.days).to_numpy()
    si = ((ts[keep] - day[keep]).dt.total_seconds().to_numpy() // (interval_minutes * 60)).astype(int)
    calls = np.full((n_days, slots), np.nan)
    present = np.zeros(n_days, dtype=bool)
    present[di] = True
    calls[present] = 0.0
    calls[di, si] = offered[keep]
    aht = None
    if "aht_s" in rows.columns:
        a = pd.to_numeric(rows["aht_s"], errors="coerce").to_numpy(dtype=float)[keep]
        if np.isfinite(a).any():
            aht = np.full((n_days, slots), np.nan)
            aht[di, si] = a
    return QueueGrid(queue, first, calls, aht, interval_minutes)


def mark_outages(calls: np.ndarray, expected: np.ndarray, threshold: float = OUTAGE_EXPECTED_CALLS) -> np.ndarray:
    """A copy of `calls` with runs of zeros set to NaN where the `expected` calls over the run reach `threshold`.

    Both arrays are (days, slots); runs may cross midnight.
    """
    flat = calls.ravel()
    exp = np.nan_to_num(expected.ravel(), nan=0.0)
    zero = flat == 0
    if not zero.any():
        return calls.copy()
    edges = np.diff(np.concatenate([[0], zero.view(np.int8), [0]]))
    starts = np.flatnonzero(edges == 1)
    stops = np.flatnonzero(edges == -1)
    cum = np.concatenate([[0.0], np.cumsum(exp)])
    run_expected = cum[stops] - cum[starts]
    out = flat.copy()
    for a, b in zip(starts[run_expected >= threshold], stops[run_expected >= threshold]):
        out[a:b] = np.nan
    return out.reshape(calls.shape)
