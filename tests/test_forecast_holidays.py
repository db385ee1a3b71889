"""Holidays a history has rarely seen (issue 13): effects shrunk toward a prior as far as the day-to-day noise
says, pooled across the queues of a centre, weekend days inside a holiday period keeping their weekday's shape;
and the statsmodels smoothing candidates of the model choice. Checked on held-out weeks of generated centres."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from wfm.calendar import day_calendar
from wfm.forecast import Forecaster, daily, ets
from wfm.forecast.pooling import _random_effects, pool_holiday_effects, pool_weekday_effects
from wfm.forecast.profile import HOLIDAY, WeeklyStructure, day_kinds
from wfm.forecast.queue_model import QueueModel
from wfm.sample.centres import generated_centre


def test_a_weekend_day_inside_a_holiday_period_keeps_its_weekday_shape():
    # Saudi Eid al-Adha 2026: Day of Arafah Tue 26 May, Eid Wed 27 - Fri 29 and Sun 31 (observed); Saturday 30
    # is an ordinary weekend day inside the period
    cal = day_calendar(dt.date(2026, 5, 25), dt.date(2026, 6, 1), "SA")
    kinds = dict(zip(pd.to_datetime(cal["date"]).dt.date, day_kinds(cal)))
    assert kinds[dt.date(2026, 5, 30)] == 5  # Saturday
    assert all(kinds[dt.date(2026, 5, d)] == HOLIDAY for d in (26, 27, 28, 29, 31))
    assert kinds[dt.date(2026, 5, 25)] == 0 and kinds[dt.date(2026, 6, 1)] == 0  # Mondays either side


def test_holiday_penalties_follow_the_noise():
    names = ["const", "wd1", "hol", "hn:Eid", "post", "sp:mailing"]
    fixed = daily.penalties(names)
    assert list(fixed) == [0.0, 0.5, 2.0, 3.0, 3.0, 1.0]
    # a quiet series (5% noise): (0.05 / 0.5)^2 = 0.01 and the like, floored at 0.05; other effects unchanged
    assert list(daily.penalties(names, 0.05)) == [0.0, 0.5, 0.05, 0.05, 0.05, 1.0]
    # 40% noise: hol (0.4 / 0.5)^2 = 0.64, hn (0.4 / 0.4)^2 = 1, post (0.4 / 0.25)^2 = 2.56
    assert daily.penalties(names, 0.4)[2:5] == pytest.approx([0.64, 1.0, 2.56])
    # very noisy: never more than the fixed penalties
    assert list(daily.penalties(names, 2.0)) == list(fixed)
    assert list(daily.penalties(names, None)) == list(fixed)


def test_random_effects_mean_and_spread():
    # equal variances 1: fixed mean 2, Q = 4 + 0 + 4 = 8, denominator 3 - 3/3 = 2, tau^2 = (8 - 2) / 2 = 3
    mean, tau2 = _random_effects(np.array([0.0, 2.0, 4.0]), np.ones(3))
    assert mean == pytest.approx(2.0) and tau2 == pytest.approx(3.0)
    # two agreeing estimates: no spread beyond their noise, tau^2 at its floor 0.1^2
    mean, tau2 = _random_effects(np.array([1.0, 1.0]), np.array([0.5, 0.5]))
    assert mean == pytest.approx(1.0) and tau2 == pytest.approx(0.01)


def _queue(name: str, coef: float, days: float, noise: float) -> QueueModel:
    model = QueueModel(name, 30, pd.Timestamp("2026-01-01"), beta=np.array([0.0, coef]), noise=noise)
    model.holiday_effects = {"hol": (1, coef, days, 0.05)}
    return model


def test_a_holiday_seen_once_in_a_small_queue_takes_mostly_the_centres_effect():
    # three big queues saw the holiday on 10 days each at -1.0 (about -63%); a small, noisy queue saw it once
    # at -0.2
    models = {f"big{i}": _queue(f"big{i}", -1.0, 10.0, 0.1) for i in range(3)}
    models["small"] = _queue("small", -0.2, 1.0, 0.5)
    notes = pool_holiday_effects(models, {q: "SA" for q in models})
    # by hand: raw estimates -1.005 (x3, variance 0.001) and -0.21 (variance 0.25); the fixed-effect mean is
    # -1.00394, Q = 2.52, under its 3 degrees of freedom: tau^2 at its floor 0.01; the random-effects mean
    # -(3 x 1.005 / 0.011 + 0.21 / 0.26) / (3 / 0.011 + 1 / 0.26) = -0.99394; the small queue's effect
    # (-0.21 / 0.25 - 0.99394 / 0.01) / (1 / 0.25 + 1 / 0.01) = -0.96379
    assert models["small"].beta[1] == pytest.approx(-0.96379, abs=1e-4)
    for i in range(3):  # (-1.005 / 0.001 - 0.99394 / 0.01) / (1000 + 100): each big queue keeps its own
        assert models[f"big{i}"].beta[1] == pytest.approx(-1.00399, abs=1e-4)
    assert set(notes) == {"small"} and "official holidays -18% -> -62%" in notes["small"]


def _week_queue(name: str, friday: float, days: float, noise: float, closed=(5, 6)) -> QueueModel:
    model = QueueModel(name, 30, pd.Timestamp("2026-01-01"), beta=np.array([1.0, friday]), noise=noise,
                       structure=WeeklyStructure(closed_weekdays=closed))
    model.weekday_effects = {"wd4": (1, friday, days, 0.0)}
    return model


def test_a_few_noisy_weeks_take_mostly_the_centres_friday():
    # queues with 100 Fridays at -0.2 (noise 0.1: variance 2 x 0.01 / 100 = 0.0002) and a queue with 5 noisy
    # Fridays at +0.1 (variance 2 x 0.09 / 5 = 0.036), all closed at weekends
    models = {f"big{i}": _week_queue(f"big{i}", -0.2, 100.0, 0.1) for i in range(3)}
    models["small"] = _week_queue("small", 0.1, 5.0, 0.3)
    models["noweek"] = _week_queue("noweek", 0.0, 5.0, 0.3)
    models["noweek"].weekday_effects = {}  # no Friday of its own: neither pooled nor counted
    models["sevenday"] = _week_queue("sevenday", 0.5, 5.0, 0.3, closed=())  # another week: left alone
    # four queues with a Friday are too few to tell their spread
    assert pool_weekday_effects(models) == {} and models["small"].beta[1] == 0.1
    models["big3"] = _week_queue("big3", -0.2, 100.0, 0.1)
    notes = pool_weekday_effects(models)
    # by hand: fixed-effect mean -0.199584, Q = 2.497 under 4 degrees of freedom, tau^2 at its floor 0.05^2;
    # random-effects mean (4 x -0.2 / 0.0027 + 0.1 / 0.0385) / (4 / 0.0027 + 1 / 0.0385) = -0.194831;
    # the small queue (0.1 / 0.036 - 0.194831 / 0.0025) / (1 / 0.036 + 1 / 0.0025) = -0.175686
    assert models["small"].beta[1] == pytest.approx(-0.175686, abs=1e-5)
    # its constant rises by the Friday's fall over its 5 open weekdays: 1 + (0.1 + 0.175686) / 5
    assert models["small"].beta[0] == pytest.approx(1.055137, abs=1e-5)
    assert models["big0"].beta[1] == pytest.approx(-0.199617, abs=1e-5)
    assert models["sevenday"].beta[1] == 0.5
    assert set(notes) == {"small"} and "Friday +11% -> -16%" in notes["small"]


def test_queues_of_other_countries_are_not_pooled():
    models = {"a": _queue("a", -1.0, 10.0, 0.1), "b": _queue("b", -0.2, 1.0, 0.5)}
    assert pool_holiday_effects(models, {"a": "SA", "b": "AE"}) == {}
    assert models["b"].beta[1] == -0.2


def test_smoothing_state_matches_statsmodels_forecast():
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    rng = np.random.default_rng(3)
    n = 140
    y = 5 + 0.3 * np.sin(np.arange(n) * 2 * np.pi / 7) - 0.002 * np.arange(n) + rng.normal(0, 0.03, n)
    state = ets.daily_ets(y, np.ones(n, bool), y)
    fit = ExponentialSmoothing(y, trend="add", damped_trend=True, seasonal="add", seasonal_periods=7,
                               initialization_method="heuristic").fit(use_brute=False)
    # the closed form from the end state (statsmodels re-reads its seasonal state a week back: within 0.5%)
    assert state.path(np.arange(1, 29)) == pytest.approx(fit.forecast(28), abs=5e-3)


@pytest.fixture(scope="module")
def bank_before_eid():
    """The Saudi bank 9 months into its history, Eid al-Adha (not in its history) in the 4 held-out weeks."""
    centre = generated_centre("frisat_bank", seed=0, end=dt.date(2026, 5, 5))
    start, days = dt.date(2026, 5, 6), 28
    future = centre.future(start, days)
    fc = Forecaster(country="SA", workers=1, horizon_days=days, forecast_start=start).fit(centre.history)
    return future, fc.predict(start, days)


def _daily(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame.groupby(frame["interval_start"].dt.date)[column].sum()


def test_the_first_day_back_after_eid_is_busier_than_a_plain_monday(bank_before_eid):
    future, pred = bank_before_eid
    f, rate = _daily(pred, "calls"), _daily(future, "rate")
    back, monday = dt.date(2026, 6, 1), dt.date(2026, 5, 18)  # the first working Monday after Eid, a plain one
    assert rate[back] / rate[monday] > 1.2  # the generator's rebound
    assert f[back] / f[monday] > 1.15  # learned from the holidays the history holds (Eid al-Fitr and others)
    assert abs(f[back] / rate[back] - 1) < 0.1


def test_eid_days_and_the_saturday_inside_it_are_shaped_right(bank_before_eid):
    future, pred = bank_before_eid
    m = future.merge(pred, on=["interval_start", "queue"])
    m["slot"] = m["interval_start"].dt.floor("30min")

    def wape(day: dt.date, column: str) -> float:
        g = m[m["interval_start"].dt.date == day].groupby(["slot", "queue"])[["offered", column]].sum()
        return float((g["offered"] - g[column]).abs().sum() / g["offered"].sum())

    for day in (dt.date(2026, 5, 27), dt.date(2026, 5, 28), dt.date(2026, 5, 30)):  # Eid, Eid, Saturday
        assert wape(day, "calls") < 2.2 * wape(day, "rate"), day  # was 3-4x the noise with the holiday shape


def test_a_drifting_queue_gets_a_smoothing_candidate():
    """Calls falling 2% a week for half a year (no calendar effect explains it): the flat local level of the
    calendar model lags the fall, ETS (damped trend) follows it and is chosen by the backtest, alone or with the
    calendar model."""
    rng = np.random.default_rng(11)
    days = pd.date_range("2026-01-05", periods=26 * 7, freq="D")
    week = np.array([1.1, 1.05, 1.0, 0.95, 0.9, 0.5, 0.4])
    shape = np.exp(-0.5 * ((np.arange(48) - 26) / 6.0) ** 2)
    shape /= shape.sum()
    rows = []
    for i, d in enumerate(days):
        mean = 6000 * week[d.day_of_week] * 0.98 ** (i / 7) * shape
        rows.append(pd.DataFrame({"interval_start": d + pd.to_timedelta(np.arange(48) * 30, "min"), "queue": "q",
                                  "offered": rng.poisson(mean)}))
    hist = pd.concat(rows, ignore_index=True)
    fc = Forecaster(country="none", workers=1, horizon_days=28).fit(hist)
    row = fc.selection_.set_index("queue").loc["q"]
    assert row["chosen"] in ("ets", "model_ets"), row["reason"]
    assert row[f"wape_{row['chosen']}"] < 0.97 * row["wape_model"]


def _office_queue(name: str, start: str, end: str, per_day: float, rng) -> list[tuple]:
    """Mon-Fri 08-18 hourly calls, closed at weekends, 10% of a normal day on German public holidays."""
    import holidays

    de = holidays.country_holidays("DE", years=range(2024, 2027))
    share = np.r_[np.zeros(8), np.ones(10), np.zeros(6)] / 10
    rows = []
    for d in pd.date_range(start, end):
        rate = 0.0 if d.day_of_week >= 5 else per_day * (0.1 if d.date() in de else 1.0)
        rows += [(d + pd.Timedelta(hours=h), name, c) for h, c in enumerate(rng.poisson(rate * share))]
    return rows


def test_a_holiday_a_queue_never_saw_takes_its_peers_effect():
    # `short` starts after Easter 2026 and has seen no holiday; `long` has seen every German holiday of 2025
    # (Labour Day among them) open at 10% of a normal day. Labour Day 2026 (Friday 1 May) in the horizon
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(_office_queue("long", "2025-03-03", "2026-04-26", 200, rng)
                         + _office_queue("short", "2026-04-08", "2026-04-26", 100, rng),
                         columns=["interval_start", "queue", "offered"])
    fc = Forecaster(country="DE", workers=1, horizon_days=14).fit(frame)
    p = fc.predict("2026-04-27", 7)
    day = p.assign(day=p["interval_start"].dt.date).groupby(["queue", "day"])["calls"].sum()
    normal = day["short"][[dt.date(2026, 4, d) for d in (27, 28, 29, 30)]].mean()
    assert 90 < normal < 115  # 100 a day
    # 10 calls expected; without its peers' effect it was forecast as a normal Friday (about 107)
    assert 0.04 * normal < day["short"][dt.date(2026, 5, 1)] < 0.2 * normal
    assert "official holidays" in " ".join(fc.notes["short"])
    assert "long" not in fc.notes or not any("taken from" in n for n in fc.notes["long"])


def _regional_office(country: str, start: str, end: str, seed: int = 3, rebound: float = 1.0) -> pd.DataFrame:
    """An hourly office open Mon-Fri 08-17 (about 120 calls a day, Poisson) and closed on the holidays of
    `country` (a region's calendar); `rebound` times the calls on the first working day after a holiday."""
    rng = np.random.default_rng(seed)
    cal = day_calendar(pd.Timestamp(start).date(), pd.Timestamp(end).date(), country)
    shape = np.zeros(24)
    shape[8:17] = [0.6, 1.2, 1.3, 1.2, 0.7, 1.1, 1.2, 1.0, 0.7]
    shape /= shape.sum()
    open_day = cal["is_workday"].to_numpy(bool)
    day = np.where(daily.calendar_flags(cal)["post"].to_numpy(bool), 120.0 * rebound, 120.0)
    rate = np.where(open_day[:, None], day[:, None] * shape[None, :], 0.0)
    starts = pd.to_datetime(cal["date"]).to_numpy()[:, None] + np.arange(24).astype("timedelta64[h]")
    return pd.DataFrame({"interval_start": starts.ravel(), "queue": "office", "offered": rng.poisson(rate).ravel()})


def test_a_region_given_with_the_country_closes_the_forecast_on_its_own_holidays():
    # a New Mexico office: closed the day after Thanksgiving (2023 in the history, 2024 ahead), open on
    # Washington's Birthday, which the plain US calendar lists
    history = _regional_office("US-NM", "2023-06-05", "2024-11-24")
    days = {}
    for country in ("US-NM", "US"):
        fc = Forecaster(country=country, workers=1, horizon_days=7, selection_folds=0).fit(history)
        pred = fc.predict(dt.date(2024, 11, 25), 7)
        days[country] = pred.groupby(pred["interval_start"].dt.date)["calls"].sum()
    normal = days["US-NM"][dt.date(2024, 11, 26)]
    assert normal == pytest.approx(120, rel=0.15)
    assert days["US-NM"][dt.date(2024, 11, 29)] < 0.05 * normal  # closed, as it was a year before
    assert days["US"][dt.date(2024, 11, 29)] > 0.5 * normal  # the national calendar does not know the day


def _daily_forecast(history: pd.DataFrame, start: dt.date, days: int) -> pd.Series:
    fc = Forecaster(country="US", workers=1, horizon_days=days, selection_folds=0).fit(history)
    pred = fc.predict(start, days)
    return pred.groupby(pred["interval_start"].dt.date)["calls"].sum()


def test_the_first_day_after_a_holiday_the_history_has_not_seen_expects_the_callers_who_waited():
    # 11 weeks without a holiday, then Memorial Day (the office closed) and a Tuesday with 25% more calls than usual
    history = _regional_office("US", "2024-03-04", "2024-05-19", rebound=1.25)
    f = _daily_forecast(history, dt.date(2024, 5, 20), 21)
    after, plain = f[dt.date(2024, 5, 28)], f[dt.date(2024, 6, 4)]  # the Tuesday after, and one a week later
    assert plain == pytest.approx(120, rel=0.1)
    assert after > 1.08 * plain and abs(after - 150) < abs(plain - 150)


def test_a_history_whose_days_after_holidays_are_normal_days_forecasts_them_so():
    # a year and a half of holidays with no catch-up: the data outweigh the prior catch-up
    history = _regional_office("US", "2023-06-05", "2024-11-24", rebound=1.0)
    f = _daily_forecast(history, dt.date(2024, 11, 25), 21)
    assert f[dt.date(2024, 12, 2)] == pytest.approx(f[dt.date(2024, 12, 9)], rel=0.06)  # Mondays, after Thanksgiving


def test_the_ridge_shrinks_toward_the_prior_mean():
    # 40 days at log volume 5, one "post" day at 5.4 (+0.4); the post effect's prior mean is +0.15
    X = np.column_stack([np.ones(41), np.r_[np.zeros(40), 1.0], np.zeros(41)])
    y = np.r_[np.full(40, 5.0), 5.4]
    w, protect = np.ones(41), np.r_[np.zeros(40, bool), True]
    prior = daily.prior_means(["const", "post", "hol"])
    assert list(prior) == [0.0, daily.PRIOR_MEAN["post"], 0.0]
    # a feature no day carries keeps its prior mean; one day with a penalty of 1 pseudo-day lands halfway
    beta = daily.robust_ridge(X, y, w, np.array([0.0, 1.0, 1.0]), protect=protect, prior=prior)[0]
    assert beta[2] == pytest.approx(0.0, abs=1e-6)
    assert beta[1] == pytest.approx((0.4 + daily.PRIOR_MEAN["post"]) / 2, abs=0.01)
    assert daily.robust_ridge(X, y, w, np.array([0.0, 1.0, 1.0]), protect=protect)[0][1] == pytest.approx(0.2, abs=0.01)


def _office_without_closed_days(country: str, start: dt.date, end: dt.date, seed: int = 7,
                                weekends: bool = False) -> pd.DataFrame:
    """A back office open on working days only (make-up Saturdays included), 08:00-18:00 at 30 minutes, 20 calls
    an interval, exported as ACDs often do: no rows at all for the days it was closed (weekends and holidays)."""
    rng = np.random.default_rng(seed)
    cal = day_calendar(start, end, country)
    rows = []
    open_days = cal["is_workday"] | cal["is_weekend"] if weekends else cal["is_workday"]
    for day in pd.to_datetime(cal.loc[open_days, "date"]):
        for slot in range(16, 36):
            rows.append((day + pd.Timedelta(minutes=30 * slot), "backoffice", int(rng.poisson(20))))
    return pd.DataFrame(rows, columns=["interval_start", "queue", "offered"])


def test_holidays_an_export_leaves_out_like_its_closed_weekends_are_closed():
    # every Spring Festival and National Day of the history is missing, exactly as the weekends are, with the
    # working days before and after present: closed days, not lost ones (a lost month would take workdays too)
    history = _office_without_closed_days("CN", dt.date(2024, 9, 2), dt.date(2026, 1, 30))
    fc = Forecaster(country="CN", workers=1, selection_folds=0).fit(history)
    f = _daily(fc.predict(dt.date(2026, 2, 2), 35), "calls")
    cal = day_calendar(dt.date(2026, 2, 2), dt.date(2026, 3, 8), "CN").set_index("date")
    workday = cal["is_workday"].to_numpy(bool)
    assert f.index.size == 35
    # Spring Festival 2026: 15-23 February off; Saturdays 14 and 28 February are make-up working days
    assert (f[~workday] == 0).all(), f[~workday][f[~workday] > 0]
    assert f[dt.date(2026, 2, 17)] == 0 and f[dt.date(2026, 2, 23)] == 0
    assert f[dt.date(2026, 2, 14)] == pytest.approx(400, rel=0.15)  # 20 intervals x 20 calls
    assert f[workday].mean() == pytest.approx(400, rel=0.05)


def test_a_lost_stretch_of_working_days_around_a_holiday_stays_a_gap():
    # the export lost 2025-09-22 to 2025-10-17 (National Day inside it, workdays too): nothing is learned from it,
    # so the holiday is not taken as closed from its absence
    history = _office_without_closed_days("CN", dt.date(2024, 11, 4), dt.date(2025, 12, 31))
    lost = (history["interval_start"] >= "2025-09-22") & (history["interval_start"] < "2025-10-18")
    history = history[~lost & ~history["interval_start"].dt.year.eq(2024)]  # one National Day only, and lost
    model = Forecaster(country="CN", workers=1, selection_folds=0).fit(history).models_["backoffice"]
    assert "National Day" not in model.closed_holidays


def test_a_line_open_every_day_with_its_holidays_missing_keeps_them_open():
    # open 7 days a week, so the export's habit with closed days is unknown: the missing holidays are gaps
    history = _office_without_closed_days("CN", dt.date(2024, 9, 2), dt.date(2026, 1, 30), weekends=True)
    model = Forecaster(country="CN", workers=1, selection_folds=0).fit(history).models_["backoffice"]
    assert model.closed_weekdays == () and "National Day" not in model.closed_holidays
