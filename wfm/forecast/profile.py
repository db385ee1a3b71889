"""Intraday profiles (share of the day's calls per slot) per day kind, with shrinkage toward pooled profiles,
and the queue's weekly structure learned from its own history.

Day kinds: 0-6 Monday-Sunday, 7 the days off of a holiday period (its official holidays and the working days
bridged into it; a weekend day inside the period keeps its weekday's shape, its volume is the daily model's),
8 make-up working days. Which weekdays behave
like workdays, which is the quietest (the day a holiday most resembles) and which hours of each weekday are
closed are learned from the data (`weekly_structure`), never assumed: a Friday-Saturday weekend, a Sunday-only
weekend or a centre open a few hours on Friday are all read from the history.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

KINDS = 9
HOLIDAY, MAKEUP = 7, 8
SHRINK_CALLS = 4000.0  # pseudo-calls of the parent profile mixed into a kind's own profile
STRUCTURE_WEEKS = 26  # the weekly structure is read from the last 26 weeks
WORKDAY_SHARE = 0.6  # a weekday with at least 60% of the busiest weekday's volume is workday-like
CLOSED_SLOT_CALLS = 5.0  # zero calls in a slot where the pooled shape expects this many: that slot is closed
CLOSED_DAY_SHARE = 0.3  # a weekday open on fewer than 30% of its days is closed
CLOSED_DAY_LEVEL = 0.05  # a day with under 5% of the busiest weekday's mean calls was closed (a few stray calls)
STRAY_CALLS = 50.0  # ... unless it took this many: a near-closed day of a big queue (a bank's Friday) is open


@dataclass(frozen=True)
class WeeklyStructure:
    """What a queue's week looks like, learned from its history."""

    workdays: tuple[int, ...] = (0, 1, 2, 3, 4)  # workday-like weekdays (Monday = 0)
    quietest: int = 6  # the weekday with the least volume (closed ones first): a holiday's stand-in
    closed_weekdays: tuple[int, ...] = ()
    open_slots: np.ndarray | None = None  # (7, slots) bool: False where that weekday is closed at that slot
    busiest_mean: float = 0.0  # mean calls a day on the busiest weekday

    def opened(self, totals: np.ndarray, present: np.ndarray) -> np.ndarray:
        """Days that were open: present, with more than a few stray calls (relative to the queue's busiest
        weekday, or enough calls to need someone to answer them)."""
        many = (totals > max(CLOSED_DAY_LEVEL * self.busiest_mean, 0.0)) | (totals >= STRAY_CALLS)
        return present & many & (totals > 0)


def day_kinds(cal: pd.DataFrame) -> np.ndarray:
    wd = pd.to_datetime(cal["date"]).dt.day_of_week.to_numpy()
    rest = ~cal["is_workday"].to_numpy(bool)
    day_off = cal["is_holiday"].to_numpy(bool) | ~cal["is_weekend"].to_numpy(bool)
    kind = np.where(rest & cal["holiday_period"].to_numpy(bool) & day_off, HOLIDAY, wd)
    return np.where(cal["is_makeup_workday"].to_numpy(bool), MAKEUP, kind)


def weekly_structure(calls: np.ndarray, kinds: np.ndarray, present: np.ndarray, in_data_weeks: np.ndarray
                     ) -> WeeklyStructure:
    """Workday-like and closed weekdays, the quietest weekday and closed slots per weekday, from the plain
    (non-holiday) days of the last `STRUCTURE_WEEKS` weeks. A weekday with no rows in weeks that have data
    counts as closed (exports often leave closed days out)."""
    n, slots = calls.shape
    recent = np.arange(n) >= n - 7 * STRUCTURE_WEEKS
    plain = (kinds < 7) & in_data_weeks & recent
    if not plain.any():
        plain = (kinds < 7) & in_data_weeks
    x = np.where(present[:, None], np.nan_to_num(calls), 0.0)
    totals = x.sum(axis=1)
    level = np.zeros(7)
    sums = np.zeros((7, slots))
    for w in range(7):
        days = plain & (kinds == w)
        if days.any():
            level[w] = totals[days].mean()  # absent days count as zero: closed
            sums[w] = x[days].sum(axis=0)
    top = level.max()
    was_open = WeeklyStructure(busiest_mean=top).opened(totals, present)
    opened = np.array([was_open[plain & (kinds == w)].mean() if (plain & (kinds == w)).any() else 0.0
                       for w in range(7)])
    closed = tuple(int(w) for w in range(7) if ((plain & (kinds == w)).any() and opened[w] < CLOSED_DAY_SHARE))
    workdays = tuple(int(w) for w in range(7) if top > 0 and level[w] >= WORKDAY_SHARE * top and w not in closed)
    quietest = int(np.argmin(np.where(np.isin(np.arange(7), closed), -1.0, level)))
    pooled = sums.sum(axis=0)
    pooled = pooled / pooled.sum() if pooled.sum() > 0 else np.full(slots, 1.0 / slots)
    expected = sums.sum(axis=1, keepdims=True) * pooled[None, :]
    open_slots = (sums > 0) | (expected < CLOSED_SLOT_CALLS)
    return WeeklyStructure(workdays or (0, 1, 2, 3, 4), quietest, closed, open_slots, float(top))


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


