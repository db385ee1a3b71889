"""Re-forecast the rest of the day per queue from the intervals seen so far.

The day's forecast profile is kept and scaled per queue by a credibility-weighted ratio of arrived to expected
calls. With a Gamma(a, a) prior on the day's level (mean 1, coefficient of variation `prior_cv`, so
a = 1 / prior_cv**2, in calls) and Poisson arrivals, the posterior mean level is

    ratio = (a + arrived) / (a + expected)

so early in the day, or on a small queue, the plan moves little; one noisy interval moves it less still. A run
of zeros where the forecast expected many calls (`wfm.forecast.prep.mark_outages`) is a feed outage, left out
like an interval that never arrived.

A surge is a run of seen intervals far above that level: the run whose Poisson likelihood at its own level
most exceeds that at the day's (an epidemic change-point, significant at `surge_p` against chance), at least
`surge_lift` times the rest. The day's level is estimated without it, whether it is still on or over. A surge
still on at the cutoff (its last `surge_intervals` intervals still `surge_lift` times the level) is projected
forward with its excess decaying geometrically, with a half-life of the surge's age so far (at least
`half_life_min`): a spike that has lasted an hour is expected to last about as long again, one of ten minutes
to fade quickly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import chi2

from wfm.forecast.prep import mark_outages

FORECAST_COLUMNS = ["interval_start", "queue", "calls", "aht_s", "forecast_calls", "actual", "multiplier", "surge"]
SUMMARY_COLUMNS = ["queue", "expected_so_far", "arrived_so_far", "ratio", "surge", "surge_level", "surge_since",
                   "half_life_min", "outage_intervals"]


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
        delivered = pd.Series([seen.get((ts, queue), np.nan) for ts in g["interval_start"]], dtype=float)
        # runs of zeros where the forecast expected many calls are a feed outage: gaps, not a quiet day
        actual = pd.Series(mark_outages(delivered.to_numpy()[None, :], g["calls"].to_numpy(float)[None, :])[0])
        mult, info = _queue_level(g, actual, cutoff, settings)
        info["outage_intervals"] = int((actual.isna() & delivered.notna()).sum())
        future = (g["interval_start"] >= cutoff).to_numpy()
        # seen intervals keep what arrived; later ones (and gaps in the feed) get the scaled forecast
        calls = np.where(actual.notna().to_numpy() & ~future, actual.fillna(0.0).to_numpy(),
                         g["calls"].to_numpy(float) * mult)
        frames.append(pd.DataFrame({
            "interval_start": g["interval_start"], "queue": queue, "calls": calls, "aht_s": g["aht_s"],
            "forecast_calls": g["calls"].astype(float), "actual": delivered, "multiplier": mult,
            "surge": future & info["surge"]}))
        summary.append({"queue": queue, **info})
    intervals = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=FORECAST_COLUMNS)
    intervals = intervals.sort_values(["interval_start", "queue"], kind="stable").reset_index(drop=True)
    return Reforecast(intervals[FORECAST_COLUMNS], pd.DataFrame(summary, columns=SUMMARY_COLUMNS))


def _queue_level(g: pd.DataFrame, actual: pd.Series, cutoff: pd.Timestamp, s: ReforecastSettings
                 ) -> tuple[np.ndarray, dict]:
    """Multiplier of the forecast per interval of one queue's day, and what it was made of."""
    expected = g["calls"].to_numpy(float)
    has = actual.notna().to_numpy() & (g["interval_start"] < cutoff).to_numpy()
    idx = np.flatnonzero(has)
    seen_a, seen_e = actual.to_numpy(float)[idx], expected[idx]
    info = {"expected_so_far": float(seen_e.sum()), "arrived_so_far": float(seen_a.sum()), "surge": False,
            "surge_level": np.nan, "surge_since": pd.NaT, "half_life_min": np.nan}
    lo, hi = _high_segment(seen_a, seen_e, s)
    outside = np.ones(len(idx), bool)
    outside[lo:hi] = False  # a surge, ongoing or over, says nothing about the day's level
    ratio = credibility_ratio(float(seen_a[outside].sum()), float(seen_e[outside].sum()), s.prior_calls)
    info["ratio"] = ratio
    mult = np.full(len(g), ratio)
    if hi < len(idx) or hi - lo == 0:
        return mult, info
    recent = slice(max(lo, hi - s.surge_intervals), hi)
    level = float(seen_a[recent].sum()) / max(ratio * float(seen_e[recent].sum()), 1e-9)
    if level < s.surge_lift:  # the surge is fading out of the last intervals: no projection
        return mult, info
    since = g["interval_start"].iloc[idx[lo]]
    half_life = max(s.half_life_min, (cutoff - since).total_seconds() / 60)
    ahead = ((g["interval_start"] - cutoff).dt.total_seconds() / 60).to_numpy()
    mult = np.where(ahead >= 0, ratio * (1 + (level - 1) * 0.5 ** (np.maximum(ahead, 0) / half_life)), ratio)
    info.update(surge=True, surge_level=level, surge_since=since, half_life_min=half_life)
    return mult, info


def _high_segment(arrived: np.ndarray, expected: np.ndarray, s: ReforecastSettings) -> tuple[int, int]:
    """The run of seen intervals [lo, hi) most likely at a higher level than the rest (Poisson likelihood ratio,
    an epidemic change-point); (0, 0) unless it is `surge_lift` times the rest and significant at `surge_p`."""
    n = len(arrived)
    if n < 2 or expected.sum() <= 0:
        return 0, 0
    ca = np.concatenate([[0.0], np.cumsum(arrived)])
    ce = np.concatenate([[0.0], np.cumsum(expected)])
    lo, hi = np.triu_indices(n + 1, k=1)
    a_in, e_in = ca[hi] - ca[lo], ce[hi] - ce[lo]
    a_out, e_out = ca[-1] - a_in, ce[-1] - e_in
    ok = (e_in > 0) & (e_out > 0) & (a_in * e_out >= s.surge_lift * a_out * e_in) & (a_in > 0)
    if not ok.any():
        return 0, 0

    def loglik(a, e):
        return np.where(a > 0, a * np.log(np.maximum(a, 1e-300) / np.maximum(e, 1e-300)), 0.0) - a

    gain = loglik(a_in, e_in) + loglik(a_out, e_out) - loglik(np.array(ca[-1]), np.array(ce[-1]))
    gain = np.where(ok, gain, -np.inf)
    best = int(np.argmax(gain))
    if 2 * gain[best] < chi2.isf(s.surge_p, df=2):
        return 0, 0
    return int(lo[best]), int(hi[best])
