"""Annual recurrence of the daily model: what happened in the same weeks a year earlier, beyond what the calendar
and the smooth yearly terms explain (a tax deadline, a yearly mailing, a school-year start), as one regression
feature.

The feature of a day is the queue's *anomaly* 364 days (52 weeks: the same weekday) before it: the daily model's
residual, averaged over the week around the day, less its rolling median over a quarter (so that the season,
which the yearly Fourier terms hold, and slow level changes are left out; what stays are events of days to a few
weeks). Holidays, make-up days and special days have their own effects and carry no anomaly. The feature's
coefficient is learned like any other, with a ridge penalty (`daily.PENALTY['yr']`): it is near 1 when last year's
events came back this year in the same weeks, and near 0 (or dropped, when negative) when they did not. It is
used only with at least two years of history (`MIN_DAYS`), so that a year of days can be compared with the year
before.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

LAG_DAYS = 364  # a year back on the same weekday
MIN_DAYS = 2 * LAG_DAYS  # days of history before the annual feature is tried
WEEK = 7  # the anomaly is the residual averaged over this many days around the day
BACKGROUND = 91  # less its rolling median over this many days (the season and the level stay out)


@dataclass(frozen=True)
class Anomaly:
    """The queue's anomaly per day of its history, from `first_day` on (zeros where it has none)."""

    first_day: pd.Timestamp
    values: tuple[float, ...]

    def lagged(self, dates: pd.Series | pd.DatetimeIndex) -> np.ndarray:
        """The anomaly `LAG_DAYS` before each of `dates` (0 outside the history)."""
        idx = (pd.DatetimeIndex(pd.to_datetime(dates)) - pd.Timedelta(days=LAG_DAYS) - self.first_day).days
        idx = np.asarray(idx, int)
        vals = np.asarray(self.values)
        ok = (idx >= 0) & (idx < len(vals))
        return np.where(ok, vals[np.clip(idx, 0, len(vals) - 1)], 0.0)


def anomaly(resid: np.ndarray, ordinary: np.ndarray, first_day: pd.Timestamp) -> Anomaly:
    """The anomaly of each day from the daily model's residuals (`ordinary`: the days that carry one)."""
    r = pd.Series(np.where(ordinary, resid, np.nan))
    short = r.rolling(WEEK, center=True, min_periods=2).mean()
    background = r.rolling(BACKGROUND, center=True, min_periods=BACKGROUND // 3).median()
    values = (short - background).where(pd.Series(ordinary)).fillna(0.0).to_numpy()
    return Anomaly(pd.Timestamp(first_day), tuple(float(v) for v in values))
