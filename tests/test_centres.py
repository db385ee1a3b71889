"""The synthetic centres have the properties their kinds claim (checked on the generated data alone)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
import numpy as np
import pandas as pd
import pytest

from wfm.sample.centres import CENTRE_KINDS, STUCK_AHT_S, GeneratedCentre, generated_centre


@lru_cache(maxsize=None)
def centre(kind: str, seed: int = 0) -> GeneratedCentre:
    return generated_centre(kind, seed=seed)


def daily(c: GeneratedCentre, column: str = "offered") -> pd.Series:
    """Total per day over all queues."""
    frame = c.history if column != "rate" else c.rate
    return frame.groupby(frame["interval_start"].dt.normalize())[column].sum()


def holiday_days(c: GeneratedCentre, index: pd.DatetimeIndex) -> np.ndarray:
    cal = holidays.country_holidays(c.country, years=sorted(set(index.year)))
    return np.array([d in cal for d in index.date])


@pytest.mark.parametrize("kind", CENTRE_KINDS)
def test_frame_shape_and_full_day_grid(kind):
    c = centre(kind)  # generation speed is measured in benchmarks/bench_centres.py, not asserted here
    h = c.history
    assert list(h.columns) == ["interval_start", "queue", "offered", "aht_s"]
    assert h["interval_start"].dtype.kind == "M" and h["offered"].dtype == np.int64 and h["aht_s"].dtype == float
    assert (h["offered"] >= 0).all() and not h.duplicated(["interval_start", "queue"]).any()
    assert h["aht_s"].isna().equals(h["offered"] == 0)
    day = h["interval_start"].dt.normalize()
    per_queue_day = h.groupby([day, h["queue"]]).size()
    assert (per_queue_day == 1440 // c.interval_minutes).all()  # every queue's day with data is whole
    if kind != "service_desk":  # its queues start on different days and some leave out their closed weekends
        assert (h.groupby(day)["queue"].nunique() == len(c.queues)).all()
    minutes = h["interval_start"].dt.hour * 60 + h["interval_start"].dt.minute
    assert (minutes % c.interval_minutes == 0).all()
    assert c.rate.index.equals(h.index) and c.rate["interval_start"].equals(h["interval_start"])
    assert c.rate["queue"].equals(h["queue"]) and (c.rate["rate"] >= 0).all()
    closed = c.rate["rate"] == 0
    assert (h.loc[closed, "offered"] == 0).all()
    assert c.history["interval_start"].max().normalize() == pd.Timestamp(c.end)


@pytest.mark.parametrize("kind", CENTRE_KINDS)
def test_counts_scatter_around_the_rate(kind):
    c = centre(kind)
    lost = np.zeros(len(c.history), bool)
    for q, s, e in c.outages:
        lost |= (c.history["queue"] == q).to_numpy() & (c.history["interval_start"] >= s).to_numpy() \
            & (c.history["interval_start"] < e).to_numpy()
    offered, rate = c.history["offered"][~lost].sum(), c.rate["rate"][~lost].sum()
    assert abs(offered / rate - 1) < 0.015 + 4 / np.sqrt(rate)  # day noise + 4 Poisson sigmas
    aht = c.history.loc[c.history["aht_s"] != STUCK_AHT_S]
    mean_aht = (aht["aht_s"] * aht["offered"]).sum() / aht["offered"].sum()
    assert 150 < mean_aht < 700


def test_deterministic_for_a_seed_and_different_across_seeds():
    a, b = generated_centre("frisat_bank", seed=5), generated_centre("frisat_bank", seed=5)
    pd.testing.assert_frame_equal(a.history, b.history)
    pd.testing.assert_frame_equal(a.rate, b.rate)
    assert a.gaps == b.gaps and a.stuck_calls == b.stuck_calls
    other = generated_centre("frisat_bank", seed=6)
    assert not other.history["offered"].reset_index(drop=True).equals(a.history["offered"].reset_index(drop=True))


def test_future_continues_the_process_without_overlap():
    c = centre("level_shift")
    f = c.future(days=14)
    assert list(f.columns) == ["interval_start", "queue", "offered", "aht_s", "rate"]
    assert f["interval_start"].min() == pd.Timestamp(c.end) + pd.Timedelta(days=1)
    assert f["interval_start"].max() == pd.Timestamp(c.end) + pd.Timedelta(days=15) - pd.Timedelta(minutes=15)
    assert len(f) == 14 * 96 * len(c.queues)
    pd.testing.assert_frame_equal(f, c.future(days=14))
    # the level shifts hold: a queue shifted only up is 35% up in the future too
    up = next(q for q in c.queues if q not in {n for n, _, g in c.level_shifts if g < 1})
    t = c.rate["interval_start"]
    before = c.rate[(c.rate["queue"] == up) & (t > pd.Timestamp(c.end) - pd.Timedelta(days=63))
                    & (t <= pd.Timestamp(c.end) - pd.Timedelta(days=35))]
    assert f.loc[f["queue"] == up, "rate"].sum() / 14 > 1.2 * before["rate"].sum() / 28
    # overlapping the history, `future` reproduces it (this kind has no data defects)
    start = c.end - dt.timedelta(days=9)
    again = c.future(start, days=10)
    tail = c.history[c.history["interval_start"] >= pd.Timestamp(start)].reset_index(drop=True)
    assert again["offered"].equals(tail["offered"])
    np.testing.assert_allclose(again["rate"], c.rate.loc[c.history["interval_start"] >= pd.Timestamp(start), "rate"])


def test_satsun_business_closed_weekends_and_us_holidays():
    c = centre("satsun_business")
    assert c.country == "US" and c.interval_minutes == 30 and not c.closed_weekends_absent
    days = daily(c)
    weekend = days.index.day_of_week >= 5
    hol = holiday_days(c, days.index)
    assert weekend.sum() >= 100 and hol.sum() >= 8
    assert (days[weekend | hol] == 0).all() and (days[~weekend & ~hol] > 0).all()
    assert len(days) == 365
    h = c.history
    hours = h["interval_start"].dt.hour
    assert h.loc[(hours < 8) | (hours >= 18), "offered"].sum() == 0
    by_time = c.rate.groupby(c.rate["interval_start"].dt.strftime("%H:%M"))["rate"].mean()
    assert by_time["12:30"] < min(by_time["10:00"], by_time["14:30"])  # lunch dip between two peaks


def test_satsun_business_alternates_interval_and_weekend_rows_by_seed():
    hourly = centre("satsun_business", 1)
    assert hourly.interval_minutes == 60 and not hourly.closed_weekends_absent
    absent = centre("satsun_business", 2)
    assert absent.interval_minutes == 30 and absent.closed_weekends_absent
    days = daily(absent)
    assert (days.index.day_of_week < 5).all() and len(days) == 365 - 104
    assert (days[holiday_days(absent, days.index)] == 0).all()  # holidays stay as zero rows
    f = absent.future(days=14)
    assert (f["interval_start"].dt.day_of_week < 5).all() and f["interval_start"].dt.normalize().nunique() == 10


def test_frisat_bank_weekend_holidays_and_defects():
    c = centre("frisat_bank")
    assert c.country == "SA" and c.interval_minutes == 15 and len(c.queues) == 6
    sizes = c.history.groupby("queue")["offered"].sum()
    assert sizes.max() > 30 * sizes.min()
    days = daily(c)
    hol = holiday_days(c, days.index)
    wd = days.index.day_of_week
    work = days[np.isin(wd, [6, 0, 1, 2, 3]) & ~hol].mean()
    assert days[(wd == 4) & ~hol].mean() < 0.15 * work
    assert 0.3 < days[(wd == 5) & ~hol].mean() / work < 0.5
    assert days[hol].mean() < 0.1 * work
    hol_dates = days.index[hol]
    runs = np.split(hol_dates, np.flatnonzero(np.diff(hol_dates) != pd.Timedelta(days=1)) + 1)
    assert max(len(r) for r in runs) >= 4  # a multi-day Eid period
    # exactly one whole calendar month without rows, every other day present
    all_days = pd.date_range(c.history["interval_start"].min(), c.end, freq="D")
    missing = all_days.difference(days.index)
    assert len(c.gaps) == 1 and missing.to_period("M").nunique() == 1
    month = missing[0].to_period("M")
    assert len(missing) == month.days_in_month and missing[0] == month.start_time
    assert (missing[0].date(), missing[-1].date()) == c.gaps[0]
    stuck = c.history[c.history["aht_s"] == STUCK_AHT_S]
    assert len(stuck) == 1 and stuck["offered"].iloc[0] >= 1
    assert [(stuck["queue"].iloc[0], stuck["interval_start"].iloc[0])] == c.stuck_calls
    assert c.history["aht_s"].drop(stuck.index).max() < STUCK_AHT_S / 3  # the only outlier of its size


def test_sun_only_weekend():
    c = centre("sun_only_weekend")
    days = daily(c)
    wd = days.index.day_of_week
    assert c.country == "IN" and c.interval_minutes == 30 and 235 <= len(days) <= 250
    assert (days[wd == 6] == 0).all() and (days[wd == 5] > 0).mean() > 0.9


def test_sixday_week_24x7_chinese_calendar():
    c = centre("sixday_week_24x7")
    assert c.country == "CN" and c.interval_minutes == 15 and len(daily(c)) == 730
    days = daily(c, "rate")
    cal = holidays.country_holidays("CN", years=sorted(set(days.index.year)))
    hol = holiday_days(c, days.index)
    makeup = np.isin(days.index.date, list(cal.weekend_workdays))
    wd = days.index.day_of_week
    normal = ~hol & ~makeup
    by_wd = days[normal].groupby(wd[normal]).mean()
    assert by_wd.idxmin() == 6  # Sunday lowest
    workday = by_wd[:5].mean()
    assert makeup.sum() >= 6 and days[makeup].mean() > 0.9 * workday  # make-up days worked like workdays
    spring = np.array(["Spring Festival" in cal.get(d, "") for d in days.index.date])
    assert spring.sum() >= 6 and days[spring].mean() < 0.6 * workday
    assert (c.rate.loc[c.rate["interval_start"].dt.normalize().isin(days.index[normal]), "rate"] > 0).all()  # 24/7
    month_start = days[normal & (days.index.day == 1)].mean() / days[normal & (days.index.day >= 10)].mean()
    assert month_start > 1.1


def test_sevenday_business_hours():
    c = centre("sevenday_business_hours")
    days = daily(c)
    hol = holiday_days(c, days.index)
    wd = days.index.day_of_week
    ratio = days[(wd >= 5) & ~hol].mean() / days[(wd < 5) & ~hol].mean()
    assert c.country == "GB" and 0.6 < ratio < 0.8
    hours = c.history["interval_start"].dt.hour
    assert c.history.loc[(hours < 9) | (hours >= 21), "offered"].sum() == 0
    assert (days[~hol] > 0).all()
    assert days[pd.Timestamp("2025-12-25")] == 0
    monthly = daily(c, "rate").groupby(days.index.month).mean()
    assert monthly.max() / monthly.min() > 1.15  # yearly season


def test_short_history():
    c = centre("short_history")
    days = daily(c)
    assert c.country == "DE" and len(c.queues) == 3 and len(days) == 42 and c.interval_minutes == 30
    assert (days[days.index.day_of_week >= 5] == 0).all()


def test_sparse_queues():
    c = centre("sparse_queues")
    h = c.history.assign(open=c.rate["rate"] > 0)
    assert c.country == "FR" and len(c.queues) == 8 and len(daily(c)) == 70
    per_open = h[h["open"]].groupby("queue")["offered"].mean()
    assert (per_open < 2).all() and per_open.min() < 0.3
    weekend = h[h["interval_start"].dt.day_of_week >= 5].groupby("queue")["offered"].sum()
    assert (weekend > 0).sum() == 2


def test_level_shift():
    c = centre("level_shift")
    end = pd.Timestamp(c.end)
    assert c.country == "BR" and c.interval_minutes == 15

    def level(frame: pd.DataFrame, col: str, days_before: int, queue: str | None = None) -> float:
        t = frame["interval_start"]
        mask = (t > end - pd.Timedelta(days=days_before)) & (t <= end - pd.Timedelta(days=days_before - 14))
        if queue:
            mask &= frame["queue"] == queue
        return frame.loc[mask, col].sum()

    up = level(c.rate, "rate", 35) / level(c.rate, "rate", 49)
    assert 1.25 < up < 1.45
    down_queue = [q for q, _, f in c.level_shifts if f < 1]
    assert len(down_queue) == 1 and len(c.level_shifts) == len(c.queues) + 1
    q = down_queue[0]
    assert 0.68 < level(c.history, "offered", 14, q) / level(c.history, "offered", 35, q) < 0.82


def test_outage_feed_loss():
    c = centre("outage_feed_loss")
    assert c.country == "none" and c.interval_minutes == 15
    starts = {s for _, s, _ in c.outages}
    assert len(starts) == 3 and len(c.outages) >= 3
    h, r = c.history, c.rate
    for q, s, e in c.outages:
        assert pd.Timedelta(hours=6) <= e - s <= pd.Timedelta(hours=20)
        rows = (h["queue"] == q) & (h["interval_start"] >= s) & (h["interval_start"] < e)
        assert (h.loc[rows, "offered"] == 0).all() and r.loc[rows, "rate"].sum() > 50  # demand was there
        before = (h["queue"] == q) & (h["interval_start"] >= s - pd.Timedelta(days=7)) \
            & (h["interval_start"] < e - pd.Timedelta(days=7))
        assert h.loc[before, "offered"].sum() > 50
    assert (daily(c) > 0).all()


def test_service_desk_queues_countries_and_history_lengths():
    c = centre("service_desk")
    assert c.country == "DE" and c.interval_minutes == 30 and len(c.queues) == 34
    assert c.end == dt.date(2026, 5, 3) and not c.closed_weekends_absent
    prefixes = {q.split("_")[0] for q in c.queues}
    assert prefixes == {"de", "fr", "uk", "pl", "es", "it", "nl", "se"}
    assert all(sum(q.startswith(p + "_") for q in c.queues) >= 3 for p in prefixes)
    h = c.history
    first = h.groupby("queue")["interval_start"].min().dt.normalize()
    length = (pd.Timestamp(c.end) - first).dt.days + 1
    assert length.between(35, 49).all() and length.min() == 35 and length.max() == 49 and length.nunique() >= 4
    last = h.groupby("queue")["interval_start"].max().dt.normalize()
    assert (last >= pd.Timestamp(c.end) - pd.Timedelta(days=2)).all()  # Friday for queues without weekend rows


def test_service_desk_sparse_queues_and_a_few_big_ones():
    c = centre("service_desk")
    h = c.history.assign(open=c.rate["rate"] > 0)
    per_open = h[h["open"]].groupby("queue")["offered"].mean()
    sparse, big = per_open[per_open < 3.2], per_open[per_open >= 4]
    assert len(sparse) >= 27 and sparse.min() > 0.15 and (sparse < 1).sum() >= 15
    assert 3 <= len(big) <= 7 and big.max() < 15
    hours = c.rate.groupby("queue").apply(lambda f: f.loc[f["rate"] > 0, "interval_start"].dt.hour.agg(["min", "max"]))
    assert hours["min"].min() == 7 and hours["max"].max() == 19 and (hours["min"] == 8).sum() >= 15
    # the intraday shapes differ by queue: the share of a normal weekday before noon
    r = c.rate.assign(day=c.rate["interval_start"].dt.day_of_week)
    r = r[r["day"] == 2]
    morning = r[r["interval_start"].dt.hour < 12].groupby("queue")["rate"].sum() / r.groupby("queue")["rate"].sum()
    assert morning.max() - morning.min() > 0.15


def test_service_desk_monday_highest_and_overdispersed():
    c = centre("service_desk")
    days = daily(c, "rate")
    normal = days[days.index.day_of_week < 5]
    normal = normal[normal > 0.8 * normal.median()]  # no day of any big country's holidays
    by_wd = normal.groupby(normal.index.day_of_week).mean()
    assert by_wd.idxmax() == 0 and by_wd[0] > 1.05 * by_wd[2]
    h = c.history.assign(rate=c.rate["rate"])
    busy = h[h["rate"] > 4]
    assert ((busy["offered"] - busy["rate"]) ** 2).mean() > 1.1 * busy["rate"].mean()  # more than Poisson


def test_service_desk_each_queue_observes_its_own_countrys_holidays():
    c = centre("service_desk")
    frame = pd.concat([c.rate.assign(offered=c.history["offered"]), c.future(days=14)])
    frame = frame[frame["interval_start"].dt.day_of_week < 5]
    per_day = frame.groupby([frame["interval_start"].dt.normalize(), "queue"])[["rate", "offered"]].sum()
    years = [2026]
    centre_cal = holidays.country_holidays(c.country, years=years)
    country = {"uk": "GB"}
    own_low = other_normal = 0
    for q in c.queues:
        cal = holidays.country_holidays(country.get(q[:2], q[:2].upper()), years=years)
        d = per_day.xs(q, level="queue")
        own = np.array([x in cal for x in d.index.date])
        centre_only = np.array([x in centre_cal and x not in cal for x in d.index.date])
        working = d["rate"][~own & ~centre_only].mean()
        assert own.any() and (d["rate"][own] <= 0.12 * working).all(), q
        own_low += own.sum()
        if centre_only.any():  # the centre's (German) holidays are working days for this queue
            assert (d["rate"][centre_only] > 0.6 * working).all(), q
            other_normal += centre_only.sum()
    assert own_low >= 60 and other_normal >= 10
    # the 14 days after the history hold holidays of some queues' own countries (GB, FR, Ascension)
    f = c.future(days=14)
    f_days = set(f["interval_start"].dt.date)
    for code in ("GB", "FR", "DE", "NL", "SE"):
        assert any(x in holidays.country_holidays(code, years=years) for x in f_days), code
    uk = f[f["queue"].str.startswith("uk_")]
    may_day = uk.groupby(uk["interval_start"].dt.date)["rate"].sum()
    assert may_day[dt.date(2026, 5, 4)] < 0.12 * may_day[dt.date(2026, 5, 5)]


def test_service_desk_weekends_closed_on_most_queues_zero_or_absent_rows():
    c = centre("service_desk")
    h = c.history.assign(rate=c.rate["rate"])
    weekend = h["interval_start"].dt.day_of_week >= 5
    we = h[weekend].groupby("queue")["rate"].sum().reindex(list(c.queues)).fillna(0.0)
    wd = h[~weekend].groupby("queue")["rate"].sum() / (~weekend).groupby(h["queue"]).sum()
    we_mean = h[weekend].groupby("queue")["rate"].sum() / weekend.groupby(h["queue"]).sum()
    closed, open_ = we[we == 0].index, we[we > 0].index
    assert len(closed) == 27 and len(open_) == 7
    assert (we_mean[open_] < 0.5 * wd[open_]).all() and (we_mean[open_] > 0.1 * wd[open_]).all()
    rows = h[weekend].groupby("queue").size().reindex(list(c.queues)).fillna(0)
    absent = (rows[closed] == 0).sum()
    assert 5 <= absent <= 22  # a mix: some closed queues have zero rows at weekends, some none
    assert (h.loc[weekend & h["queue"].isin(closed), "offered"] == 0).all()
    # the future keeps each queue's row convention
    f = c.future(days=14)
    f_rows = f[f["interval_start"].dt.day_of_week >= 5].groupby("queue").size().reindex(list(c.queues)).fillna(0)
    assert set(f_rows[f_rows == 0].index) == set(rows[rows == 0].index)
    assert f.groupby("queue")["interval_start"].min().eq(pd.Timestamp(c.end) + pd.Timedelta(days=1)).all()


def test_service_desk_deterministic_and_future_reproduces_the_history():
    a, b = generated_centre("service_desk"), generated_centre("service_desk")
    pd.testing.assert_frame_equal(a.history, b.history)
    pd.testing.assert_frame_equal(a.rate, b.rate)
    pd.testing.assert_frame_equal(a.future(days=14), b.future(days=14))
    other = generated_centre("service_desk", seed=1)
    assert len(other.history) == len(a.history)  # the same queues, starts and rows
    assert not other.history["offered"].reset_index(drop=True).equals(a.history["offered"].reset_index(drop=True))
    start = a.end - dt.timedelta(days=9)
    again = a.future(start, days=10)
    tail = a.history["interval_start"] >= pd.Timestamp(start)
    assert again["offered"].equals(a.history.loc[tail, "offered"].reset_index(drop=True))
    np.testing.assert_allclose(again["rate"], a.rate.loc[tail, "rate"])
    # a window starting on the first working day after a holiday keeps its rebound (Tuesday after Easter Monday)
    easter = a.future(dt.date(2026, 4, 7), days=1)
    same = (a.rate["interval_start"].dt.date == dt.date(2026, 4, 7)).to_numpy()
    np.testing.assert_allclose(easter["rate"], a.rate.loc[same, "rate"])
    f = a.future(days=14)  # Monday 4 May follows May Day on Friday in Germany: busier than Monday 11 May
    de = f[f["queue"] == "de_it_support"].groupby(f["interval_start"].dt.date)["rate"].sum()
    assert de[dt.date(2026, 5, 4)] > 1.05 * de[dt.date(2026, 5, 11)]
    moved = generated_centre("service_desk", end=dt.date(2026, 6, 14))
    assert moved.history["interval_start"].max().normalize() == pd.Timestamp("2026-06-14")
    assert (pd.Timestamp("2026-06-14") - moved.history["interval_start"].min()).days == 48
