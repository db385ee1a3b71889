"""Month-position effects of the daily model (issue 13): the first and the last working day of a month (a bank's
salaries, statements, standing orders) are learned from the history, shrunk by its day-to-day noise."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from wfm.calendar import day_calendar
from wfm.forecast import Forecaster, daily


def _edges(start: str, end: str) -> tuple[list[str], list[str]]:
    cal = day_calendar(dt.date.fromisoformat(start), dt.date.fromisoformat(end), "US")
    dates = pd.to_datetime(cal["date"])
    first, last = daily.month_edges(dates, ~cal["is_workday"].to_numpy(bool), cal["is_weekend"].to_numpy(bool))
    return list(dates[first].dt.strftime("%Y-%m-%d")), list(dates[last].dt.strftime("%Y-%m-%d"))


def test_first_and_last_working_days_of_a_month():
    # Monday 1 September 2025 is Labor Day: the month's first working day is Tuesday the 2nd; August's last is
    # Friday the 29th (the 30th and 31st are a weekend)
    assert _edges("2025-08-28", "2025-09-05") == (["2025-09-02"], ["2025-08-29"])
    # rows from Sunday 3 August: Friday 1 August, before them, was a working day, so none of them is the first
    assert _edges("2025-08-03", "2025-08-29") == ([], ["2025-08-29"])
    # New Year's Day: Thursday 2 January 2025 is the first working day, Tuesday 31 December the last
    assert _edges("2024-12-20", "2025-01-10") == (["2025-01-02"], ["2024-12-31"])


def test_month_effects_shrunk_by_the_day_noise():
    names = ["const", "dom1", "mfirst", "mlast", "pre"]
    # a queue whose days vary by 35%: (0.35 / 0.1)^2 = 12.25 pseudo-days on each month-position effect
    assert daily.penalties(names, None, 0.35).tolist() == pytest.approx([0.0, 12.25, 12.25, 12.25, 3.0])
    # a regular one (4%, under the 5% floor): (0.05 / 0.1)^2 = 0.25
    assert daily.penalties(names, None, 0.04).tolist() == pytest.approx([0.0, 0.25, 0.25, 0.25, 3.0])
    # without a noise estimate (a few weeks of history): the fixed penalties
    assert daily.penalties(names).tolist() == pytest.approx([0.0, 6.0, 3.0, 3.0, 3.0])


def _bank(days: int, first_lift: float, last_lift: float, seed: int = 0) -> pd.DataFrame:
    """A Monday-Friday bank line open 08-18, 2,000 calls on a plain working day, hourly, with its first working
    day of each month `first_lift` times as busy and its last `last_lift` times; no holidays (country none)."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2025-01-01", periods=days)
    weekdays = pd.Series(dates[dates.day_of_week < 5])
    month = weekdays.dt.to_period("M")
    first = dates.isin(weekdays.groupby(month).min())
    last = dates.isin(weekdays.groupby(month).max())
    hours = np.zeros(24)
    hours[8:18] = 0.1
    rows = []
    for i, d in enumerate(dates):
        total = 2000.0 * (first_lift if first[i] else 1.0) * (last_lift if last[i] else 1.0)
        lam = (total if d.day_of_week < 5 else 0.0) * hours
        rows.append(pd.DataFrame({"interval_start": d + pd.to_timedelta(np.arange(24), "h"), "queue": "bank",
                                  "offered": rng.poisson(lam)}))
    return pd.concat(rows, ignore_index=True)


def test_a_month_start_lift_is_recovered():
    hist = _bank(243, 1.30, 1.15)  # 1 January to 31 August 2025: 8 month starts and 8 month ends
    fc = Forecaster(country="none", workers=1, selection_folds=0).fit(hist)
    pred = fc.predict(dt.date(2025, 9, 1), 61)
    total = pred.groupby(pred["interval_start"].dt.strftime("%Y-%m-%d"))["calls"].sum()
    # true: 2,600 on Monday 1 September and Wednesday 1 October, 2,300 on Tuesday 30 September, 2,000 mid-month
    assert total["2025-09-01"] == pytest.approx(2600, rel=0.05)
    assert total["2025-10-01"] == pytest.approx(2600, rel=0.05)
    assert total["2025-09-30"] == pytest.approx(2300, rel=0.05)
    assert total["2025-09-16"] == pytest.approx(2000, rel=0.04)


def test_no_month_effect_is_invented():
    hist = _bank(243, 1.0, 1.0)
    fc = Forecaster(country="none", workers=1, selection_folds=0).fit(hist)
    pred = fc.predict(dt.date(2025, 9, 1), 61)
    total = pred.groupby(pred["interval_start"].dt.strftime("%Y-%m-%d"))["calls"].sum()
    for day in ("2025-09-01", "2025-09-30", "2025-10-01", "2025-09-16"):
        assert total[day] == pytest.approx(2000, rel=0.04)
