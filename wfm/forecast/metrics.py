"""Accuracy measures on aligned arrays of actuals and forecasts."""

from __future__ import annotations

import numpy as np


def wape(actual, forecast) -> float:
    """Weighted absolute percentage error: sum |a - f| / sum a."""
    a, f = np.asarray(actual, float), np.asarray(forecast, float)
    s = a.sum()
    return float(np.abs(a - f).sum() / s) if s > 0 else float("nan")


def bias(actual, forecast) -> float:
    """Relative bias: sum (f - a) / sum a (positive = over-forecast)."""
    a, f = np.asarray(actual, float), np.asarray(forecast, float)
    s = a.sum()
    return float((f - a).sum() / s) if s > 0 else float("nan")


def mase(actual, forecast, scale: float) -> float:
    """Mean absolute error divided by `scale` (the in-sample MAE of the seasonal-naive forecast)."""
    a, f = np.asarray(actual, float), np.asarray(forecast, float)
    return float(np.abs(a - f).mean() / scale) if scale > 0 and len(a) else float("nan")


def coverage(actual, lo, hi) -> float:
    """Share of actuals inside [lo, hi]."""
    a, lo, hi = (np.asarray(x, float) for x in (actual, lo, hi))
    ok = np.isfinite(lo) & np.isfinite(hi)
    return float(((a >= lo) & (a <= hi))[ok].mean()) if ok.any() else float("nan")


def seasonal_scale(series: np.ndarray, lag: int) -> float:
    """In-sample MAE of the seasonal-naive forecast at `lag` steps (pairs with a missing value skipped)."""
    x = np.asarray(series, float)
    if len(x) <= lag:
        return float("nan")
    d = np.abs(x[lag:] - x[:-lag])
    d = d[np.isfinite(d)]
    return float(d.mean()) if len(d) else float("nan")
