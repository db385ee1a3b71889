"""Intraday levers by hand: the day's shortfall in a change's worth, first-call switches over a stretch, overtime
on a second skill and on both sides of a shift."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from test_roster import make_config
from wfm.intraday import ReplanSettings, replan
from wfm.intraday.floor import Floor
from wfm.publish.codes import plan_from_code
from wfm.readers.agents import Agent
from wfm.roster.checker import check

DAY = pd.Timestamp("2026-12-08")
MONDAY = dt.date(2026, 12, 7)
QUEUES = ["billing", "faults", "vip"]


def _erlang_c_sl(calls: float, aht: float, n: int, interval_s: int, answer_s: float) -> float:
    """Service level by the textbook formula (factorials; small numbers only)."""
    a = calls * aht / interval_s
    if n <= a:
        return 0.0
    top = a ** n / math.factorial(n) * n / (n - a)
    wait = top / (sum(a ** k / math.factorial(k) for k in range(n)) + top)
    return 1 - wait * math.exp(-(n - a) * answer_s / aht)


def _by_hand(cfg):
    """Each agent answers its first-call queue only (no routed help), so values are Erlang C's alone."""
    return dataclasses.replace(cfg, centre=dataclasses.replace(cfg.centre, queue_assignment="by_hand"),
                               training=())


def test_the_days_shortfall_adds_weight_to_a_queue_under_its_target():
    """One interval, 10 calls of 60 s on billing (3 agents) and on faults (1 agent), targets 80% in 20 s, weight 2.
    Faults answers 10 x (1 - exp(-2/9) / 3) = 7.33 calls in time, 0.67 under its 8 due; one agent moved from billing
    makes it 10 x (1 - exp(-5/9) / 21) = 9.73, over. Counting the day's shortfall adds 2 x 0.67 = 1.34 to the move;
    billing stays over its target either way and adds nothing."""
    cfg = make_config()
    calls = np.array([[10.0], [10.0], [0.0]])
    aht = np.full_like(calls, 60.0)
    supply = np.array([[3], [1], [0]])
    sl1, sl2 = 1 - math.exp(-2 / 9) / 3, 1 - math.exp(-5 / 9) / 21
    assert sl1 == pytest.approx(_erlang_c_sl(10, 60, 1, 1800, 20))
    assert sl2 == pytest.approx(_erlang_c_sl(10, 60, 2, 1800, 20))
    move = [(1, np.array([0]), +1), (0, np.array([0]), -1)]
    per_day = Floor(calls, aht, cfg, QUEUES, supply, 1800, 2.0, per_day=True)
    per_interval = Floor(calls, aht, cfg, QUEUES, supply, 1800, 2.0, per_day=False)
    assert per_day.service()[1] == pytest.approx(sl1)
    assert per_day.worth(move) - per_interval.worth(move) == pytest.approx(2 * (8 - 10 * sl1))
    # the per-interval worth by hand: faults 10 x (sl2 - sl1 + 2 x (0.8 - sl1)), billing 10 x (sl2 - sl3)
    sl3 = _erlang_c_sl(10, 60, 3, 1800, 20)
    assert per_interval.worth(move) == pytest.approx(10 * (sl2 - sl1 + 2 * (0.8 - sl1)) + 10 * (sl2 - sl3))
    # the same move valued over spans of a sequence (one position here): as worth, exactly, the kink included
    lo, hi = np.array([0]), np.array([1])
    parts = [(1, np.array([0]), np.array([0]), +1), (0, np.array([0]), np.array([0]), -1)]
    worth, value = per_day.span_worths(parts, 1, lo, hi)
    assert worth[0] == pytest.approx(per_day.worth(move)) and value[0] == pytest.approx(per_day.value_of(move))


def test_span_worths_sum_a_move_over_every_span_with_the_days_shortfall_once():
    """Faults alone, three intervals of 10 calls of 60 s, no agents; one agent more in each. Per interval that is
    worth 10 x (sl1 - 2 x (0.8 - sl1)) + 16 = 30 x sl1 (sl1 = 1 - exp(-2/9) / 3, the shortfall weighing 2x); the
    day's 24 calls due are short by 24 - 10 x sl1 x k with k intervals staffed, so the day's term adds 2 x 10 x sl1 x k
    as long as it stays under 24: 2 x (k x 10 x sl1)."""
    cfg = make_config()
    calls = np.array([[0.0] * 3, [10.0] * 3, [0.0] * 3])
    floor = Floor(calls, np.full_like(calls, 60.0), cfg, QUEUES, np.zeros((3, 3), int), 1800, 2.0, per_day=True)
    sl1 = 1 - math.exp(-2 / 9) / 3
    lo, hi = np.triu_indices(4, k=1)
    worth, _ = floor.span_worths([(1, np.arange(3), np.arange(3), +1)], 3, lo, hi, cost=1.0)
    k = hi - lo
    assert worth == pytest.approx(30 * sl1 * k + 2 * 10 * sl1 * k - 1.0)
    assert worth[(lo == 0) & (hi == 3)][0] == pytest.approx(floor.worth([(1, np.arange(3), +1)], cost=1.0))


