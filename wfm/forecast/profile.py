"""Intraday profiles (share of the day's calls per slot) per day kind, with shrinkage toward pooled profiles.

Day kinds: 0-4 Monday-Friday workdays, 5 Saturday, 6 Sunday (and weekdays off outside holiday periods),
7 rest days in a holiday period, 8 make-up working days (shaped like an average workday).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wfm.forecast.daily import calendar_flags

KINDS = 9
WORK, REST = (0, 1, 2, 3, 4, 8), (5, 6, 7)
SHRINK_CALLS = 4000.0  # pseudo-calls of the parent profile mixed into a kind's own profile


def day_kinds(cal: pd.DataFrame) -> np.ndarray:
    wd = pd.to_datetime(cal["date"]).dt.day_of_week.to_numpy()
    rest = calendar_flags(cal)["rest"].to_numpy(bool)
    kind = np.where(rest & (wd < 5), 6, wd)
    kind = np.where(rest & cal["holiday_period"].to_numpy(bool), 7, kind)
    return np.where(cal["is_makeup_workday"].to_numpy(bool), 8, kind)


def _smooth(p: np.ndarray, calls: float) -> np.ndarray:
    """Blend a profile with a 3-slot circular moving average, more so when it rests on few calls per slot."""
    if calls <= 0:
        return p
    per_slot = calls / max((p > 0).sum(), 1)
    k = 1.0 / (1.0 + per_slot / 50.0)
    sm = 0.25 * np.roll(p, 1) + 0.5 * p + 0.25 * np.roll(p, -1)
    sm = np.where(p > 0, sm, 0.0) if (p == 0).mean() > 0.1 else sm  # keep closed hours closed
    out = (1 - k) * p + k * sm
    return out / out.sum() if out.sum() > 0 else out


def estimate_profiles(calls: np.ndarray, kinds: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Profiles (KINDS x slots) from complete days of `calls` (days x slots), weighted per day."""
    slots = calls.shape[1]
    complete = np.isfinite(calls).all(axis=1) & (np.nan_to_num(calls).sum(axis=1) > 0) & (weights > 0)
    x = np.where(complete[:, None], np.nan_to_num(calls), 0.0) * weights[:, None]
    sums = np.zeros((KINDS, slots))
    np.add.at(sums, kinds, x)
    flat = np.full(slots, 1.0 / slots)
    pooled = _norm(sums.sum(axis=0), flat)
    pooled = _smooth(pooled, sums.sum())
    groups = {}
    for name, members in (("work", WORK), ("rest", REST)):
        s = sums[list(members)].sum(axis=0)
        groups[name] = _shrink(s, pooled)
    profiles = np.zeros((KINDS, slots))
    for k in range(KINDS):
        parent = groups["work"] if k in WORK else groups["rest"]
        if k == 7:  # holidays: few days, shaped like weekends unless the data say otherwise
            parent = _shrink(sums[6], groups["rest"])
        profiles[k] = _shrink(sums[k], parent) if k != 8 else _shrink(sums[8], groups["work"])
    return profiles


def _norm(s: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    total = s.sum()
    return s / total if total > 0 else fallback


def _shrink(s: np.ndarray, parent: np.ndarray) -> np.ndarray:
    n = s.sum()
    return (s + SHRINK_CALLS * parent) / (n + SHRINK_CALLS)
