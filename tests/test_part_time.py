"""Part-time (非全日制) contracts (issue 15): at most 24 h a week and 4 h a day on average, read from the agents
table, held by the roster model and reported by the independent checker (hand-built rosters, no solver)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from test_roster import START, make_agents, make_config, make_requirements
from wfm.errors import InputError
from wfm.publish.codes import plan_from_code
from wfm.readers import read_agents
from wfm.readers.agents import Agent
from wfm.roster import build_roster
from wfm.roster.checker import check

PT = Agent("P1", "Part 1", "T1", {"billing": 1.0}, 20.0, min_hours_week=16.0, max_hours_week=24.0,
           contract_type="part_time")


def _roster(cfg, codes: dict[int, str]) -> pd.DataFrame:
    return pd.concat([plan_from_code(PT, START + dt.timedelta(days=d), c, cfg) for d, c in codes.items()],
                     ignore_index=True)


def _part_time(roster, cfg, agent=PT) -> list[str]:
    return [v.message for v in check(roster, [agent], cfg, start=START, days=7).violations if v.rule == "part_time"]


def test_checker_accepts_the_law_and_names_each_breach():
    cfg = make_config()  # P shifts: 5 h, no lunch
    cfg4 = dataclasses.replace(cfg, shifts=tuple(dataclasses.replace(s, length_minutes=240) if s.code == "P" else s
                                                 for s in cfg.shifts))
    assert _part_time(_roster(cfg4, {d: "P1000" for d in range(5)}), cfg4) == []  # 5 x 4 h = 20 h
    # 4 x 5 h = 20 h: within 24 h, but 5 h a day on average
    assert _part_time(_roster(cfg, {d: "P1000" for d in range(4)}), cfg) == [
        f"20 h paid over 4 day(s) in the week from {START}: 5.0 h a day on average; a part-time contract allows at "
        "most 4 h"]
    # 5 x 5 h = 25 h: over 24 h, and 5 h a day on average
    msgs = _part_time(_roster(cfg, {d: "P1000" for d in range(5)}), cfg)
    assert msgs[0] == f"25 h paid in the week from {START}; a part-time contract allows at most 24 h" and len(msgs) == 2
    # the same roster for a full-time contract of 25 h: no part-time finding
    assert _part_time(_roster(cfg, {d: "P1000" for d in range(5)}), cfg,
                      dataclasses.replace(PT, contract_type="full_time")) == []


def test_the_model_gives_a_part_timer_short_days_only():
    cfg = make_config()
    cfg4 = dataclasses.replace(cfg, shifts=tuple(dataclasses.replace(s, length_minutes=240) if s.code == "P" else s
                                                 for s in cfg.shifts))
    agents = make_agents(16)
    agents.append(dataclasses.replace(PT, available_from=8 * 60, available_to=22 * 60))
    result = build_roster(make_requirements(cfg4), agents, cfg4, START, 7, time_limit_s=3)
    assert result.report.ok, [str(v) for v in result.report.violations]
    mine = result.data[result.data["agent_id"] == "P1"]
    per_day = mine.groupby("date").size() * cfg4.centre.interval_minutes / 60
    assert 16 <= per_day.sum() <= 24 and (per_day <= 4).all()


def test_a_part_timer_with_only_long_shifts_is_explained():
    cfg = make_config()  # P is 5 h: no legal week for a part-time contract of 16 h or more
    agents = make_agents(16) + [dataclasses.replace(PT, available_from=8 * 60, available_to=22 * 60)]
    from wfm.roster import RosterInfeasible

    with pytest.raises(RosterInfeasible) as exc:
        build_roster(make_requirements(cfg), agents, cfg, START, 7, time_limit_s=2)
    text = "\n".join(exc.value.lines)
    assert "P1 (Part 1" in text and "part-time (非全日制) limits" in text


def test_agents_reader(tmp_path):
    from test_readers_agents import HEADER

    cfg = make_config()
    path = tmp_path / "agents.csv"
    path.write_text("\n".join([HEADER + ",contract_type",
                               "A1,甲,T1,billing,20,agent,16,24,,,非全日制",
                               "A2,乙,T1,billing,40,agent,,,,,",
                               "A3,丙,T1,billing,30,agent,,,,,part_time",
                               "A4,丁,T1,billing,40,agent,,,,,hourly"]) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_agents(path, cfg)
    msgs = [str(p) for p in exc.value.errors]
    assert any("row 4, column 'contract_hours_week'" in m and "above the 24 h" in m for m in msgs)
    assert any("row 5, column 'contract_type'" in m and "'hourly'" in m for m in msgs)
    path.write_text("\n".join([HEADER + ",contract_type", "A1,甲,T1,billing,20,agent,16,24,,,非全日制",
                               "A2,乙,T1,billing,40,agent,,,,,"]) + "\n", encoding="utf-8")
    a1, a2 = read_agents(path, cfg)
    assert (a1.contract_type, a2.contract_type) == ("part_time", "full_time")
