"""`wfm roster --repair` (issue 15): a published roster re-planned after sick leave changes only the weeks that no
longer hold; everyone else keeps their published day to the interval, and the result passes the checker."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from test_roster import START, make_agents, make_config, make_requirements
from wfm.roster import build_roster
from wfm.roster.repair import repair_roster
from wfm.roster.workbook import read_roster_workbook, write_roster


def test_sick_day_repairs_that_agents_week_only(tmp_path, cli):
    cfg = make_config()
    agents = make_agents()
    req = make_requirements(cfg)
    built = build_roster(req, agents, cfg, START, 7, time_limit_s=3)
    path = write_roster(tmp_path / "published.xlsx", built.data, agents, cfg, start=START, days=7, requirements=req,
                        report=built.report)
    data = built.data
    sick = next(a for a in agents
                if not a.is_supervisor and data[data["agent_id"] == a.agent_id]["date"].nunique() == 5)
    day = dt.date.fromisoformat(sorted(data[data["agent_id"] == sick.agent_id]["date"].astype(str).unique())[1])
    now = [dataclasses.replace(a, leave=((day, "sick"),)) if a.agent_id == sick.agent_id else a for a in agents]
    book = read_roster_workbook(path, now, cfg)
    result = repair_roster(req, now, cfg, book, START, 7, time_limit_s=3)

    assert result.report.ok, [str(v) for v in result.report.violations]
    assert result.stats["repaired_agents"] == [sick.agent_id]
    row = result.codes[result.codes["agent_id"] == sick.agent_id].iloc[0]
    assert row[day.isoformat()] == "LEAVE"
    assert any(line.startswith(f"{sick.agent_id} {day}:") and "-> LEAVE" in line for line in result.notes)
    others = result.data[result.data["agent_id"] != sick.agent_id].reset_index(drop=True)
    published = book.roster[book.roster["agent_id"] != sick.agent_id].reset_index(drop=True)
    pd.testing.assert_frame_equal(others.astype(str), published.astype(str))

    # nothing changed: nothing re-planned
    same = repair_roster(req, agents, cfg, read_roster_workbook(path, agents, cfg), START, 7, time_limit_s=3)
    assert same.stats["repaired_agents"] == []
    assert same.notes == ["every published shift still holds: nothing to re-plan"]


def test_sick_day_changes_only_that_day_when_the_rest_of_the_week_still_holds(tmp_path):
    """A 40 h agent with 5 shifts falls sick on one of them: 4 shifts and 8 h of leave still make the contract, and
    the week keeps 2 days off, so the repair turns that day to LEAVE and keeps the other 6 days as published (it
    re-chose the whole week for coverage: in the demo, 2 sick days moved 4 more of that agent's days)."""
    cfg = make_config()
    agents = make_agents()
    req = make_requirements(cfg)
    built = build_roster(req, agents, cfg, START, 7, time_limit_s=3)
    path = write_roster(tmp_path / "published.xlsx", built.data, agents, cfg, start=START, days=7, requirements=req,
                        report=built.report)
    codes = built.codes.set_index("agent_id")
    dates = [(START + dt.timedelta(days=i)).isoformat() for i in range(7)]
    changed_weeks = 0
    for sick in [a for a in agents if not a.is_supervisor and a.contract_hours_week == 40
                 and sum(codes.loc[a.agent_id, d] != "OFF" for d in dates) == 5]:
        day = next(d for d in dates if codes.loc[sick.agent_id, d] != "OFF")
        now = [dataclasses.replace(a, leave=((dt.date.fromisoformat(day), "sick"),))
               if a.agent_id == sick.agent_id else a for a in agents]
        result = repair_roster(req, now, cfg, read_roster_workbook(path, now, cfg), START, 7, time_limit_s=3)
        assert result.report.ok, [str(v) for v in result.report.violations]
        row = result.codes.set_index("agent_id").loc[sick.agent_id]
        assert row[day] == "LEAVE"
        changed_weeks += any(row[d] != codes.loc[sick.agent_id, d] for d in dates if d != day)
    assert changed_weeks == 0
