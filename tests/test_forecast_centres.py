"""The forecaster on centres it was not built on: generated centres of every kind (weekends on other days,
closures, short and sparse histories, level shifts, feed outages) and the real county office, scored against
the future the generator knows and against the naive baselines. Nothing here is tuned to one centre."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from wfm.forecast import Forecaster, seasonal_naive, weekday_mean
from wfm.forecast import select
from wfm.readers.special_days import read_special_days
from wfm.sample.centres import CENTRE_KINDS, generated_centre

KEY = ["interval_start", "queue"]


def wape30(actual: pd.DataFrame, forecast: pd.DataFrame, column: str) -> float:
    """WAPE per queue at 30 minutes, pooled (the scoring of `wfm backtest` and the evaluation tool)."""
    m = actual[KEY + ["offered"]].merge(forecast[KEY + [column]], on=KEY, how="left").fillna(0.0)
    g = m.groupby([m["interval_start"].dt.floor("30min"), "queue"])[["offered", column]].sum()
    return float((g["offered"] - g[column]).abs().sum() / g["offered"].sum())


@pytest.fixture(scope="module")
def fitted():
    """Every kind fitted on its history, with its future (actual draws and the true rate)."""
    out = {}
    for kind in CENTRE_KINDS:
        centre = generated_centre(kind, seed=0)
        days = 14 if kind == "short_history" else 28
        future = centre.future(days=days)
        fc = Forecaster(country=centre.country, workers=1, horizon_days=days).fit(centre.history)
        out[kind] = (centre, future, fc, fc.predict(future["interval_start"].min().date(), days))
    return out


@pytest.mark.parametrize("kind", CENTRE_KINDS)
def test_never_worse_than_the_better_baseline_and_near_the_noise_floor(fitted, kind):
    centre, future, _, pred = fitted[kind]
    start, days = future["interval_start"].min().date(), future["interval_start"].dt.normalize().nunique()
    wfm = wape30(future, pred, "calls")
    base = min(wape30(future, seasonal_naive(centre.history, start, days), "calls"),
               wape30(future, weekday_mean(centre.history, start, days), "calls"))
    oracle = wape30(future, future, "rate")  # the true rate: Poisson noise no forecast can beat
    assert wfm <= base, (wfm, base)
    assert wfm <= 1.15 * oracle, (wfm, oracle)


def daily(frame: pd.DataFrame, column: str, queue: str | None = None) -> pd.Series:
    if queue is not None:
        frame = frame[frame["queue"] == queue]
    return frame.groupby(frame["interval_start"].dt.normalize())[column].sum()


def test_friday_saturday_weekend_and_eid_are_learned(fitted):
    centre, future, fc, pred = fitted["frisat_bank"]
    model = fc.models_["retail"]
    assert set(model.structure.workdays) == {6, 0, 1, 2, 3}  # Sunday to Thursday
    assert model.structure.quietest == 4  # Friday: what a holiday looks like
    f = daily(pred, "calls", "retail")
    wd = f.index.day_of_week
    open_mean = f[np.isin(wd, [6, 0, 1, 2, 3])].mean()
    assert f[wd == 4].max() < 0.15 * open_mean  # near-closed Friday stays near closed
    assert 0.25 * open_mean < f[wd == 5].mean() < 0.6 * open_mean  # reduced Saturday
    cal = fc.calendar(f.index[0].date(), f.index[-1].date())
    eid = cal["holiday_name"].str.contains("Eid").to_numpy() & ~cal["is_weekend"].to_numpy()
    if eid.any():
        assert f[eid].max() < 0.15 * open_mean
    # closed hours of the near-closed Friday are closures, not outages: the history holds none
    assert not any("outage" in n for n in sum(fc.notes.values(), []))


def test_closed_weekends_and_holidays_without_rows(fitted):
    centre, future, fc, pred = fitted["satsun_business"]
    f = daily(pred, "calls")
    cal = fc.calendar(f.index[0].date(), f.index[-1].date())
    closed = cal["is_weekend"].to_numpy() | cal["is_holiday"].to_numpy()
    assert (f[closed] == 0).all() and (f[~closed] > 0).all()
    assert not any("outage" in n for n in sum(fc.notes.values(), []))


def test_a_holiday_the_history_never_saw_follows_the_centres_habit():
    centre = generated_centre("satsun_business", seed=0)
    # half a year with its closed holidays (MLK, Presidents' Day, Memorial Day, Juneteenth), not July 4th
    hist = centre.history[centre.history["interval_start"] >= "2026-01-01"]
    fc = Forecaster(country="US", workers=1).fit(hist)
    model = next(iter(fc.models_.values()))
    assert "Independence Day" not in model.seen_holidays and model.holiday_default_closed
    pred = fc.predict(dt.date(2026, 7, 1), 7)
    f = daily(pred, "calls")
    assert f[pd.Timestamp("2026-07-03")] == 0  # Independence Day (observed), never seen: closed like the others
    assert f[pd.Timestamp("2026-07-01")] > 0 and f[pd.Timestamp("2026-07-06")] > 0


def test_feed_outages_are_left_out_not_learned_as_closures(fitted):
    centre, future, fc, pred = fitted["outage_feed_loss"]
    assert any("outage" in n for n in sum(fc.notes.values(), []))
    for model in fc.models_.values():
        assert model.structure.open_slots.all() and not model.structure.closed_weekdays  # 24/7 stays 24/7
    assert (daily(pred, "calls") > 0).all()


def test_selection_keeps_the_calendar_model_unless_another_is_consistently_better():
    rows = []
    for fold in range(4):
        for cand, err in (("model", 50.0), ("model_ets", 49.0), ("recent", 30.0 if fold else 80.0),
                          ("blend", 45.0), ("seasonal_naive", 60.0), ("weekday_mean4", 40.0 if fold < 3 else 70)):
            rows.append(("q", fold, None, cand, err, 100.0 * 10))
    errors = pd.DataFrame(rows, columns=select.SELECTION_COLUMNS)
    chosen = select.choose(errors).set_index("queue")
    # recent: better in total (44 vs 50) and on 3 of 4 origins; model_ets: only 2% better, kept out
    assert chosen.loc["q", "chosen"] == "recent"
    errors.loc[errors["candidate"] == "recent", "abs_error"] = 60.0
    assert select.choose(errors).set_index("queue").loc["q", "chosen"] == "blend"  # 10% better, all origins
    # a baseline consistently better than everything: taken (never worse than the better baseline)
    errors.loc[errors["candidate"] == "weekday_mean4", "abs_error"] = 20.0
    assert select.choose(errors).set_index("queue").loc["q", "chosen"] == "weekday_mean4"


def test_sparse_queues_are_chosen_for_together():
    rows = []
    for q, own_best in (("a", "recent"), ("b", "model"), ("c", "model")):
        for fold in range(3):
            for cand in select.CANDIDATES:
                err = 10.0 if cand == own_best else 30.0 if cand == "model" else 40.0
                rows.append((q, fold, None, cand, err, 50.0))  # 150 calls a queue: sparse
    chosen = select.choose(pd.DataFrame(rows, columns=select.SELECTION_COLUMNS)).set_index("queue")
    assert set(chosen["group"]) == {"sparse queues"}
    assert (chosen["chosen"] == "model").all()  # one queue's luck does not pick the group's model


def test_county_office_closed_weekends_and_holidays(shared_data):
    """The real county office: closed every weekend and on most US holidays, open on two of them."""
    hist = pd.read_csv(shared_data / "bernco_assessor_hourly_history.csv", parse_dates=["interval_start"])
    train = hist[hist["interval_start"] < "2024-11-01"]
    fc = Forecaster(country="US", workers=1, selection_folds=0).fit(train)
    model = fc.models_["assessor"]
    assert set(model.structure.closed_weekdays) == {5, 6}
    for name in ("Thanksgiving Day", "Christmas Day", "New Year's Day"):  # a few stray calls: still closed
        assert name in model.closed_holidays
    f = daily(fc.predict(dt.date(2024, 11, 1), 60), "calls")
    assert (f[f.index.day_of_week >= 5] == 0).all()
    assert f[pd.Timestamp("2024-11-28")] == 0 and f[pd.Timestamp("2024-12-25")] == 0  # Thanksgiving, Christmas
    assert (f[(f.index.day_of_week < 5) & ~f.index.isin(pd.to_datetime(["2024-11-11", "2024-11-28",
                                                                          "2024-12-25"]))] > 0).all()


def test_county_office_special_days_beat_no_special_days(shared_data):
    """The office's own event list (mailings, deadlines, protest windows) as special days: the forecast with
    them beats the one without them on the same origins."""
    hist = pd.read_csv(shared_data / "bernco_assessor_hourly_history.csv", parse_dates=["interval_start"])
    events = read_special_days(shared_data / "bernco_assessor_events.csv")
    err = {True: [0.0, 0.0], False: [0.0, 0.0]}
    for origin in ("2024-06-03", "2024-11-04", "2025-03-03", "2025-05-05"):
        o = pd.Timestamp(origin)
        train = hist[hist["interval_start"] < o]
        test = hist[(hist["interval_start"] >= o) & (hist["interval_start"] < o + pd.Timedelta(days=28))]
        for with_events in (True, False):
            fc = Forecaster(country="US", workers=1, special_days=events if with_events else None).fit(train)
            w = wape30(test, fc.predict(o.date(), 28), "calls")
            err[with_events][0] += w * test["offered"].sum()
            err[with_events][1] += test["offered"].sum()
    with_ev, without = err[True][0] / err[True][1], err[False][0] / err[False][1]
    assert with_ev < 0.95 * without, (with_ev, without)


def business_history(start: str = "2025-11-03", end: str = "2026-06-30 23:30", rate: float = 20.0) -> pd.DataFrame:
    """Monday-Friday 08:00-18:00 at `rate` calls per 30 minutes, open on every holiday."""
    rng = np.random.default_rng(0)
    t = pd.date_range(start, end, freq="30min")
    open_ = (t.day_of_week < 5) & (t.hour >= 8) & (t.hour < 18)
    return pd.DataFrame({"interval_start": t, "queue": "q0", "offered": rng.poisson(np.where(open_, rate, 0.0))})


def test_a_closed_weekday_stays_closed_on_a_holiday():
    fc = Forecaster(country="US", workers=1).fit(business_history())
    f = daily(fc.predict(dt.date(2026, 7, 1), 7), "calls")
    assert f[pd.Timestamp("2026-07-04")] == 0 and f[pd.Timestamp("2026-07-05")] == 0  # Saturday July 4th
    assert f[pd.Timestamp("2026-07-03")] > 300  # observed holiday on a Friday: this centre opens on holidays


@pytest.mark.parametrize("multiple", [3.0, 6.0])
def test_strong_special_days_are_learned_not_dropped_as_outliers(multiple):
    hist = business_history("2025-11-03", "2026-05-03 23:30")
    events = [pd.Timestamp("2026-04-08") - pd.Timedelta(days=28 * i) for i in range(6)]
    day = hist["interval_start"].dt.normalize()
    hist.loc[day.isin(events), "offered"] = (hist.loc[day.isin(events), "offered"] * multiple).round().astype(int)
    special = {d.date(): "mailing" for d in events} | {dt.date(2026, 5, 13): "mailing"}
    f = daily(Forecaster(country="none", workers=1, special_days=special).fit(hist).predict(dt.date(2026, 5, 4), 14),
              "calls")
    normal = f[pd.Timestamp("2026-05-12")]
    assert 0.75 * multiple < f[pd.Timestamp("2026-05-13")] / normal < 1.1 * multiple


def test_selection_origins_fall_on_the_forecasts_weekday():
    # five weeks ending on a Sunday; a one-day forecast for Monday is chosen on Mondays, not closed Sundays
    hist = business_history("2026-05-25", "2026-06-28 23:30")
    fc = Forecaster(country="none", workers=1, horizon_days=1, forecast_start=dt.date(2026, 6, 29)).fit(hist)
    origins = pd.to_datetime(fc.selection_errors_["origin"])
    assert (origins.dt.day_of_week == 0).all() and fc.selection_errors_["actual"].gt(0).all()


def test_queues_of_a_multi_country_desk_keep_their_own_holidays(fitted):
    centre, future, fc, pred = fitted["service_desk"]
    countries = {q: c for q, (c, _) in fc.queue_countries_.items()}
    assert countries.get("uk_hr") == "GB" and countries.get("fr_billing") == "FR"
    assert not any(q.startswith("de_") for q in countries)  # the centre's own country stays
    f = daily(pred, "calls", "uk_hr")
    assert f[pd.Timestamp("2026-05-04")] < 0.3 * f[pd.Timestamp("2026-05-05")]  # GB Early May bank holiday
    assert any("holidays of GB" in n for n in fc.notes["uk_hr"])


def test_a_country_in_a_queue_name_needs_the_history_to_agree():
    # an IT-support queue of a German centre, closed on German holidays: "it" is not Italy here
    hist = business_history("2026-03-02", "2026-05-31 23:30").assign(queue="it_support")
    day = hist["interval_start"].dt.normalize()
    closed = pd.to_datetime(["2026-04-03", "2026-04-06", "2026-05-01", "2026-05-14", "2026-05-25"])  # DE holidays
    hist.loc[day.isin(closed), "offered"] = 0
    fc = Forecaster(country="DE", workers=1).fit(hist)
    assert fc.queue_countries_ == {}


def test_the_poisson_floor_at_the_true_rate_and_the_plain_poisson_desk():
    """benchmarks/eval_centres.py's floor at the true rate is E|X - rate| of Poisson counts (checked against
    the sum over the distribution), and its `+poisson` redraw keeps rows without a rate and draws the others
    around their rate."""
    from scipy.stats import poisson

    from benchmarks.eval_centres import plain_poisson, poisson_mad

    lam = np.array([0.0, 0.3, 1.0, 2.5, 40.0])
    k = np.arange(200)
    by_sum = [float((np.abs(k - x) * poisson.pmf(k, x)).sum()) for x in lam]
    assert np.allclose(poisson_mad(lam), by_sum, atol=1e-9)
    assert poisson_mad(np.array([1.0]))[0] == pytest.approx(2 / np.e)
    # a slot with no call counts no noise when the actuals stand in for the rate: the sparse floor is far lower
    draws = np.random.default_rng(0).poisson(0.5, 20000).astype(float)
    assert poisson_mad(draws).sum() / draws.sum() < 0.8 * poisson_mad(np.array([0.5]))[0] / 0.5

    stamps = pd.date_range("2026-03-02", periods=4000, freq="30min")
    frame = pd.DataFrame({"interval_start": stamps, "queue": "q", "offered": 7})
    rate = pd.DataFrame({"interval_start": stamps[:3000], "queue": "q", "rate": 2.0})
    out = plain_poisson(frame, rate, seed=0)
    assert (out["offered"].iloc[3000:] == 7).all()
    drawn = out["offered"].iloc[:3000]
    assert drawn.mean() == pytest.approx(2.0, abs=0.1) and drawn.var() == pytest.approx(2.0, abs=0.25)


def test_selection_folds_never_see_their_future_through_the_ets_parameters():
    """The ETS candidate's fold scores come from parameters estimated before the folds: the earliest fold's
    errors are the same whatever the history holds after its window (a surge in the last week, here)."""
    rng = np.random.default_rng(3)
    days = pd.date_range("2026-01-05", periods=91)
    level = np.exp(np.cumsum(rng.normal(0, 0.05, len(days))))
    daily = 200 * level * np.where(days.day_of_week < 5, 1.0, 0.4)
    hours = np.arange(24)
    shape = np.where((hours >= 8) & (hours < 20), np.sin(np.pi * (hours - 8) / 12) + 0.2, 0.0)
    shape = shape / shape.sum()
    counts = rng.poisson(daily[:, None] * shape[None, :])
    stamps = (days.to_numpy()[:, None] + hours.astype("timedelta64[h]")).ravel()

    def fold_errors(surge: float) -> pd.DataFrame:
        x = counts.astype(float).copy()
        x[-7:] *= surge
        hist = pd.DataFrame({"interval_start": stamps, "queue": "q", "offered": x.ravel()})
        fc = Forecaster(country="none", workers=1, horizon_days=14, selection_folds=4).fit(hist)
        e = fc.selection_errors_
        return e[(e["fold"] == e["fold"].min()) & (e["candidate"] == "ets")].reset_index(drop=True)

    plain, surged = fold_errors(1.0), fold_errors(3.0)
    assert len(plain) == 1 and plain["actual"].iloc[0] > 0
    pd.testing.assert_frame_equal(plain, surged)