def _day(agents, code, cfg):
    return pd.concat([plan_from_code(a, DAY.date(), code, cfg) for a in agents], ignore_index=True)


def _calls(spans: dict[str, list[tuple[str, str, float]]], plan: dict[str, list[tuple[str, str, float]]] | None = None
           ) -> pd.DataFrame:
    """Half-hour forecast of the day: calls of 60 s per queue over the spans given (HH:MM from, to, calls)."""
    ts = pd.date_range(DAY, periods=48, freq="30min")
    rows = []
    for q in QUEUES:
        for col, table in (("calls", spans), ("forecast_calls", plan if plan is not None else spans)):
            vals = np.zeros(len(ts))
            for a, b, n in table.get(q, []):
                vals[(ts >= DAY + pd.Timedelta(a + ":00")) & (ts < DAY + pd.Timedelta(b + ":00"))] = n
            rows.append(pd.DataFrame({"interval_start": ts, "queue": q, col: vals}))
    out = pd.concat(rows).groupby(["interval_start", "queue"], as_index=False, sort=True).sum()
    return out.assign(aht_s=60.0)[["interval_start", "queue", "calls", "aht_s", "forecast_calls"]]


def test_a_multi_skilled_agent_takes_the_surged_queue_for_the_surge_only():
    """Billing: 10 calls of 60 s a half-hour 07:00-16:00; B1 and M1 (who also holds faults) on E0700 (break 09:00,
    lunch 11:00, break 14:00), B2 and B3 on E0800 (an hour later each), so billing always has two agents. Faults:
    20 calls from 09:30 to 11:00 that the plan did not expect, nobody on it. From 09:30 M1 answers faults first
    until 11:00 (its lunch), then billing again: outside the surge faults has no calls and billing would lose an
    agent for nothing. Faults then answers 1 - (2/3) exp(-1/9) = 40.3% in 20 s (one agent, 2/3 erlang)."""
    cfg = _by_hand(make_config())
    agents = [Agent(a, a, "T1", {"billing": 1.0}, 40.0) for a in ("B1", "B2", "B3")] + [
        Agent("M1", "M1", "T1", {"billing": 1.0, "faults": 0.5}, 40.0)]
    data = pd.concat([_day([a], "E0800" if a.agent_id in ("B2", "B3") else "E0700", cfg) for a in agents],
                     ignore_index=True)
    billing = [("07:00", "16:00", 10.0)]
    fc = _calls({"billing": billing, "faults": [("09:30", "11:00", 20.0)]}, {"billing": billing})
    plan = replan(data, fc, agents, cfg, DAY + pd.Timedelta("09:30:00"), settings=ReplanSettings(overtime=None))
    switch = plan.changes[plan.changes["change"] == "first-call queue"]
    assert switch[["agent_id", "from", "was", "now"]].values.tolist() == [["M1", "09:30", "billing",
                                                                            "faults until 11:00"]]
    m1 = plan.roster[(plan.roster["agent_id"] == "M1") & (plan.roster["activity"] == "work")].set_index(
        "interval_start")["queue"]
    assert set(m1[m1 == "faults"].index.strftime("%H:%M")) == {"09:30", "10:00", "10:30"}
    assert plan.service.set_index("queue").loc["faults", "after"] == pytest.approx(1 - 2 / 3 * math.exp(-1 / 9))
    assert check(plan.roster, agents, cfg, start=MONDAY, days=7).by_rule().keys() <= \
        check(data, agents, cfg, start=MONDAY, days=7).by_rule().keys()


def _week(agent, code, cfg):
    return pd.concat([plan_from_code(agent, MONDAY + dt.timedelta(days=i), code, cfg) for i in range(5)],
                     ignore_index=True)


