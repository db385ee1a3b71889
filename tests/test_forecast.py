"""Forecast accuracy and robustness on generated histories with known structure."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import test_forecast_synth as synth
from wfm.forecast import FORECAST_COLUMNS, Forecaster, backtest, seasonal_naive, summarise, weekday_mean

D = dt.date


def _daily(pred: pd.DataFrame, queue: str = "billing") -> pd.Series:
    p = pred[pred["queue"] == queue]
    return p.groupby(p["interval_start"].dt.date)["calls"].sum()


@pytest.fixture(scope="module")
def year_fit():
    hist = synth.history(D(2025, 3, 1), D(2026, 1, 31), seed=1, with_aht=True)
    fc = Forecaster(country="CN", workers=1).fit(hist)
    return hist, fc, fc.predict(D(2026, 2, 2), 35)


def test_output_contract(year_fit):
    hist, fc, pred = year_fit
    assert list(pred.columns) == FORECAST_COLUMNS
    assert len(pred) == 35 * 48  # every 30-minute interval (inferred) of the horizon
    assert pred["interval_start"].iloc[0] == pd.Timestamp("2026-02-02")
    assert pred["interval_start"].is_monotonic_increasing
    assert (pred["calls_lo"] <= pred["calls"] + 1e-9).all() and (pred["calls"] <= pred["calls_hi"] + 1e-9).all()
    night = pred["interval_start"].dt.hour < 7
    assert (pred.loc[night, "calls"] == 0).all() and (pred.loc[night, "calls_hi"] == 0).all()
    assert pred["aht_s"].between(260, 300).all()


def test_accuracy_against_known_structure(year_fit):
    _, _, pred = year_fit
    true = synth.truth(D(2026, 2, 2), 35)
    f = pred["calls"].to_numpy().reshape(true.shape)
    wape = np.abs(f - true).sum() / true.sum()
    assert wape < 0.06, wape  # a model without weekday or holiday effects is off by > 15%
    daily_err = np.abs(f.sum(1) / true.sum(1) - 1)
    assert np.median(daily_err) < 0.04


def test_holiday_dip_and_makeup_saturday(year_fit):
    _, _, pred = year_fit
    day = _daily(pred)
    tuesday = day[D(2026, 3, 3)]
    assert day[D(2026, 2, 17)] < 0.5 * tuesday  # Spring Festival
    saturday = day[D(2026, 3, 7)]
    for makeup in (D(2026, 2, 14), D(2026, 2, 28)):  # make-up working Saturdays
        assert day[makeup] > 1.15 * saturday
        assert day[makeup] == pytest.approx(day[D(2026, 3, 4)], rel=0.12)
    assert day[D(2026, 2, 24)] > 0.85 * tuesday  # back to work after the holiday


def test_interval_coverage_is_calibrated():
    hist = synth.history(D(2025, 1, 1), D(2025, 9, 30), seed=3, base=800)
    fc = Forecaster(country="CN", workers=1).fit(hist)
    pred = fc.predict(D(2025, 10, 8), 28)  # after National Day
    actual = synth.history(D(2025, 10, 8), D(2025, 11, 4), seed=33, base=800)
    m = pred.merge(actual, on=["interval_start", "queue"])
    m = m[m["calls"] > 0]
    inside = ((m["offered"] >= m["calls_lo"]) & (m["offered"] <= m["calls_hi"])).mean()
    assert 0.7 <= inside <= 0.9, inside
    below, above = (m["offered"] < m["calls_lo"]).mean(), (m["offered"] > m["calls_hi"]).mean()
    assert below < 0.17 and above < 0.17


def test_outage_is_not_learned():
    hist = synth.history(D(2025, 3, 1), D(2025, 12, 31), seed=4)
    ts = hist["interval_start"]
    # the feed lost three Mondays' afternoons and a whole Tuesday (zeros), and a storm doubled one Wednesday
    for d in ("2025-12-08", "2025-12-15", "2025-12-22"):
        hist.loc[(ts >= f"{d} 12:00") & (ts < f"{d} 22:00"), "offered"] = 0
    hist.loc[ts.dt.date == D(2025, 12, 23), "offered"] = 0
    hist.loc[ts.dt.date == D(2025, 12, 24), "offered"] *= 2
    fc = Forecaster(country="CN", workers=1).fit(hist)
    assert any("outage" in n for n in fc.notes["billing"])
    day = _daily(fc.predict(D(2026, 1, 5), 14))
    true = synth.expected_daily(D(2026, 1, 5), D(2026, 1, 18), 2000.0).set_index("date")["expected"]
    assert day[D(2026, 1, 5)] == pytest.approx(true[pd.Timestamp("2026-01-05")], rel=0.08)  # Monday
    assert day[D(2026, 1, 6)] == pytest.approx(true[pd.Timestamp("2026-01-06")], rel=0.08)
    assert day[D(2026, 1, 7)] == pytest.approx(true[pd.Timestamp("2026-01-07")], rel=0.08)


def test_gaps_are_not_zero_and_short_queue_works():
    long = synth.history(D(2025, 1, 1), D(2025, 12, 31), seed=5, queue="billing")
    # a lost fortnight in the export, and night rows dropped (absent, not zero)
    long = long[~long["interval_start"].between("2025-12-01", "2025-12-14 23:59")]
    long = long[long["offered"] > 0]
    short = synth.history(D(2025, 10, 1), D(2025, 12, 31), seed=6, queue="new", base=300)
    fc = Forecaster(country="CN", workers=1).fit(pd.concat([long, short], ignore_index=True))
    pred = fc.predict(D(2026, 1, 5), 14)
    assert set(pred["queue"]) == {"billing", "new"} and len(pred) == 2 * 14 * 48
    for queue, base in (("billing", 2000.0), ("new", 300.0)):
        true = synth.truth(D(2026, 1, 5), 14, base=base)
        f = pred.loc[pred["queue"] == queue, "calls"].to_numpy().reshape(true.shape)
        assert abs(f.sum() / true.sum() - 1) < 0.08, queue
        assert np.abs(f - true).sum() / true.sum() < 0.12, queue


def test_stopped_queue_forecast_closed_and_interval_inferred():
    a = synth.history(D(2025, 6, 1), D(2025, 12, 31), seed=7, queue="a", interval_minutes=15)
    b = synth.history(D(2025, 6, 1), D(2025, 9, 30), seed=8, queue="b", interval_minutes=15)
    fc = Forecaster(country="CN", workers=1).fit(pd.concat([a, b]))
    assert fc.interval_minutes_ == 15
    pred = fc.predict(D(2026, 1, 5), 7)
    assert len(pred) == 2 * 7 * 96
    assert (pred.loc[pred["queue"] == "b", "calls"] == 0).all()
    assert "closed" in fc.notes["b"][0]
    assert (pred.loc[pred["queue"] == "a", "aht_s"] == 300).all()  # no aht_s in the history: the default


def test_special_days_get_their_own_effect():
    bills = {D(2025, m, 5): "bill" for m in range(3, 13)} | {D(2026, 1, 5): "bill"}
    hist = synth.history(D(2025, 3, 1), D(2025, 12, 31), seed=9, special=bills)
    fc = Forecaster(country="CN", workers=1, special_days=bills).fit(hist)
    day = _daily(fc.predict(D(2026, 1, 5), 14))
    assert day[D(2026, 1, 5)] > 1.35 * day[D(2026, 1, 12)]  # both Mondays; the bill day is 1.6x


def test_baselines():
    hist = synth.history(D(2025, 9, 1), D(2025, 11, 30), seed=10)
    sn = seasonal_naive(hist, D(2025, 12, 1), 14)
    last_week = hist[hist["interval_start"] >= "2025-11-24"]["offered"].to_numpy()
    assert np.array_equal(sn["calls"].to_numpy(), np.tile(last_week, 2))
    m4 = weekday_mean(hist, D(2025, 12, 1), 7)
    ts = hist["interval_start"]
    mondays = [hist.loc[ts.dt.date == D(2025, 11, 24) - dt.timedelta(weeks=k), "offered"].to_numpy() for k in range(4)]
    assert np.allclose(m4["calls"].to_numpy()[:48], np.mean(mondays, axis=0))


def test_backtest_beats_baselines():
    hist = synth.history(D(2025, 3, 1), D(2025, 10, 12), seed=11)  # the folds cover National Day
    res = backtest(hist, horizon_days=14, folds=2, country="CN", workers=1)
    assert set(res["method"]) == {"wfm", "seasonal_naive", "weekday_mean4"} and res["fold"].nunique() == 2
    s = summarise(res).set_index(["queue", "method"])
    wfm = s.loc[("ALL", "wfm"), "wape"]
    best = min(s.loc[("ALL", "seasonal_naive"), "wape"], s.loc[("ALL", "weekday_mean4"), "wape"])
    assert wfm < 0.85 * best
    assert 0.7 <= s.loc[("ALL", "wfm"), "coverage"] <= 0.92
    assert abs(s.loc[("ALL", "wfm"), "bias"]) < 0.05


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from wfm.forecast.intervals import interval_bounds  # noqa: E402


@settings(max_examples=30, deadline=None)
@given(st.floats(0, 5000), st.floats(0, 0.5), st.floats(0, 0.3))
def test_interval_bounds_hold_the_mean(mean, sigma, phi):
    lo, hi = interval_bounds(np.array([mean]), np.array([sigma]), phi, 0.8)
    assert 0 <= lo[0] <= mean + 1e-9 <= hi[0] + 2e-9
    if mean >= 50:  # away from the integer steps of small counts the intervals nest
        lo95, hi95 = interval_bounds(np.array([mean]), np.array([sigma]), phi, 0.95)
        assert lo95[0] <= lo[0] + 1e-9 and hi95[0] >= hi[0] - 1e-9


def test_aht_follows_time_of_day_weekends_and_a_recent_drift():
    # AHT rose 15% over 4 weeks ending 5 weeks before the forecast (a new product): a 56-day mean lags it
    hist = synth.history(D(2025, 3, 1), D(2025, 8, 24), seed=5, aht_drift_start=D(2025, 6, 22))
    pred = Forecaster(country="US", workers=1).fit(hist).predict(D(2025, 8, 25), 7)  # before Labor Day
    true = synth.aht_truth(pd.date_range("2025-08-25", periods=7), 30, D(2025, 6, 22)).ravel()
    w = pred["calls"].to_numpy()
    err = (w * np.abs(pred["aht_s"].to_numpy() - true)).sum() / (w * true).sum()
    assert err < 0.015, err
    day = pred.assign(d=pred["interval_start"].dt.day_of_week)
    open_ = day["calls"] > 0
    sat, wed = (day.loc[open_ & (day["d"] == d), "aht_s"].mean() for d in (5, 2))
    assert sat / wed == pytest.approx(1.06, abs=0.015)


def test_backtest_scores_aht_against_the_baselines():
    hist = synth.history(D(2025, 6, 1), D(2025, 12, 31), seed=6, aht_drift_start=D(2025, 10, 1))
    res = backtest(hist, horizon_days=14, folds=2, country="US", workers=1)
    s = summarise(res).set_index(["queue", "method"])["aht_wape"]
    assert s[("ALL", "wfm")] < min(s[("ALL", "seasonal_naive")], s[("ALL", "weekday_mean4")])
    # workload-weighted: the sum of calls x |AHT error| over calls x AHT, at most the noise of a few calls' mean
    assert 0.0 < s[("ALL", "wfm")] < 0.3
    flat = backtest(synth.history(D(2025, 6, 1), D(2025, 9, 30), seed=6), horizon_days=7, folds=1, workers=1)
    assert flat["aht_wape"].isna().all()  # no aht_s in the history: nothing to score
