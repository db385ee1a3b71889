"""Weekly rules on calendar weeks (issue 15): `rules.week_start = "Mon"` makes the weekly rules (contract hours,
days off, weekly night cap, part-time limits, weekly training) count calendar weeks in the model, the checker
and pay; the default, "period", keeps 7-day blocks from the period's first day."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib

import pandas as pd
import pytest

from test_roster import CONFIG, START, make_agents, make_config, make_requirements
from wfm.calendar import week_blocks
from wfm.config import parse_config
from wfm.errors import InputError
from wfm.pay import pay_blocks
from wfm.publish.codes import plan_from_code
from wfm.readers.agents import Agent
from wfm.roster import build_roster
from wfm.roster.checker import check

WED = dt.date(2026, 12, 2)


def monday_weeks(**rules):
    cfg = make_config(**rules)
    return dataclasses.replace(cfg, rules=dataclasses.replace(cfg.rules, week_start="Mon"))


def test_week_blocks_and_config():
    assert week_blocks(WED, 14, 0) == [[0, 1, 2, 3, 4], list(range(5, 12)), [12, 13]]
    assert week_blocks(WED, 14) == [list(range(7)), list(range(7, 14))]
    assert [len(b) for b, _ in pay_blocks(WED, 14, 0, 0)] == [5, 7, 2]
    cfg = parse_config(tomllib.loads(CONFIG.format(iv=30).replace("[rules]", '[rules]\nweek_start = "周一"')))
    assert cfg.rules.first_weekday == 0 and make_config().rules.first_weekday == 0  # calendar weeks by default
    with pytest.raises(InputError) as exc:
        parse_config(tomllib.loads(CONFIG.format(iv=30).replace("[rules]", '[rules]\nweek_start = "Monday1"')))
    assert "rules.week_start" in str(exc.value)


def test_checker_counts_days_off_and_hours_per_calendar_week():
    """From Wednesday December 2, 8 paid hours a shift: Wed-Sat (4 shifts, Sunday off), Mon-Fri December 7-11
    (Saturday and Sunday off), Mon-Tue December 14-15. By calendar weeks: the 5-day first week needs no day off
    (2 - (7 - 5)) and holds 32 h (pro rata 28.6 h, give or take 8 h); the full week 40 h and 2 days off. By 7-day
    blocks from Wednesday, December 2-8 holds 6 shifts: 48 h over 40 h, and 1 day off of 2."""
    agent = Agent("A1", "Agent 1", "T1", {"billing": 1.0}, 40.0)
    offsets = [0, 1, 2, 3, 5, 6, 7, 8, 9, 12, 13]
    cfg = monday_weeks()
    roster = pd.concat([plan_from_code(agent, WED + dt.timedelta(days=i), "E0800", cfg) for i in offsets],
                       ignore_index=True)
    weekly = ("contract_hours", "min_days_off_week", "max_consecutive_days", "overtime")  # no sessions placed here
    assert [v for v in check(roster, [agent], cfg, start=WED, days=14).violations if v.rule in weekly] == []
    by_blocks = make_config(week_start="period")  # 7-day blocks from Wednesday December 2
    blocks = [(v.rule, v.message) for v in check(roster, [agent], by_blocks, start=WED, days=14).violations
              if v.rule in weekly]
    assert blocks == [("contract_hours", "48 h paid in the week from 2026-12-02; at most 40 h allowed"),
                      ("min_days_off_week", "1 day(s) off in the week from 2026-12-02; at least 2 required")]


def test_a_roster_from_a_wednesday_on_calendar_weeks_passes_the_checker():
    """The model and the checker agree on calendar weeks: a 14-day roster from a Wednesday, its weeks
    Wed-Sun, Mon-Sun, Mon-Tue."""
    cfg = monday_weeks()
    agents = [dataclasses.replace(a, days_off_requested=()) for a in make_agents(16, days=14)]
    start = START + dt.timedelta(days=2)
    req = make_requirements(cfg, days=16)
    result = build_roster(req, agents, cfg, start, 14, time_limit_s=4)
    assert result.report.ok, [str(v) for v in result.report.violations]
    worked = result.data[["agent_id", "date"]].drop_duplicates()
    dates = pd.to_datetime(worked["date"]).dt.date
    full_week = worked[(dates >= START + dt.timedelta(days=7)) & (dates < START + dt.timedelta(days=14))]
    assert full_week.groupby("agent_id").size().max() <= 5  # 2 days off in the calendar week (min_days_off_week)
