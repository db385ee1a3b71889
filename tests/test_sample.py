"""The sample hotline shows the patterns a real provincial hotline has, and is deterministic."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from wfm.sample import build_sample, next_monday
from wfm.sample.history import sample_history

END = dt.date(2026, 11, 29)


@pytest.fixture(scope="module")
def daily() -> pd.DataFrame:
    h = sample_history(END, years=2.0, seed=0)
    return h.assign(day=h["interval_start"].dt.normalize()).pivot_table(
        index="day", columns="queue", values="offered", aggfunc="sum")


def test_two_years_of_15_minute_rows_for_six_queues():
    h = sample_history(END, years=2.0, seed=0)
    assert h["queue"].nunique() == 6
    assert h["interval_start"].max() == pd.Timestamp("2026-11-29 23:45")
    assert len(h) == 730 * 96 * 6
    assert (h["offered"] >= 0).all() and (h["handled"] + h["abandoned"] == h["offered"]).all()


def test_deterministic_for_a_seed():
    a = sample_history(END, years=0.1, seed=3)
    b = sample_history(END, years=0.1, seed=3)
    c = sample_history(END, years=0.1, seed=4)
    pd.testing.assert_frame_equal(a, b)
    assert not a["offered"].equals(c["offered"])


def test_monday_busier_than_sunday(daily):
    normal = daily[~daily.index.isin(_holiday_days())]
    by_day = normal.groupby(normal.index.day_of_week)["billing"].mean()
    assert by_day[0] > 1.3 * by_day[6]


def test_month_start_billing_lift(daily):
    normal = daily[~daily.index.isin(_holiday_days())]
    dom1 = normal[normal.index.day == 1]["billing"]
    mid = normal[normal.index.day.isin(range(10, 20))]["billing"]
    # compare like with like: the same weekdays
    lift = dom1.groupby(dom1.index.day_of_week).mean() / mid.groupby(mid.index.day_of_week).mean()
    assert lift.dropna().median() > 1.25


def test_spring_festival_dip_and_make_up_saturday(daily):
    festival = daily.loc["2026-02-16":"2026-02-20", "billing"].mean()
    weekdays_before = daily.loc["2026-02-02":"2026-02-06", "billing"].mean()
    assert festival < 0.7 * weekdays_before
    makeup = daily.loc["2026-02-28", "billing"]  # a working Saturday (调休)
    saturdays = daily.loc["2026-03-07":"2026-03-28", "billing"]
    assert makeup > 1.1 * saturdays[saturdays.index.day_of_week == 5].mean()


def test_intraday_peaks_and_night_trough():
    h = sample_history(END, years=0.1, seed=0)
    b = h[(h["queue"] == "billing") & (h["interval_start"].dt.day_of_week == 2)]
    by_hour = b.groupby(b["interval_start"].dt.hour)["offered"].mean()
    assert by_hour[10] > 5 * by_hour[3] and by_hour[15] > 5 * by_hour[3]
    english = h[(h["queue"] == "english") & (h["interval_start"].dt.hour < 8)]
    assert english["offered"].sum() == 0  # the English desk opens at 08:00


def test_outage_spikes_on_faults(daily):
    ratio = daily["faults"] / daily["faults"].rolling(15, center=True, min_periods=5).median()
    assert (ratio > 1.3).sum() >= 4  # about six outages a year


def test_aht_daily_pattern():
    h = sample_history(END, years=0.1, seed=0)
    f = h[h["queue"] == "faults"].dropna(subset=["aht_s"])
    f = f.assign(work=f["aht_s"] * f["handled"], hour=f["interval_start"].dt.hour)
    by_hour = f.groupby("hour")["work"].sum() / f.groupby("hour")["handled"].sum()  # call-weighted mean
    assert by_hour[3] > 1.1 * by_hour[15]  # night calls are longer


def test_work_force_sized_from_demand():
    s = build_sample(dt.date(2026, 11, 30))
    agents = [a for a in s.agents if not a.is_supervisor]
    supervisors = [a for a in s.agents if a.is_supervisor]
    # sized on the pooled need of its skill mix (calls routed by skill): about a quarter under the per-queue
    # Erlang sizing, which gave 130-180
    assert 95 <= len(agents) <= 140
    assert len(supervisors) >= 8
    assert {q for a in agents for q in a.skills} == set(s.config.queues)
    assert sum("english" in a.skills for a in agents) >= 5
    part_time = [a for a in agents if a.contract_hours_week < 40]
    assert 0.08 < len(part_time) / len(agents) < 0.3
    new_hires = [a for a in agents if a.training_until]
    assert new_hires and all(set(a.skills) == {"billing"} for a in new_hires)
    assert any(a.days_off_requested for a in agents) and any(a.shift_preference for a in agents)


def test_next_monday():
    assert next_monday(dt.date(2026, 11, 23)) == dt.date(2026, 11, 30)
    assert next_monday(dt.date(2026, 11, 29)) == dt.date(2026, 11, 30)


def _holiday_days() -> pd.DatetimeIndex:
    from wfm.calendar import day_calendar

    cal = day_calendar(dt.date(2024, 11, 1), END, "CN")
    return pd.DatetimeIndex(pd.to_datetime(cal.loc[cal["holiday_period"], "date"]))


def test_cross_training_goes_to_the_queues_held_by_fewest_heads_per_fte():
    import numpy as np

    from wfm.sample.agents import SECONDARY, _extra_skills

    rng = np.random.default_rng(0)
    fte = {"billing": 40.0, "faults": 20.0, "data": 10.0, "complaints": 10.0}
    # billing is held by 80 heads (2 per FTE), faults by 10 (0.5 per FTE): an agent of the data desk, whose
    # extra skills may be billing or faults, is trained on faults far more often
    held = {"billing": 80.0, "faults": 10.0, "data": 10.0, "complaints": 10.0}
    assert set(SECONDARY["data"]) == {"billing", "faults"}
    picks = [_extra_skills("data", 1, fte, held, rng)[0] for _ in range(2000)]
    share = picks.count("faults") / len(picks)
    # weights 20/11 : 40/81, so faults about 0.79 of the picks
    assert 0.75 < share < 0.83
    assert sorted(_extra_skills("data", 2, fte, held, rng)) == ["billing", "faults"]
    assert _extra_skills("data", 0, fte, held, rng) == []
