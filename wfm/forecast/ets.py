"""The exponential-smoothing candidate from statsmodels for the per-queue model choice (`wfm.forecast.select`).

- `ets`: ETS (additive damped trend, additive weekly season; statsmodels Holt-Winters) on the log daily totals of
  the last `ETS_DAYS` days, the days the calendar model treats apart (holidays, closures, special days) taken
  from the calendar model; distributed over the day with the queue's intraday profiles.

It is fitted on the last `ETS_DAYS` days. For the delivered forecast its smoothing parameters are estimated on the
whole history; on the selection folds they are estimated once, on the earliest fold's history, and reused as they
are on the later folds (a filter pass each, not an optimisation). Parameters from the whole history would have
seen the folds' futures: its fold scores came out optimistic and it was picked where it then missed (issue 13:
estimated on the earliest fold instead, bernco 28 days ahead from 62 origins went from 0.893 to 0.888 of the
better baseline, us_bank 14 days from 0.902 to 0.896). What it keeps is a few numbers (`SmoothState`), from which
any day ahead is computed in closed form.

A damped-trend smoothing of the calendar model's residuals (`model_trend`) and a faster flat level
(`model_local`) were candidates too, until issue 13: chosen on 4 selection folds they were picking noise (over 62
weekly bernco origins, 28 days ahead, `model_trend` was chosen where it scored 101-166% WAPE), and the choice
without them scored better on every history measured (benchmarks/RESULTS.md).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

ETS_DAYS = 182  # days of history the smoothing models are fitted on
MIN_DAYS = 42  # fewer valid days than this: no smoothing candidate (the calendar model stands in)


@dataclass(frozen=True)
class SmoothState:
    """The end state of a damped-trend smoothing: level, trend, damping and (for `ets`) the weekly season by
    days after the last fitted day (`season[(h - 1) % 7]` for h days ahead)."""

    level: float
    trend: float
    damping: float
    season: tuple[float, ...] = ()
    params: tuple[float, ...] = ()  # smoothing level, trend (and season): to refit with, unoptimised

    def path(self, ahead: np.ndarray) -> np.ndarray:
        """The forecast `ahead` days (1, 2, ...) after the last fitted day."""
        h = np.maximum(np.asarray(ahead, int), 1)
        phi = self.damping
        damped = h.astype(float) if abs(1 - phi) < 1e-12 else phi * (1 - phi ** h) / (1 - phi)
        out = self.level + self.trend * damped
        if self.season:
            out = out + np.asarray(self.season)[(h - 1) % 7]
        return out


def _fill(values: np.ndarray, ok: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """`values` where `ok`, else the value a week earlier (already filled), else `fallback`."""
    out = np.where(ok, values, fallback).astype(float)
    for i in np.flatnonzero(~ok):
        if i >= 7:
            out[i] = out[i - 7]
    return out


def _smooth(series: np.ndarray, seasonal: bool, params: tuple[float, ...] | None = None) -> SmoothState | None:
    """Fit (or, with the `params` of an earlier fit, only filter) a damped-trend smoothing of `series`."""
    from statsmodels.tsa.holtwinters import ExponentialSmoothing  # imported in the worker, only when used

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter on short or flat series
        try:
            spec = ExponentialSmoothing(series, trend="add", damped_trend=True, seasonal="add" if seasonal else None,
                                        seasonal_periods=7 if seasonal else None, initialization_method="heuristic")
            if params:
                names = ("smoothing_level", "smoothing_trend", "damping_trend", "smoothing_seasonal")
                fit = spec.fit(**dict(zip(names, params)), optimized=False)
            else:
                fit = spec.fit(use_brute=False)
        except (ValueError, np.linalg.LinAlgError):
            return None
    p = fit.params
    level, trend, damping = float(fit.level[-1]), float(fit.trend[-1]), float(p.get("damping_trend", 1.0))
    if not all(np.isfinite((level, trend, damping))):
        return None
    season = tuple(float(s) for s in np.asarray(fit.season)[-7:]) if seasonal else ()
    found = (float(p["smoothing_level"]), float(p["smoothing_trend"]), damping) \
        + ((float(p["smoothing_seasonal"]),) if seasonal else ())
    return SmoothState(level, trend, damping, season, found)


def daily_ets(log_totals: np.ndarray, ok: np.ndarray, fitted: np.ndarray, params: tuple[float, ...] | None = None
              ) -> SmoothState | None:
    """ETS(A, Ad, A) with a weekly season on log daily totals over the last `ETS_DAYS` days; days not `ok` take
    the value of a week earlier (the calendar model's `fitted` value at the start)."""
    y, good = log_totals[-ETS_DAYS:], ok[-ETS_DAYS:]
    if good.sum() < MIN_DAYS:
        return None
    return _smooth(_fill(y, good, fitted[-ETS_DAYS:]), seasonal=True, params=params)
