"""Re-forecast the rest of the day per queue from the intervals seen so far.

The day's forecast profile is kept and scaled per queue by a credibility-weighted ratio of arrived to expected
calls. With a Gamma(a, a) prior on the day's level (mean 1, coefficient of variation `prior_cv`, so
a = 1 / prior_cv**2, in calls) and Poisson arrivals, the posterior mean level is

    ratio = (a + arrived) / (a + expected)

so early in the day, or on a small queue, the plan moves little; one noisy interval moves it less still.

A surge is a queue far above that level over the last `surge_intervals` seen intervals: at least `surge_lift`
times the expected calls and improbable as Poisson noise (tail probability below `surge_p`). The level before
the surge is estimated from the intervals before its onset; the surge's excess over it decays geometrically
with a half-life of the surge's age so far (at least `half_life_min`): a spike that has lasted an hour is
expected to last about as long again, one of ten minutes to fade quickly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import poisson

FORECAST_COLUMNS = ["interval_start", "queue", "calls", "aht_s", "forecast_calls", "actual", "multiplier", "surge"]
SUMMARY_COLUMNS = ["queue", "expected_so_far", "arrived_so_far", "ratio", "surge", "surge_level", "surge_since",
                   "half_life_min"]


@dataclass(frozen=True)
class ReforecastSettings:
    """How strongly the day's arrivals move the plan and what counts as a surge."""

    prior_cv: float = 0.15  # day-level forecast error a centre expects (credibility of the forecast)
    surge_intervals: int = 4  # recent intervals the surge test looks at
    surge_lift: float = 1.3  # at least this many times the expected calls
    surge_p: float = 1e-3  # and this improbable as Poisson noise
    half_life_min: float = 30.0  # shortest half-life of a surge's excess

    @property
    def prior_calls(self) -> float:
        return 1.0 / self.prior_cv ** 2


@dataclass
class Reforecast:
    """`intervals`: `FORECAST_COLUMNS` for the day (seen intervals hold `actual`); `queues`: `SUMMARY_COLUMNS`."""

    intervals: pd.DataFrame
    queues: pd.DataFrame


def credibility_ratio(arrived: float, expected: float, prior_calls: float) -> float:
    """Posterior mean of the day's level given `arrived` calls where the forecast expected `expected`."""
    return (prior_calls + arrived) / (prior_calls + expected)


def reforecast(forecast: pd.DataFrame, actuals: pd.DataFrame, cutoff: pd.Timestamp, *,
               settings: ReforecastSettings = ReforecastSettings()) -> Reforecast:
    """Re-forecast the day of `cutoff` from `actuals` (history columns `interval_start, queue, offered`) seen
    before `cutoff`. `forecast` has `interval_start, queue, calls, aht_s`; only the day of `cutoff` is used."""
    day = cutoff.normalize()
    fc = forecast[(forecast["interval_start"] >= day) & (forecast["interval_start"] < day + pd.Timedelta(days=1))]
    seen = actuals[(actuals["interval_start"] >= day) & (actuals["interval_start"] < cutoff)]
    seen = seen.groupby(["interval_start", "queue"])["offered"].sum()
    frames, summary = [], []
    for queue, g in fc.sort_values("interval_start").groupby("queue", sort=True):
        g = g.reset_index(drop=True)
        actual = pd.Series([seen.get((ts, queue), np.nan) for ts in g["interval_start"]], dtype=float)
        mult, info = _queue_level(g, actual, cutoff, settings)
        future = (g["interval_start"] >= cutoff).to_numpy()
        # seen intervals keep what arrived; later ones (and gaps in the feed) get the scaled forecast
        calls = np.where(actual.notna().to_numpy() & ~future, actual.fillna(0.0).to_numpy(),
                         g["calls"].to_numpy(float) * mult)
        frames.append(pd.DataFrame({
            "interval_start": g["interval_start"], "queue": queue, "calls": calls, "aht_s": g["aht_s"],
            "forecast_calls": g["calls"].astype(float), "actual": actual, "multiplier": mult,
            "surge": future & info["surge"]}))
        summary.append({"queue": queue, **info})
    intervals = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=FORECAST_COLUMNS)
    intervals = intervals.sort_values(["interval_start", "queue"], kind="stable").reset_index(drop=True)
    return Reforecast(intervals[FORECAST_COLUMNS], pd.DataFrame(summary, columns=SUMMARY_COLUMNS))


def _queue_level(g: pd.DataFrame, actual: pd.Series, cutoff: pd.Timestamp, s: ReforecastSettings) -> tuple[np.ndarray, dict]:
    """Multiplier of the forecast per interval of one queue's day, and what it was made of."""
    expected = g["calls"].to_numpy(float)
    has = actual.notna().to_numpy() & (g["interval_start"] < cutoff).to_numpy()
    idx = np.flatnonzero(has)
    arrived_all, expected_all = float(actual[has].sum()), float(expected[has].sum())
    ratio = credibility_ratio(arrived_all, expected_all, s.prior_calls)
    info = {"expected_so_far": expected_all, "arrived_so_far": arrived_all, "ratio": ratio, "surge": False,
            "surge_level": np.nan, "surge_since": pd.NaT, "half_life_min": np.nan}
    mult = np.full(len(g), ratio)
    if len(idx) < s.surge_intervals:
        return mult, info
    recent, before = idx[-s.surge_intervals:], idx[:-s.surge_intervals]
    base = credibility_ratio(float(actual.iloc[before].sum()), float(expected[before].sum()), s.prior_calls)
    want = base * float(expected[recent].sum())
    got = float(actual.iloc[recent].sum())
    if want <= 0 or got < s.surge_lift * want or poisson.sf(got - 1, want) >= s.surge_p:
        return mult, info
    onset = int(recent[0])  # walk back over earlier intervals that were already high
    for i in before[::-1]:
        if actual.iloc[i] < s.surge_lift * base * expected[i]:
            break
        onset = int(i)
    pre = idx[idx < onset]
    base = credibility_ratio(float(actual.iloc[pre].sum()), float(expected[pre].sum()), s.prior_calls)
    level = got / (base * float(expected[recent].sum()))
    since = g["interval_start"].iloc[onset]
    half_life = max(s.half_life_min, (cutoff - since).total_seconds() / 60)
    ahead = ((g["interval_start"] - cutoff).dt.total_seconds() / 60).to_numpy()
    decay = np.where(ahead >= 0, 0.5 ** (np.maximum(ahead, 0) / half_life), 0.0)
    mult = np.where(ahead >= 0, base * (1 + (level - 1) * decay), ratio)
    info.update(ratio=base, surge=True, surge_level=level, surge_since=since, half_life_min=half_life)
    return mult, info
