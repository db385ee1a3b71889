"""Intraday: the credibility re-forecast and surge projection by hand, the re-plan under the rules, the CLI."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from test_roster import CONFIG, START, make_config
from wfm.intraday import ReforecastSettings, ReplanSettings, credibility_ratio, reforecast, replan
from wfm.publish.codes import plan_from_code
from wfm.readers.agents import Agent
from wfm.roster.checker import check, check_breaks, shifts_from_table

DAY = pd.Timestamp("2026-12-08")


def _flat(values: list[float], queue: str = "billing", minutes: int = 15) -> pd.DataFrame:
    ts = pd.date_range(DAY, periods=len(values), freq=f"{minutes}min")
    return pd.DataFrame({"interval_start": ts, "queue": queue, "calls": values, "aht_s": 300.0})


def _seen(values: list[int], queue: str = "billing", minutes: int = 15) -> pd.DataFrame:
    ts = pd.date_range(DAY, periods=len(values), freq=f"{minutes}min")
    return pd.DataFrame({"interval_start": ts, "queue": queue, "offered": values})


# ------------------------------------------------------------------------------------------ re-forecast


def test_credibility_ratio_by_hand():
    # prior cv 0.5 -> a = 4 calls; 48 arrived where 40 were expected: (4 + 48) / (4 + 40)
    assert credibility_ratio(48, 40, 4.0) == pytest.approx(52 / 44)
    rf = reforecast(_flat([10.0] * 8), _seen([12] * 4), DAY + pd.Timedelta(hours=1),
                    settings=ReforecastSettings(prior_cv=0.5))
    got = rf.intervals.set_index("interval_start")
    assert got["calls"].iloc[:4].tolist() == [12, 12, 12, 12]  # seen intervals keep what arrived
    assert got["calls"].iloc[4:].tolist() == pytest.approx([10 * 52 / 44] * 4)
    assert not rf.queues["surge"].iloc[0]
    assert rf.queues["arrived_so_far"].iloc[0] == 48 and rf.queues["expected_so_far"].iloc[0] == 40


def test_one_noisy_interval_moves_the_plan_little_and_is_no_surge():
    # a = 1/0.15^2 = 44.44 calls; 90 arrived where 80 were expected. The last interval alone (20 vs 10) against
    # the rest (70 vs 70): 2 x log-likelihood ratio = 2 x (20 ln 2 - 20 - 70 - (90 ln 1.125 - 90)) = 6.5, below
    # the chi-square(2) 13.8 of p = 0.001: no surge
    rf = reforecast(_flat([10.0] * 12), _seen([10] * 7 + [20]), DAY + pd.Timedelta(hours=2))
    a = 1 / 0.15 ** 2
    assert rf.queues["ratio"].iloc[0] == pytest.approx((a + 90) / (a + 80))  # 1.08, not 20/10
    assert not rf.queues["surge"].iloc[0]
    assert rf.intervals["calls"].iloc[8:].tolist() == pytest.approx([10 * (a + 90) / (a + 80)] * 4)


def test_surge_is_detected_and_decays_with_its_age_as_half_life():
    # 4 normal intervals, then 4 at twice the forecast: base level 1, surge level 2 since 01:00, age 60 min;
    # 2 x log-likelihood ratio = 2 x (160 ln 2 - 160 - 80 - (240 ln 1.5 - 240)) = 27.2 > 13.8
    rf = reforecast(_flat([20.0] * 12), _seen([20] * 4 + [40] * 4), DAY + pd.Timedelta(hours=2))
    q = rf.queues.iloc[0]
    assert q["surge"] and q["ratio"] == pytest.approx(1.0) and q["surge_level"] == pytest.approx(2.0)
    assert q["surge_since"] == DAY + pd.Timedelta(hours=1) and q["half_life_min"] == pytest.approx(60)
    future = rf.intervals["calls"].iloc[8:].tolist()
    # 20 * (1 + 1 * 0.5 ** (minutes ahead / 60)) at 0, 15, 30, 45 minutes ahead
    assert future == pytest.approx([40.0, 20 + 20 * 2 ** -0.25, 20 + 20 * 2 ** -0.5, 20 + 20 * 2 ** -0.75])
    assert rf.intervals["surge"].iloc[8:].all() and not rf.intervals["surge"].iloc[:8].any()


def test_surge_onset_walks_back_and_the_level_before_it_is_the_base():
    # forecast 10; seen 8, 8, 8, 8, 30, 30, 30, 30, 30, 30: the high run starts at 01:00 (6 intervals), the level
    # is measured on the last 4 against the level of the 4 before the surge
    a = 4.0
    rf = reforecast(_flat([10.0] * 14), _seen([8] * 4 + [30] * 6), DAY + pd.Timedelta(minutes=150),
                    settings=ReforecastSettings(prior_cv=0.5))
    q = rf.queues.iloc[0]
    base = (a + 32) / (a + 40)  # 0.818
    assert q["ratio"] == pytest.approx(base) and q["surge_since"] == DAY + pd.Timedelta(hours=1)
    assert q["surge_level"] == pytest.approx(120 / (base * 40))
    assert q["half_life_min"] == pytest.approx(90)


def test_a_surge_that_is_over_is_left_out_of_the_level_and_not_projected():
    # forecast 20; seen 20 x 4, 60 x 4, 20 x 4: the day's level is that of the 8 normal intervals, 160 / 160
    rf = reforecast(_flat([20.0] * 16), _seen([20] * 4 + [60] * 4 + [20] * 4), DAY + pd.Timedelta(hours=3))
    q = rf.queues.iloc[0]
    assert not q["surge"] and q["ratio"] == pytest.approx(1.0)
    assert rf.intervals["calls"].iloc[12:].tolist() == pytest.approx([20.0] * 4)


def test_gaps_in_the_feed_are_not_zero_demand():
    seen = _seen([10, 10, 10, 10]).drop(index=1)  # the 00:15 interval never arrived
    rf = reforecast(_flat([10.0] * 8), seen, DAY + pd.Timedelta(hours=1), settings=ReforecastSettings(prior_cv=0.5))
    assert rf.queues["expected_so_far"].iloc[0] == 30 and rf.queues["arrived_so_far"].iloc[0] == 30
    assert rf.intervals["calls"].iloc[1] == pytest.approx(10.0)


def test_zeros_where_many_calls_were_due_are_a_feed_outage_not_a_quiet_day():
    # forecast 10 an interval; the ACD feed delivered 10, 10, then zeros for 6 intervals (60 calls due, P(0) ~ e^-60):
    # those intervals are left out like gaps (the level is 20 arrived of 20 expected), the rest of the day is not
    # cut to (a + 20) / (a + 80) = 0.49 of the forecast
    rf = reforecast(_flat([10.0] * 16), _seen([10, 10] + [0] * 6), DAY + pd.Timedelta(hours=2))
    q = rf.queues.iloc[0]
    assert q["ratio"] == pytest.approx(1.0) and q["outage_intervals"] == 6
    assert q["expected_so_far"] == 20 and q["arrived_so_far"] == 20
    assert rf.intervals["calls"].iloc[8:].tolist() == pytest.approx([10.0] * 8)
    # a whole morning of zeros: no news, the forecast stands
    rf = reforecast(_flat([10.0] * 16), _seen([0] * 8), DAY + pd.Timedelta(hours=2))
    assert rf.queues["ratio"].iloc[0] == pytest.approx(1.0) and rf.queues["outage_intervals"].iloc[0] == 8
    # a small queue's zeros are news: 8 intervals at 0.5 expected (4 calls, P(0) = 2%) lower its level
    rf = reforecast(_flat([0.5] * 16), _seen([0] * 8), DAY + pd.Timedelta(hours=2))
    a = 1 / 0.15 ** 2
    assert rf.queues["ratio"].iloc[0] == pytest.approx(a / (a + 4)) and rf.queues["outage_intervals"].iloc[0] == 0


# ------------------------------------------------------------------------------------------ re-plan


def _two_agents(cfg):
    agents = [Agent("A1", "One", "T1", {"billing": 1.0}, 40.0), Agent("A2", "Two", "T1", {"billing": 1.0}, 40.0)]
    # E0700, 9 h of 30-minute intervals: breaks 09:00 and 14:00, lunch 11:00-12:00 (plan_from_code's layout)
    data = pd.concat([plan_from_code(a, DAY.date(), "E0700", cfg) for a in agents], ignore_index=True)
    return agents, data


def _billing_day(peak_at: str) -> pd.DataFrame:
    ts = pd.date_range(DAY, periods=48, freq="30min")
    calls = np.where(ts.hour < 7, 0.0, 10.0)
    calls[ts == DAY + pd.Timedelta(peak_at)] = 40.0
    calls[ts == DAY + pd.Timedelta("09:30:00")] = 2.0
    return pd.DataFrame({"interval_start": ts, "queue": "billing", "calls": calls, "aht_s": 60.0})


def test_breaks_leave_the_peak_within_the_rules_and_the_past_stays():
    cfg = make_config()
    agents, data = _two_agents(cfg)
    assert set(data.loc[data["activity"] == "break", "interval_start"].dt.strftime("%H:%M")) == {"09:00", "14:00"}
    cutoff = DAY + pd.Timedelta(hours=8)
    plan = replan(data, _billing_day("09:00:00"), agents, cfg, cutoff)
    out = plan.roster
    at_peak = out[out["interval_start"] == DAY + pd.Timedelta(hours=9)]
    assert (at_peak["activity"] == "work").all()  # nobody on a break in the 09:00 peak any more
    past = out["interval_start"] < cutoff
    pd.testing.assert_frame_equal(out[past].reset_index(drop=True),
                                  data[data["interval_start"] < cutoff].reset_index(drop=True))
    assert not check_breaks(shifts_from_table(out, 30, []), cfg)  # break rules still hold
    moved = plan.changes[plan.changes["change"] == "break moved"]
    assert set(moved.loc[moved["was"] == "09:00-09:30", "agent_id"]) == {"A1", "A2"}
    # two agents on one queue with calls all day: after the cutoff they are never off the phone together
    # (the plan had both on break at 09:00 and 14:00 and at lunch 11:00-12:00)
    on = out[(out["interval_start"] >= cutoff) & (out["activity"] == "work")].groupby("interval_start").size()
    shift = pd.date_range(cutoff, DAY + pd.Timedelta(hours=16), freq="30min", inclusive="left")
    assert on.reindex(shift, fill_value=0).min() >= 1
    svc = plan.service.set_index("queue")
    assert svc.loc["billing", "after"] > svc.loc["billing", "before"]


def test_no_news_no_change():
    """When the re-forecast is the plan's forecast, no change is worth anything beyond what it was worth to the
    plan: the re-plan does not second-guess the roster."""
    cfg = make_config()
    agents, data = _two_agents(cfg)
    fc = _billing_day("09:00:00")
    plan = replan(data, fc.assign(forecast_calls=fc["calls"]), agents, cfg, DAY + pd.Timedelta(hours=8))
    assert plan.changes.empty and plan.roster.equals(data)
    # the same day with the 09:00 peak as news (the plan expected 10 calls then): the breaks leave it
    news = fc.assign(forecast_calls=np.where(fc["calls"] == 40.0, 10.0, fc["calls"]))
    plan = replan(data, news, agents, cfg, DAY + pd.Timedelta(hours=8))
    at_nine = plan.roster[plan.roster["interval_start"] == DAY + pd.Timedelta(hours=9)]
    assert (at_nine["activity"] == "work").all()


def test_a_first_step_into_a_swamped_interval_that_leads_nowhere_is_undone():
    """One agent alone on billing, its break at 09:00 when 40 calls of 60 s arrive (1.33 erlangs): the search
    values moving the break out (on its concave envelope the first agent earns a share of what two would), but
    one agent against more than one erlang answers nothing in time under Erlang C, and the break moved to 09:30
    costs calls there; billing is under its target all day (one agent, 10 calls: 73% in 20 s), so the plan may not
    make it worse: with no second agent to follow, the move is undone."""
    cfg = make_config()
    agents, data = _two_agents(cfg)
    agents, data = agents[:1], data[data["agent_id"] == "A1"].reset_index(drop=True)
    plan = replan(data, _billing_day("09:00:00"), agents, cfg, DAY + pd.Timedelta(hours=8),
                  settings=ReplanSettings(overtime=None))
    assert plan.changes.empty and plan.roster.equals(data)
    svc = plan.service.set_index("queue")
    assert svc.loc["billing", "after"] == pytest.approx(svc.loc["billing", "before"])


def test_a_break_that_has_started_does_not_move():
    cfg = make_config()
    agents, data = _two_agents(cfg)
    plan = replan(data, _billing_day("09:00:00"), agents, cfg, DAY + pd.Timedelta(minutes=9 * 60 + 30))
    assert plan.roster.equals(data) or not (plan.changes["was"] == "09:00-09:30").any()
    at_nine = plan.roster[plan.roster["interval_start"] == DAY + pd.Timedelta(hours=9)]
    assert (at_nine["activity"] == "break").all()


def test_overtime_offer_by_hand_stays_late_up_to_the_daily_cap_and_passes_the_checker(tmp_path):
    from wfm.publish.codes import shift_codes
    from wfm.roster import check_workbook
    from wfm.roster.workbook import write_roster

    cfg = dataclasses.replace(make_config(), training=())  # overtime at most 3 h a day
    agent = Agent("A1", "One", "T1", {"billing": 1.0}, 40.0)
    monday = dt.date(2026, 12, 7)
    week = pd.concat([plan_from_code(agent, monday + dt.timedelta(days=i), "E0700", cfg) for i in range(5)],
                     ignore_index=True)  # 5 x 8 h paid: the contract exactly
    assert check(week, [agent], cfg, start=monday, days=7).ok
    ts = pd.date_range(DAY, periods=48, freq="30min")
    hour = ts.hour
    calls = np.where((hour >= 7) & (hour < 16), 10.0, np.where((hour >= 16) & (hour < 19), 20.0, 0.0))
    fc = pd.DataFrame({"interval_start": ts, "queue": "billing", "calls": calls, "aht_s": 60.0})
    # alone from 16:00 with 20 calls of 60 s a half-hour, one agent answers 40% in 20 s (Erlang C), none 0%:
    # worth 20 x 0.40 + 2 x 20 x (0.80 - 0.40) - (0 - 2 x 20 x 0.80) = 24 an interval, 48 an hour, over the 10
    plan = replan(week, fc, [agent], cfg, DAY + pd.Timedelta(hours=12), period=(monday, 7))
    offer = plan.changes[plan.changes["change"] == "overtime offer"]
    assert offer[["agent_id", "from", "was", "now"]].values.tolist() == [["A1", "16:00", "07:00-16:00", "07:00-19:00"]]
    tuesday = plan.roster[plan.roster["date"] == DAY.date()]
    assert tuesday["interval_start"].max() == DAY + pd.Timedelta(hours=18, minutes=30)
    codes = shift_codes(plan.roster, cfg).set_index("date")["code"]
    assert codes[DAY.date()] == "E0700+3" and codes[monday] == "E0700"
    report = check(plan.roster, [agent], cfg, start=monday, days=7)
    assert report.ok, [str(v) for v in report.violations]  # 43 h paid: 3 h overtime within the caps
    path = write_roster(tmp_path / "r.xlsx", plan.roster, [agent], cfg, start=monday, days=7, requirements=None,
                        report=None)
    assert check_workbook(path, [agent], cfg).ok  # the code E0700+3 reads back as the extended shift
    # a fourth hour would break the daily cap: the checker says so
    more = pd.concat([plan.roster, pd.DataFrame({"agent_id": "A1", "date": DAY.date(), "interval_start": [
        DAY + pd.Timedelta(hours=19), DAY + pd.Timedelta(hours=19, minutes=30)], "activity": "work",
        "queue": "billing"})], ignore_index=True)
    assert "shift_template" in check(more, [agent], cfg, start=monday, days=7).by_rule()


def test_a_move_that_starves_another_queue_of_routed_help_is_refused():
    """One interval, calls routed by skill. Billing: 6 calls of 300 s (1 erlang), 4 agents on it first, 3 of whom
    also hold vip; vip: 6 calls of 300 s, 1 agent of its own. Their help to vip is half the billing agents' idle
    share: 0.5 x (4 - 1) / 4 x 3 = 1.125 agents, so vip runs on 2.125. The billing-only agent going off the phone
    leaves billing at 3 agents (92% in 20 s, above its 85% floor) but the helpers' idle share drops to 2/3: help
    0.5 x 2/3 x 3 = 1.0, vip on 2.0 agents, below where it was (under its 90% target): refused."""
    from wfm.intraday.floor import Floor

    cfg = make_config()
    calls = np.array([[6.0], [0.0], [6.0]])
    aht = np.full_like(calls, 300.0)
    mix = np.zeros((3, 3, 1))
    mix[0, 2, 0] = 3.0  # three agents answering billing first hold vip
    supply = np.array([[4], [0], [1]])
    floor = Floor(calls, aht, cfg, ["billing", "faults", "vip"], supply, 1800, 2.0, mix=mix, margin=0.05)
    assert floor.help_from(supply, mix)[:, 0] == pytest.approx([0.0, 0.0, 1.125])
    assert floor.help_from(supply - [[1], [0], [0]], mix)[:, 0] == pytest.approx([0.0, 0.0, 1.0])
    # Erlang C with 1 erlang: P(wait) 1/3 on 2 agents, 1/11 on 3; vip answers in 15 s, billing in 20 s
    sl2, sl3 = 1 - np.exp(-15 / 300) / 3, 1 - np.exp(-2 * 15 / 300) / 11
    assert floor.service()[2] == pytest.approx(sl2 + 0.125 * (sl3 - sl2))  # 71.2%, under the 90% target
    off_phone = [(0, np.array([0]), -1)]
    assert not floor.allowed(off_phone, [0])
    # without the routed help to lose, billing alone decides: 1 - exp(-40/300)/11 = 92% with 3 agents >= 85%
    alone = Floor(calls, aht, cfg, ["billing", "faults", "vip"], supply, 1800, 2.0, margin=0.05)
    assert alone.allowed(off_phone, [0])
    alone.apply(off_phone, [0])
    assert alone.service()[0] == pytest.approx(1 - np.exp(-40 / 300) / 11)


def test_overtime_pays_its_cost_once_when_the_news_tips_it():
    """Billing alone with nobody on the phone, calls of 60 s answered in 20 s, target 80%, a shortfall weighing 2x.
    Re-forecast 10 calls (1/3 erlang): one agent answers 1 - exp(-2/9)/3 = 73.3%, worth 10 x (0.733 - 2 x (0.8 -
    0.733)) - 10 x (0 - 2 x 0.8) = 30 x 0.733 = 22.0. The plan's 5 calls (1/6 erlang): 1 - exp(-5/18)/6 = 87.4%,
    worth 5 x 0.874 + 8 = 12.4. An overtime interval costing 15 was not worth it under the plan (12.4 < 15) and is
    under the news: it counts 22.0 - 15 = 7.0 (not 22.0 - 12.4 - 15 < 0, the plan's value charged twice)."""
    from wfm.intraday.floor import Floor

    cfg = make_config()
    calls, plan = np.array([[10.0], [0.0], [0.0]]), np.array([[5.0], [0.0], [0.0]])
    floor = Floor(calls, np.full_like(calls, 60.0), cfg, ["billing", "faults", "vip"], np.zeros((3, 1), int), 1800,
                  2.0, plan_calls=plan)
    one_more = [(0, np.array([0]), +1)]
    new, old = 30 * (1 - np.exp(-2 / 9) / 3), 5 * (1 - np.exp(-5 / 18) / 6) + 8
    assert floor.value_of(one_more) == pytest.approx(new)
    assert floor.worth(one_more, cost=15.0) == pytest.approx(new - 15.0)
    assert floor.worth(one_more) == pytest.approx(new - old)  # a free move counts what the news adds
    same = Floor(calls, np.full_like(calls, 60.0), cfg, ["billing", "faults", "vip"], np.zeros((3, 1), int), 1800,
                 2.0, plan_calls=calls)
    assert same.worth(one_more, cost=15.0) <= 0 and same.worth(one_more) == pytest.approx(0.0)  # no news


@pytest.fixture(scope="module")
def week(small_roster):
    cfg, agents, req, result = small_roster  # conftest.py: built once per session
    assert result.report.ok
    return cfg, agents, req, result


def _surged_forecast(req: pd.DataFrame, day: dt.date, surge: float = 1.6) -> pd.DataFrame:
    fc = req[pd.to_datetime(req["interval_start"]).dt.date == day][["interval_start", "queue", "calls", "aht_s"]]
    fc = fc.copy()
    fc["calls"] = fc["calls"] * 0.2
    hot = (fc["queue"] == "faults") & (fc["interval_start"].dt.hour.between(10, 12))
    fc.loc[hot, "calls"] *= surge
    return fc.reset_index(drop=True)


def test_replan_of_a_real_roster_passes_the_checker_and_helps_the_surged_queue(week):
    cfg, agents, req, result = week
    day = START + dt.timedelta(days=1)
    cutoff = pd.Timestamp(day) + pd.Timedelta(hours=10)
    plan = replan(result.data, _surged_forecast(req, day), agents, cfg, cutoff)
    report = check(plan.roster, agents, cfg, start=START, days=7)
    assert report.ok, [str(v) for v in report.violations]
    before = result.data.set_index(["agent_id", "interval_start"]).sort_index()
    after = plan.roster.set_index(["agent_id", "interval_start"]).sort_index()
    extra = after.index.difference(before.index)
    assert before.index.isin(after.index).all()  # no interval is taken away; overtime adds work after the cutoff
    assert (after.loc[extra, "activity"] == "work").all()
    assert set(extra.get_level_values("agent_id")) == set(
        plan.changes.loc[plan.changes["change"] == "overtime offer", "agent_id"])
    after = after.loc[before.index]
    changed = (before["activity"] != after["activity"]) | (before["queue"].fillna("") != after["queue"].fillna(""))
    when = after.index.get_level_values("interval_start")[changed.to_numpy()].union(
        extra.get_level_values("interval_start"))
    assert len(when) and when.min() >= cutoff and when.max() < pd.Timestamp(day) + pd.Timedelta(days=1)
    svc = plan.service.set_index("queue")
    assert svc.loc["faults", "after"] > svc.loc["faults", "before"]
    floor = np.minimum(svc["target"], svc["before"])
    assert (svc["after"] >= floor - 1e-9).all()  # no queue pushed under its target (or below where it was)
    assert set(plan.changes.columns) == {"agent_id", "change", "from", "was", "now", "why"}


# ------------------------------------------------------------------------------------------ CLI


@pytest.fixture
def workspace(week, tmp_path):
    from wfm.readers.agents import agents_frame
    from wfm.roster.workbook import write_roster

    cfg, agents, req, result = week
    (tmp_path / "config.toml").write_text(CONFIG.format(iv=30), encoding="utf-8")
    agents_frame(agents).to_csv(tmp_path / "agents.csv", index=False)
    write_roster(tmp_path / "roster.xlsx", result.data, agents, cfg, start=START, days=7, requirements=req,
                 report=None)
    day = START + dt.timedelta(days=1)
    fc = req[["interval_start", "queue", "calls", "aht_s"]].copy()
    fc["calls"] *= 0.2
    fc["interval_start"] = fc["interval_start"].dt.strftime("%Y-%m-%dT%H:%M:%S")
    fc.to_csv(tmp_path / "forecast.csv", index=False)
    seen = _surged_forecast(req, day, surge=4.0)
    seen = seen[seen["interval_start"] < pd.Timestamp(day) + pd.Timedelta(hours=11)]
    seen = seen.assign(offered=np.rint(seen["calls"]).astype(int),
                       interval_start=seen["interval_start"].dt.strftime("%Y-%m-%dT%H:%M:%S"))
    seen[["interval_start", "queue", "offered"]].to_csv(tmp_path / "actuals.csv", index=False)
    return tmp_path


def _args(ws, *extra):
    return ["intraday", ws / "roster.xlsx", "--actuals", ws / "actuals.csv", "--config", ws / "config.toml",
            "--agents", ws / "agents.csv", "--forecast", ws / "forecast.csv", *extra]


def test_cli_writes_a_workbook_wfm_check_accepts(workspace, cli):
    from openpyxl import load_workbook

    out = workspace / "intraday.xlsx"
    code, stdout, err = cli(*_args(workspace, "--now", "11:00", "-o", out))
    assert code == 0, stdout + err
    # faults ran at 4x from 10:00 (16 calls where 4 were expected, twice): too few calls for the surge test, so
    # the re-forecast lifts faults for the rest of the day; every queue is then under its target, so no agent may
    # leave one for faults, but faults overtime the plan's forecast did not pay for is paid for now: the
    # "Changes" table is printed (it is not when nothing changes). (At 3x the lift was 26%, and whether an hour
    # of overtime was worth it turned on which queue each agent answers first.)
    assert "faults" in stdout and "Changes" in stdout and "0 new" in stdout
    sheets = load_workbook(out, read_only=True).sheetnames
    assert sheets[:5] == ["Roster", "Detail", "Coverage", "Summary", "Data"] and "Changes" in sheets
    code, stdout, err = cli("check", out, "--agents", workspace / "agents.csv", "--config", workspace / "config.toml")
    assert code == 0, stdout + err
    code, _, err = cli(*_args(workspace, "--now", "11:00", "-o", out))
    assert code == 2  # an existing output is not overwritten without --force


def test_cli_bad_input_exits_2(workspace, cli):
    code, _, err = cli(*_args(workspace, "--now", "11:10", "-o", workspace / "x.xlsx"))
    assert code == 2 and "--now" in err and "grid" in err
    code, _, err = cli(*_args(workspace, "--now", "10:00", "-o", workspace / "x.xlsx"))
    assert code == 2 and "at or after --now" in err
    lines = (workspace / "actuals.csv").read_text().splitlines()
    lines[3] = lines[3].rsplit(",", 1)[0] + ",-4"
    (workspace / "actuals.csv").write_text("\n".join(lines) + "\n")
    code, _, err = cli(*_args(workspace, "--now", "11:00", "-o", workspace / "x.xlsx"))
    assert code == 2 and "actuals.csv" in err and "row 4" in err and "offered" in err
    assert not (workspace / "x.xlsx").exists()
