"""Annual recurrence (issue 13): with two years of history or more, what happened in the same weeks a year
earlier, beyond the calendar and the smooth yearly terms, comes back when the history shows it does."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from wfm.forecast import Forecaster, annual


def _office(first: str, last: str, event: bool, seed: int = 0) -> pd.DataFrame:
    """Mon-Fri 08-17, 300 calls a weekday, hourly; with `event`, 2.5x on 10-21 March every year (a deadline)."""
    rng = np.random.default_rng(seed)
    hours = np.zeros(24)
    hours[8:17] = 1 / 9
    rows = []
    for d in pd.date_range(first, last):
        m = 2.5 if event and d.month == 3 and 10 <= d.day <= 21 else 1.0
        lam = (300.0 * m if d.day_of_week < 5 else 0.0) * hours
        rows.append(pd.DataFrame({"interval_start": d + pd.to_timedelta(np.arange(24), "h"), "queue": "office",
                                  "offered": rng.poisson(lam)}))
    return pd.concat(rows, ignore_index=True)


def _daily_forecast(hist: pd.DataFrame) -> tuple[pd.Series, Forecaster]:
    fc = Forecaster(country="none", workers=1).fit(hist)
    pred = fc.predict(dt.date(2026, 3, 2), 28)
    total = pred.groupby(pred["interval_start"].dt.date)["calls"].sum()
    return total[[d.weekday() < 5 for d in total.index]], fc


def test_a_yearly_deadline_comes_back_the_next_year():
    # 2.5 years of history (two Marches with the deadline); forecast March 2026
    total, fc = _daily_forecast(_office("2023-09-04", "2026-02-27", event=True))
    assert fc.models_["office"].spec.annual is not None
    event = [d for d in total.index if dt.date(2026, 3, 10) <= d <= dt.date(2026, 3, 19)]
    quiet = [d for d in total.index if d <= dt.date(2026, 3, 5) or d >= dt.date(2026, 3, 24)]
    # true: 750 a day in the event, 300 outside; a year back on the same weekday is one day early, so the
    # weekdays 10-19 March are all inside last year's event
    assert total[event].min() > 2.0 * 300
    assert total[event].mean() == pytest.approx(750, rel=0.2)
    assert all(abs(total[d] / 300 - 1) < 0.12 for d in quiet)


def test_no_event_no_annual_feature_effect():
    # the same office without the deadline: the forecast stays flat through March
    total, fc = _daily_forecast(_office("2023-09-04", "2026-02-27", event=False))
    assert all(abs(total / 300 - 1) < 0.08)


def test_anomaly_is_a_week_mean_less_the_background_and_lags_52_weeks():
    # residual 0 except +1 on 5 consecutive days: the 7-day centred mean at the middle day is 5/7, the background
    # median 0; holidays ('ordinary' False) carry none
    r = np.zeros(200)
    r[100:105] = 1.0
    ordinary = np.ones(200, bool)
    ordinary[150] = False
    a = annual.anomaly(r, ordinary, pd.Timestamp("2024-01-01"))
    assert a.values[102] == pytest.approx(5 / 7)
    assert a.values[150] == 0.0 and a.values[20] == 0.0
    # 364 days after day 102 (2024-04-12) is 2025-04-11, a Friday like it; outside the history: 0
    day = pd.Timestamp("2024-01-01") + pd.Timedelta(days=102)
    assert day.day_of_week == (day + pd.Timedelta(days=364)).day_of_week
    assert annual.Anomaly(a.first_day, a.values).lagged(pd.DatetimeIndex([day + pd.Timedelta(days=364)]))[0] \
        == pytest.approx(5 / 7)
    assert a.lagged(pd.DatetimeIndex(["2024-02-01"]))[0] == 0.0
