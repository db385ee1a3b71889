"""Hours averaged over a calendar cycle (综合计算工时, issue 15): 12-hour shifts are offered, only the hours above
the cycle's contract are overtime, and a part of a cycle carries the previous roster's hours; in the model and in
the independent checker, on hand-made rosters (figures computed by hand in each docstring)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib

import pandas as pd

from test_roster import CONFIG
from wfm.config import parse_config
from wfm.publish.codes import plan_from_code
from wfm.readers.agents import Agent
from wfm.roster import build_roster
from wfm.roster.checker import check
from wfm.roster.cycles import cycle_bounds
from wfm.roster.problem import shift_options

DEC1 = dt.date(2026, 12, 1)  # a Tuesday
TWELVE = '\n[[shifts]]\ncode = "D"\nstart_times = ["07:00"]\nlength_h = 13\n'  # 13 h with a 1 h unpaid lunch: 12 h paid


def cycle_config(averaging: str = "month", **rules):
    cfg = parse_config(tomllib.loads(CONFIG.format(iv=30) + TWELVE))
    return dataclasses.replace(cfg, rules=dataclasses.replace(cfg.rules, hours_averaging=averaging, min_rest_h=11,
                                                              **rules))


def worked(agent: Agent, first: dt.date, offsets, cfg, code: str = "D0700") -> pd.DataFrame:
    return pd.concat([plan_from_code(agent, first + dt.timedelta(days=i), code, cfg) for i in offsets],
                     ignore_index=True)


def hours_violations(report) -> list[str]:
    return [v.message for v in report.violations if v.rule in ("contract_hours", "overtime", "max_shift_length")]


def test_cycle_bounds():
    assert cycle_bounds(dt.date(2026, 12, 15), 1) == (DEC1, dt.date(2026, 12, 31))
    assert cycle_bounds(dt.date(2026, 11, 15), 3) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert cycle_bounds(dt.date(2027, 2, 1), 12) == (dt.date(2027, 1, 1), dt.date(2027, 12, 31))


def test_twelve_hour_shifts_are_offered_only_under_a_cycle():
    codes = {o.code for o in shift_options(cycle_config())}
    assert "D0700" in codes
    assert "D0700" not in {o.code for o in shift_options(cycle_config("week"))}  # 12 h > 8 h + 3 h


# December 2026 (31 days from Tuesday 1st): 15 shifts of 12 h, 5 at most in a row, 2 days off in every 7-day block
MONTH = [0, 1, 2, 3, 4, 8, 9, 10, 15, 16, 17, 18, 22, 23, 29]


def test_a_month_is_judged_on_its_total_not_week_by_week():
    """15 x 12 h = 180 h against a contract of 40 h x 31 / 7 = 177 h 8 min (10628 min): 2 h 52 min overtime,
    under the 37.2 h cap (36 h x 31 / 30). The first week alone holds 60 h, which week by week is 20 h over."""
    cfg = cycle_config()
    agent = Agent("A1", "Agent 1", "T1", {"billing": 1.0}, 40.0, max_hours_week=48.0)
    roster = worked(agent, DEC1, MONTH, cfg)
    assert hours_violations(check(roster, [agent], cfg, start=DEC1, days=31)) == []
    by_blocks = cycle_config("week", week_start="period")  # 7-day blocks from Tuesday December 1
    weekly = hours_violations(check(roster, [agent], by_blocks, start=DEC1, days=31))
    assert "60 h paid in the week from 2026-12-01; at most 48 h allowed" in weekly
    assert sum("paid in one shift" in m for m in weekly) == 15


def test_overtime_above_the_cycle_total_is_capped():
    """19 shifts of 12 h = 228 h (13680 min): 13680 - 10628 = 3052 min = 50.87 h over the month's contract,
    above the 37.2 h cap; the maximum (60 h x 31 / 7 = 265.7 h) holds."""
    cfg = cycle_config()
    agent = Agent("A1", "Agent 1", "T1", {"billing": 1.0}, 40.0, max_hours_week=60.0)
    roster = worked(agent, DEC1, sorted(MONTH + [5, 12, 24, 30]), cfg)
    found = [v for v in check(roster, [agent], cfg, start=DEC1, days=31).violations if v.rule == "overtime"]
    assert [v.message for v in found] == [
        f"{3052 / 60:g} h overtime in the month from 2026-12-01 (above its {10628 / 60:g} h contract); the cap is "
        "37.2 h (36 h a month, pro rata)"]


def test_a_part_of_a_cycle_carries_the_previous_roster():
    """December 7-20 (14 days, mid-month): 7 x 12 h = 84 h against 80 h pro rata is within one shift (12 h) of it:
    no violation, no overtime yet. Joined to a previous roster with 4 x 12 h on December 1-6, 20 days are counted:
    at most 40 h x 20 / 7 = 6858 min + 720 min slack = 126.3 h, and 132 h were paid."""
    cfg = cycle_config()
    agent = Agent("A1", "Agent 1", "T1", {"billing": 1.0}, 40.0)
    start = dt.date(2026, 12, 7)
    roster = worked(agent, start, [0, 1, 2, 7, 8, 9, 10], cfg)
    assert hours_violations(check(roster, [agent], cfg, start=start, days=14)) == []
    before = worked(agent, DEC1, [0, 1, 2, 3], cfg)
    joined = hours_violations(check(roster, [agent], cfg, start=start, days=14, previous=before))
    assert joined == [f"132 h paid in the month from 2026-12-07 (and the 6 days before it); at most "
                      f"{(6858 + 720) / 60:g} h allowed"]


def test_the_model_holds_the_cycle_with_twelve_hour_shifts_and_the_previous_roster():
    """December 18-31, one 40 h agent (at most 40 h), one head wanted all day. Alone, the part does not count
    December from its first day: pro rata 40 x 14 / 7 = 80 h, give or take one 12 h shift: 68-92 h. After a
    previous roster with 10 shifts of 12 h (120 h) on December 1-17, the whole month is counted: at most
    40 x 31 / 7 h = 10628 min (177.13 h) and at least 12 h less (165.13 h), so the 14 days hold 45.13-57.13 h."""
    cfg = cycle_config(supervisor_on_duty=False)
    agent = Agent("A1", "Agent 1", "T1", {"billing": 1.0}, 40.0)
    start = dt.date(2026, 12, 18)
    ts = pd.date_range(pd.Timestamp(start), periods=14 * 48, freq="30min")
    req = pd.DataFrame({"interval_start": ts, "queue": "billing", "agents": 1, "heads": 1})

    def paid_h(result) -> float:
        return result.data[result.data["activity"] != "lunch"].shape[0] / 2

    alone = build_roster(req, [agent], cfg, start, 14, time_limit_s=2)
    assert alone.report.ok and 68 <= paid_h(alone) <= 92
    assert "D0700" in set(alone.codes.drop(columns=["agent_id", "name", "team"], errors="ignore").stack())
    before = worked(agent, DEC1, [0, 1, 2, 3, 6, 7, 8, 9, 13, 14], cfg)
    joined = build_roster(req, [agent], cfg, start, 14, time_limit_s=2, previous=before)
    assert joined.report.ok and (10628 - 720) / 60 - 120 <= paid_h(joined) <= 10628 / 60 - 120


def test_the_summary_counts_overtime_above_the_cycle_only():
    """The month of `MONTH` (15 shifts of 12 paid hours): 180 h
    against 23 working days x 8 h = 184 h owed: no overtime under the month cycle; week by week the first week's
    60 h alone are 20 h over."""
    from wfm.publish.figures import roster_figures

    agent = Agent("A1", "Agent 1", "T1", {"billing": 1.0}, 40.0, max_hours_week=48.0)
    cfg = cycle_config()
    roster = worked(agent, DEC1, MONTH, cfg)
    assert roster_figures(roster, [agent], cfg, DEC1, 31).totals["overtime_hours"] == 0
    assert roster_figures(roster, [agent], cycle_config("week"), DEC1, 31).totals["overtime_hours"] >= 20
