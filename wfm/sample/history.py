"""A deterministic ACD history of the sample hotline, with the patterns of a Chinese provincial centre.

Volume = daily level (trend, yearly season, weekday, holidays and make-up days, month-start bills, day noise)
x intraday profile (weekday or weekend shape, queue opening hours) + outage spikes on faults, then Poisson
noise. AHT has its own daily pattern per queue.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from wfm.calendar import day_calendar
from wfm.sample.config_template import QUEUES, QueueSpec

WEEKDAY_FACTOR = np.array([1.16, 1.06, 1.00, 0.98, 0.97, 0.80, 0.74])  # Monday .. Sunday
HOLIDAY_FACTOR = {"billing": 0.55, "faults": 0.80, "complaints": 0.50, "vip": 0.55, "english": 0.70, "data": 0.60}


def _bumps(hours: np.ndarray, centres_widths_heights: list[tuple[float, float, float]]) -> np.ndarray:
    return sum(h * np.exp(-0.5 * ((hours - c) / w) ** 2) for c, w, h in centres_widths_heights)


def intraday_profile(interval_minutes: int, weekend: bool, spec: QueueSpec) -> np.ndarray:
    """Share of the day's calls in each interval (sums to 1): morning and afternoon peaks, night trough."""
    hours = (np.arange(0, 1440, interval_minutes) + interval_minutes / 2) / 60
    if weekend:
        shape = 0.04 + _bumps(hours, [(11.0, 1.9, 0.85), (15.5, 2.2, 0.75), (20.0, 1.6, 0.45)])
    else:
        shape = 0.03 + _bumps(hours, [(10.0, 1.4, 1.0), (14.8, 1.6, 0.85), (20.2, 1.4, 0.40)])
    night = (hours < 7) | (hours >= 23)
    shape = np.where(night, shape * 0.35, shape)
    shape = np.where((hours >= spec.opens) & (hours < spec.closes), shape, 0.0)
    return shape / shape.sum()


def aht_profile(interval_minutes: int, spec: QueueSpec) -> np.ndarray:
    """Mean handle time per interval of the day: longer at night and in the late evening, shorter at peaks."""
    hours = (np.arange(0, 1440, interval_minutes) + interval_minutes / 2) / 60
    return spec.aht_s * (1.0 + 0.10 * np.cos((hours - 3) / 24 * 2 * np.pi) - 0.04 * _bumps(hours, [(10.5, 2, 1.0)]))


def daily_levels(days: pd.DataFrame, spec: QueueSpec, rng: np.random.Generator, trend_per_year: float = 0.04
                 ) -> np.ndarray:
    """Expected calls per day for `days` (a `day_calendar` frame)."""
    dates = pd.to_datetime(days["date"])
    t_years = (dates - dates.iloc[0]).dt.days.to_numpy() / 365.25
    doy = dates.dt.day_of_year.to_numpy()
    season = 1 + 0.07 * np.sin(2 * np.pi * (doy - 100) / 365.25) + 0.04 * np.cos(4 * np.pi * doy / 365.25)
    weekday = WEEKDAY_FACTOR[days["weekday"].to_numpy()]
    # a make-up working day is worked like a midweek day; a holiday period is quiet
    weekday = np.where(days["is_makeup_workday"], WEEKDAY_FACTOR[2] * 0.95, weekday)
    holiday = np.where(days["holiday_period"], HOLIDAY_FACTOR.get(spec.name, 0.6), 1.0)
    after = days["holiday_period"].shift(1, fill_value=False) & ~days["holiday_period"]
    holiday = holiday * np.where(after, 1.18, 1.0)  # back-to-work rebound
    dom = dates.dt.day.to_numpy()
    month_start = 1 + spec.month_start_lift * np.select([dom == 1, dom == 2, dom == 3], [1.0, 0.55, 0.25], 0.0)
    noise = np.exp(rng.normal(0, 0.035, len(days)))
    return spec.daily_calls * (1 + trend_per_year * t_years) * season * weekday * holiday * month_start * noise


def sample_history(end: dt.date, *, years: float = 2.0, seed: int = 0, interval_minutes: int = 15,
                   queues: tuple[QueueSpec, ...] = QUEUES, scale: float = 1.0, country: str = "CN") -> pd.DataFrame:
    """History from `years` before `end` up to and including `end`, one row per interval per queue.

    Columns `interval_start, queue, offered, handled, abandoned, aht_s`. Deterministic for a given seed.
    """
    start = end - dt.timedelta(days=round(365 * years) - 1)
    days = day_calendar(start, end, country)
    per_day = 1440 // interval_minutes
    rng = np.random.default_rng(seed)
    stamps = (pd.to_datetime(days["date"]).to_numpy()[:, None]
              + (np.arange(per_day) * np.timedelta64(interval_minutes, "m"))[None, :]).ravel()
    weekend_shape = (days["weekday"].to_numpy() >= 5) & ~days["is_makeup_workday"].to_numpy() \
        | days["holiday_period"].to_numpy()
    outages = _outages(len(days), interval_minutes, rng)
    frames = []
    for spec in queues:
        q_rng = np.random.default_rng([seed, sum(map(ord, spec.name))])
        level = daily_levels(days, spec, q_rng) * scale
        profiles = np.where(weekend_shape[:, None], intraday_profile(interval_minutes, True, spec)[None, :],
                            intraday_profile(interval_minutes, False, spec)[None, :])
        rate = level[:, None] * profiles
        if spec.name in ("faults", "billing", "data"):
            rate = _add_outages(rate, outages, spec.name)
        offered = q_rng.poisson(rate).ravel()
        abandon_p = np.clip(0.03 + 0.02 * (rate.ravel() / max(rate.max(), 1)), 0, 0.2)
        abandoned = q_rng.binomial(offered, abandon_p)
        handled = offered - abandoned
        mean_aht = np.tile(aht_profile(interval_minutes, spec), len(days))
        # the mean of n exponential-ish handle times: Gamma(n, mean/n)
        n = np.maximum(handled, 1)
        aht = q_rng.gamma(n * 1.5, mean_aht / (n * 1.5))
        frames.append(pd.DataFrame({
            "interval_start": stamps, "queue": spec.name, "offered": offered, "handled": handled,
            "abandoned": abandoned, "aht_s": np.where(handled > 0, np.round(aht, 1), np.nan),
        }))
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["interval_start", "queue"], kind="stable").reset_index(drop=True)


def _outages(n_days: int, interval_minutes: int, rng: np.random.Generator) -> list[tuple[int, int, int]]:
    """About six network outages a year: (day index, first interval, number of intervals)."""
    out = []
    for d in np.flatnonzero(rng.random(n_days) < 6 / 365):
        start = int(rng.integers(8 * 60, 19 * 60)) // interval_minutes
        out.append((int(d), start, int(rng.integers(3 * 60, 8 * 60)) // interval_minutes))
    return out


def _add_outages(rate: np.ndarray, outages: list[tuple[int, int, int]], queue: str) -> np.ndarray:
    rate = rate.copy()
    lift = {"faults": 3.0, "billing": 0.6, "data": 1.2}[queue]
    for d, start, length in outages:
        end = min(start + length, rate.shape[1])
        rate[d, start:end] *= 1 + lift * np.linspace(1, 0.3, end - start)
    return rate