def test_overtime_on_the_agents_second_skill():
    """An E0700 agent answering billing first also holds faults; after its shift faults has 20 calls of 60 s a
    half-hour until 19:00 and nobody (billing has none): worth 20 x 0.403 + 2 x 20 x 0.8 - 2 x 20 x (0.8 - 0.403)
    = 24.2 an interval and more for the day's shortfall, over the 10 an hour overtime must earn. The offer stays
    late on faults, up to the 3 h daily cap, and the week still passes the checker (43 h paid)."""
    cfg = dataclasses.replace(make_config(), training=())
    agent = Agent("A1", "One", "T1", {"billing": 1.0, "faults": 0.5}, 40.0)
    week = _week(agent, "E0700", cfg)
    fc = _calls({"billing": [("07:00", "16:00", 10.0)], "faults": [("16:00", "19:00", 20.0)]},
                {"billing": [("07:00", "16:00", 10.0)]})
    plan = replan(week, fc, [agent], cfg, DAY + pd.Timedelta(hours=12), period=(MONDAY, 7))
    offer = plan.changes[plan.changes["change"] == "overtime offer"]
    assert offer[["agent_id", "from", "was", "now"]].values.tolist() == [["A1", "16:00", "07:00-16:00", "07:00-19:00"]]
    assert "on faults" in offer["why"].iloc[0]
    late = plan.roster[plan.roster["interval_start"] >= DAY + pd.Timedelta(hours=16)]
    late = late[late["date"] == DAY.date()]
    assert late["queue"].tolist() == ["faults"] * 6
    report = check(plan.roster, [agent], cfg, start=MONDAY, days=7)
    assert report.ok, [str(v) for v in report.violations]


def test_overtime_on_both_sides_of_a_shift_within_the_daily_cap():
    """An L1300 agent (13:00-22:00, lunch 17:00-18:00) alone on billing, 2 h of overtime a day at most; 10:00 now.
    Calls the plan did not expect: 20 of 60 s a half-hour from 11:00 to 13:00 and 10 from 22:00 to 24:00. Called
    in early it answers the morning's (one agent answers 40.3% of 20 calls in 20 s, 8.1 calls an interval, against
    73.3% of 10, 7.3, late), but from 11:30 only: lunch is then 5.5 h after the start, the end of its 3-5.5 h
    window; from 11:00 it would be 6 h (the checker refuses it, the offer is shortened). The half-hour left of the
    daily cap goes to staying late, to 22:30."""
    cfg = dataclasses.replace(make_config(max_overtime_h_day=2.0), training=())
    agent = Agent("A1", "One", "T1", {"billing": 1.0}, 40.0)
    week = _week(agent, "L1300", cfg)
    fc = _calls({"billing": [("11:00", "13:00", 20.0), ("13:00", "22:00", 10.0), ("22:00", "24:00", 10.0)]},
                {"billing": [("13:00", "22:00", 10.0)]})
    plan = replan(week, fc, [agent], cfg, DAY + pd.Timedelta(hours=10), period=(MONDAY, 7))
    offer = plan.changes[plan.changes["change"] == "overtime offer"]
    assert offer[["from", "was", "now"]].values.tolist() == [["11:30", "13:00-22:00", "11:30-22:00"],
                                                            ["22:00", "13:00-22:00", "13:00-22:30"]]
    tuesday = plan.roster[plan.roster["date"] == DAY.date()]
    assert tuesday["interval_start"].min() == DAY + pd.Timedelta(hours=11, minutes=30)
    assert tuesday["interval_start"].max() == DAY + pd.Timedelta(hours=22)
    report = check(plan.roster, [agent], cfg, start=MONDAY, days=7)
    assert report.ok, [str(v) for v in report.violations]


def test_concave_envelope_by_hand():
    """Flat then concave (Erlang C below and above the load): the steepest chord from no agents, then the curve;
    a row with a dip in its concave part (no chord-then-curve shape) gets the full upper hull."""
    from wfm.intraday.floor import concave_envelope

    rows = np.array([[0.0, 0.0, 0.0, 6.0, 8.0, 9.0],  # chord 0 -> 6 at 3 agents: 2 an agent, then the curve
                     [0.0, 4.0, 1.0, 6.0, 6.5, 7.0]])  # hull 0, 4 (at 1), 6 (at 3), 7 (at 5)
    out = concave_envelope(rows)
    assert out[0].tolist() == pytest.approx([0.0, 2.0, 4.0, 6.0, 8.0, 9.0])
    assert out[1].tolist() == pytest.approx([0.0, 4.0, 5.0, 6.0, 6.5, 7.0])
