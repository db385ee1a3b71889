"""AHT per slot of the day, for workdays and rest days: a calls-weighted, recency-weighted mean smoothed
across neighbouring slots, times the level of the last days against that pattern; the recency, the smoothing
and the level window are chosen per queue by how well they would have predicted the AHT of the last 4 weeks
of history.

Per-interval AHT is noisy (the mean of a few handle times), while the true pattern moves slowly through the
day and drifts over months (new hires, new products); the choice trades noise against that drift.
"""

from __future__ import annotations

import numpy as np

WINDOW_DAYS = 182
HALF_LIVES = (14.0, 28.0, 56.0, 112.0)
LEVEL_DAYS = (0, 7, 14, 28)  # 0: no separate level
LEVEL_PSEUDO_CALLS = 1000.0  # calls at the pattern's own level mixed into a recent level (one call's time varies ~100%)
BANDWIDTH_HOURS = (0.0, 0.125, 0.25, 0.5, 1.0)  # standard deviation of the Gaussian kernel across slots
PSEUDO_CALLS = 30.0  # calls of the parent (all days) pattern mixed into the workday / rest-day pattern
HOLDOUT_DAYS = 28
DEFAULTS = (56.0, 0.25, 0)


def fit_aht(aht: np.ndarray, calls: np.ndarray, rest: np.ndarray, interval_minutes: int, default: float
            ) -> tuple[np.ndarray, dict]:
    """The (2, slots) AHT pattern (workday, rest day) and the chosen settings.

    `aht` and `calls` are (days, slots) with NaN where unknown; `rest` is True on rest-like days."""
    w = np.where(np.isfinite(aht) & np.isfinite(calls), np.nan_to_num(calls), 0.0)
    a = np.nan_to_num(aht)
    n = len(aht)
    age = (n - 1 - np.arange(n)).astype(float)
    per_hour = 60.0 / interval_minutes  # slots per hour
    best, chosen = np.inf, DEFAULTS
    train = age >= HOLDOUT_DAYS
    test = ~train
    if w[train].sum() > 0 and w[test].sum() > 0 and (w[train].sum(axis=1) > 0).sum() >= 28:
        for hl in HALF_LIVES:
            for bw in BANDWIDTH_HOURS:
                pattern = _pattern(a, w, rest, age - HOLDOUT_DAYS, train, hl, bw * per_hour, default)
                for lv in LEVEL_DAYS:
                    f = pattern[rest[test].astype(int)] * _level(a, w, rest, age - HOLDOUT_DAYS, pattern, lv)
                    err = (w[test] * np.abs(a[test] - f)).sum()
                    if err < best - 1e-9:
                        best, chosen = err, (hl, bw, lv)
    hl, bw, lv = chosen
    pattern = _pattern(a, w, rest, age, np.ones(n, bool), hl, bw * per_hour, default)
    pattern = pattern * _level(a, w, rest, age, pattern, lv)
    return pattern, {"aht_half_life_days": hl, "aht_smoothing_hours": bw, "aht_level_days": lv}


def _level(a, w, rest, age, pattern, days: int) -> float:
    """AHT of the last `days` days (age 0 .. days-1) relative to `pattern`, by their calls."""
    if days <= 0:
        return 1.0
    last = (age >= 0) & (age < days)
    calls = w[last].sum()
    if calls <= 0:
        return 1.0
    fitted = (w[last] * pattern[rest[last].astype(int)]).sum()
    seen = (w[last] * a[last]).sum()
    return float((seen + LEVEL_PSEUDO_CALLS * fitted / calls) / (fitted + LEVEL_PSEUDO_CALLS * fitted / calls))


def _pattern(a, w, rest, age, use, half_life, bw_slots, default) -> np.ndarray:
    decay = np.where(use & (age >= 0) & (age < WINDOW_DAYS), 0.5 ** (np.maximum(age, 0) / half_life), 0.0)
    ww = w * decay[:, None]
    num, den = ww * a, ww
    total = den.sum()
    overall = num.sum() / total if total > 0 else default
    sm_all = _smooth(num.sum(axis=0), bw_slots), _smooth(den.sum(axis=0), bw_slots)
    parent = (sm_all[0] + PSEUDO_CALLS * overall) / (sm_all[1] + PSEUDO_CALLS)
    out = np.empty((2, a.shape[1]))
    for g, mask in enumerate((~rest, rest)):
        s_num, s_den = _smooth(num[mask].sum(axis=0), bw_slots), _smooth(den[mask].sum(axis=0), bw_slots)
        out[g] = (s_num + PSEUDO_CALLS * parent) / (s_den + PSEUDO_CALLS)
    return out


def _smooth(x: np.ndarray, bw_slots: float) -> np.ndarray:
    """Circular Gaussian smoothing across the slots of the day (midnight wraps to the next morning)."""
    if bw_slots <= 0:
        return x
    slots = len(x)
    d = np.minimum(np.arange(slots), slots - np.arange(slots))
    kernel = np.exp(-0.5 * (d / bw_slots) ** 2)
    kernel /= kernel.sum()
    return np.real(np.fft.ifft(np.fft.fft(x) * np.fft.fft(kernel)))
