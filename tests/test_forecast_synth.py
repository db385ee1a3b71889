"""Seeded synthetic histories with known structure for the forecast tests (helpers, no tests here)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from wfm.calendar import day_calendar

WEEKDAY = np.array([1.15, 1.05, 1.0, 0.98, 0.97, 0.75, 0.70])


def profile(interval_minutes: int, closed_night: bool = True) -> np.ndarray:
    h = (np.arange(0, 1440, interval_minutes) + interval_minutes / 2) / 60
    p = 0.05 + np.exp(-0.5 * ((h - 10) / 1.5) ** 2) + 0.8 * np.exp(-0.5 * ((h - 15) / 1.8) ** 2)
    if closed_night:
        p = np.where((h >= 7) & (h < 22), p, 0.0)
    return p / p.sum()


def expected_daily(start: dt.date, end: dt.date, base: float, country: str = "CN", holiday_factor: float = 0.45,
                   special: dict | None = None) -> pd.DataFrame:
    """Expected calls per day: base x weekday (make-up days like a Wednesday) x holiday x special."""
    cal = day_calendar(start, end, country, special_days=special)
    wd = pd.to_datetime(cal["date"]).dt.day_of_week.to_numpy()
    f = WEEKDAY[wd].copy()
    f[cal["is_makeup_workday"].to_numpy(bool)] = WEEKDAY[2]
    rest_weekday = ~cal["is_workday"].to_numpy(bool) & (wd < 5)
    f[rest_weekday] = WEEKDAY[6]
    f[cal["holiday_period"].to_numpy(bool)] *= holiday_factor
    f[cal["special"].to_numpy() != ""] *= 1.6
    return pd.DataFrame({"date": pd.to_datetime(cal["date"]), "expected": base * f})


def aht_truth(dates: pd.DatetimeIndex, interval_minutes: int, drift_start: dt.date | None = None) -> np.ndarray:
    """Mean AHT (days x slots): 300 s, 12% longer at 07:00 than at 15:00, 6% longer on weekends, and from
    `drift_start` rising linearly by 15% over 4 weeks (a new product), then staying there."""
    h = (np.arange(0, 1440, interval_minutes) + interval_minutes / 2) / 60
    slot = 1 + 0.06 * np.cos((h - 7) / 16 * np.pi)
    weekend = np.where(dates.day_of_week >= 5, 1.06, 1.0)
    drift = np.ones(len(dates))
    if drift_start is not None:
        t = (dates - pd.Timestamp(drift_start)).days.to_numpy() / 28
        drift = 1 + 0.15 * np.clip(t, 0, 1)
    return 300.0 * (weekend * drift)[:, None] * slot[None, :]


def history(start: dt.date, end: dt.date, *, base: float = 2000.0, queue: str = "billing", interval_minutes: int = 30,
            seed: int = 0, country: str = "CN", special: dict | None = None, with_aht: bool = False,
            aht_drift_start: dt.date | None = None) -> pd.DataFrame:
    """A Poisson history (long frame) from the known structure; night intervals present as zeros.

    `with_aht`: flat AHT of about 280 s with noise; `aht_drift_start`: AHT per interval drawn around
    `aht_truth` (the mean of that interval's calls' exponential handle times)."""
    rng = np.random.default_rng(seed)
    days = expected_daily(start, end, base, country, special=special)
    p = profile(interval_minutes)
    rate = days["expected"].to_numpy()[:, None] * p[None, :]
    calls = rng.poisson(rate)
    starts = (days["date"].to_numpy()[:, None]
              + (np.arange(len(p)) * interval_minutes).astype("timedelta64[m]")[None, :]).ravel()
    out = pd.DataFrame({"interval_start": starts.astype("datetime64[us]"), "queue": queue,
                        "offered": calls.ravel().astype(int)})
    if with_aht:
        out["aht_s"] = np.where(out["offered"] > 0, 280.0 + rng.normal(0, 10, len(out)), np.nan)
    if aht_drift_start is not None:
        mean = aht_truth(pd.DatetimeIndex(days["date"]), interval_minutes, aht_drift_start).ravel()
        n = np.maximum(out["offered"].to_numpy(), 1)
        out["aht_s"] = np.where(out["offered"] > 0, rng.gamma(n, mean / n), np.nan)
    return out


def truth(start: dt.date, days: int, *, base: float = 2000.0, interval_minutes: int = 30, country: str = "CN",
          special: dict | None = None) -> np.ndarray:
    """Expected calls (days x slots) of the horizon."""
    d = expected_daily(start, start + dt.timedelta(days=days - 1), base, country, special=special)
    return d["expected"].to_numpy()[:, None] * profile(interval_minutes)[None, :]