def estimate_profiles(calls: np.ndarray, kinds: np.ndarray, weights: np.ndarray,
                      structure: WeeklyStructure | None = None) -> np.ndarray:
    """Profiles (KINDS x slots) from complete days of `calls` (days x slots), weighted per day.

    Each weekday is shrunk toward the pooled profile of its group (workday-like or rest-like weekdays),
    restricted to the slots that weekday is open; holidays toward the quietest weekday (weighing as much as one
    holiday's calls, so that holiday opening hours seen once or twice are kept), make-up days toward the
    workdays."""
    structure = structure or WeeklyStructure()
    slots = calls.shape[1]
    complete = np.isfinite(calls).all(axis=1) & (np.nan_to_num(calls).sum(axis=1) > 0) & (weights > 0)
    x = np.where(complete[:, None], np.nan_to_num(calls), 0.0) * weights[:, None]
    sums = np.zeros((KINDS, slots))
    np.add.at(sums, kinds, x)
    flat = np.full(slots, 1.0 / slots)
    pooled = _norm(sums.sum(axis=0), flat)
    pooled = _smooth(pooled, sums.sum())
    work = [w for w in range(7) if w in structure.workdays] + [MAKEUP]
    rest = [w for w in range(7) if w not in structure.workdays] + [HOLIDAY]
    groups = {"work": _shrink(sums[work].sum(axis=0), pooled), "rest": _shrink(sums[rest].sum(axis=0), pooled)}
    mask = structure.open_slots
    profiles = np.zeros((KINDS, slots))
    for k in range(7):
        parent = groups["work"] if k in structure.workdays else groups["rest"]
        if mask is not None and (parent * mask[k]).sum() > 0:
            parent = _norm(parent * mask[k], parent)
        profiles[k] = _shrink(sums[k], parent)
    # holidays keep their own hours (a centre often opens shorter on them): the parent weighs one holiday's calls
    holiday_days = weights[complete & (kinds == HOLIDAY)].sum()
    per_holiday = sums[HOLIDAY].sum() / holiday_days if holiday_days > 0 else 0.0
    profiles[HOLIDAY] = _shrink(sums[HOLIDAY], profiles[structure.quietest] if profiles[structure.quietest].sum() > 0
                                else groups["rest"], min(SHRINK_CALLS, per_holiday))
    profiles[MAKEUP] = _shrink(sums[MAKEUP], groups["work"])
    return profiles


def _norm(s: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    total = s.sum()
    return s / total if total > 0 else fallback


def _shrink(s: np.ndarray, parent: np.ndarray, pseudo: float = SHRINK_CALLS) -> np.ndarray:
    n = s.sum()
    if n + pseudo <= 0:
        return parent
    return (s + pseudo * parent) / (n + pseudo)


def dispersion(calls: np.ndarray, kinds: np.ndarray, age: np.ndarray, profile_days: int, half_life: float) -> float:
    """Interval-level overdispersion (negative-binomial phi, 0..1): the last 28 days against profiles from the
    `profile_days` before them (half-life `half_life` days)."""
    recent = age < 28
    before = np.where((age >= 28) & (age < 28 + profile_days), 0.5 ** ((age - 28) / half_life), 0.0)
    if (before > 0).sum() < 14:
        return 0.0
    prof = estimate_profiles(calls, kinds, before)
    x = calls[recent]
    complete = np.isfinite(x).all(axis=1)
    if complete.sum() < 7:
        return 0.0
    x = x[complete]
    m = x.sum(axis=1, keepdims=True) * prof[kinds[recent][complete]]
    num = ((x - m) ** 2 - m).sum()
    den = (m ** 2).sum()
    return float(np.clip(num / den, 0.0, 1.0)) if den > 0 else 0.0
