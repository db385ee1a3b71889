"""HR's limits on approved leave (issue 15): annual leave within the entitlement by years of work (5/10/15 days
at 1/10/20 years, 职工带薪年休假条例 art. 3) and a daily cap per team, reported by the checker as warnings that
name the people (the roster cannot change approved leave)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib

import pandas as pd
import pytest

from test_roster import CONFIG, make_config
from wfm.config import parse_config
from wfm.errors import InputError
from wfm.readers.agents import Agent, read_agents
from wfm.roster.checker import check

START = dt.date(2026, 12, 7)  # a Monday
EMPTY = pd.DataFrame(columns=["agent_id", "date", "interval_start", "activity", "queue"])


def leave_config(**leave):
    cfg = make_config()
    return dataclasses.replace(cfg, leave=dataclasses.replace(cfg.leave, **leave))


def annual(first: dt.date, n: int) -> tuple:
    return tuple((first + dt.timedelta(days=i), "annual") for i in range(n))


def test_entitlement_steps_and_config():
    leave = leave_config().leave
    assert [leave.annual_entitlement(y) for y in (0, 0.9, 1, 9.5, 10, 19, 20, 35)] == [0, 0, 5, 5, 10, 10, 15, 15]
    text = CONFIG.format(iv=30) + "\n[leave]\nannual_days = [[1, 7], [15, 12]]\nmax_per_team_day = 3\n"
    cfg = parse_config(tomllib.loads(text))
    assert cfg.leave.annual_entitlement(14) == 7 and cfg.leave.max_per_team_day == 3
    with pytest.raises(InputError) as exc:
        parse_config(tomllib.loads(CONFIG.format(iv=30) + "\n[leave]\nannual_days = [[10, 5], [1, 10]]\n"))
    assert "leave.annual_days" in str(exc.value)


def test_annual_leave_over_the_entitlement_is_named():
    """3 years of work give 5 days: a range Monday Dec 7 to Sunday Dec 13 holds 5 working days (the weekend is
    not annual leave), plus 1 day taken before = 6. 12 years give 10: the same 6 are within it."""
    cfg = leave_config()
    over = Agent("A1", "Ann", "T1", {"billing": 1.0}, 40.0, leave=annual(START, 7), service_years=3,
                 annual_leave_taken=1)
    within = dataclasses.replace(over, agent_id="A2", name="Bob", service_years=12)
    unknown = dataclasses.replace(over, agent_id="A3", name="Cy", service_years=None)
    report = check(EMPTY, [over, within, unknown], cfg, start=START, days=14)
    assert [str(w) for w in report.warnings] == [
        "[annual_leave] A1: 6 days of annual leave in 2026 (5 listed, 1 taken before); "
        "entitled to 5 after 3 year(s) of work"]
    assert not any(v.rule == "annual_leave" for v in report.violations)


def test_annual_leave_counts_per_calendar_year():
    """A period across New Year: the days taken before belong to the old year; January's leave to the new one.
    1 year of work gives 5: 2027-01-04..08 are 5 working days (within); 4 taken + Dec 28-29 = 6 in 2026."""
    cfg = leave_config()
    a = Agent("A1", "Ann", "T1", {"billing": 1.0}, 40.0, service_years=1, annual_leave_taken=4,
              leave=annual(dt.date(2026, 12, 28), 2) + annual(dt.date(2027, 1, 4), 5))
    report = check(EMPTY, [a], cfg, start=dt.date(2026, 12, 28), days=14)
    assert [w.message for w in report.warnings] == [
        "6 days of annual leave in 2026 (2 listed, 4 taken before); entitled to 5 after 1 year(s) of work"]


def test_a_team_over_its_daily_leave_cap_is_named():
    """Cap 1 a day: on Tuesday Dec 8 Ann (sick leave in the agents table) and Bob (LEAVE typed by HR) of team T1
    are both away; Cy of team T2 on leave that day counts for T2 only."""
    cfg = leave_config(max_per_team_day=1)
    tue = START + dt.timedelta(days=1)
    people = [Agent("A1", "Ann", "T1", {"billing": 1.0}, 40.0, leave=((tue, "sick"),)),
              Agent("A2", "Bob", "T1", {"billing": 1.0}, 40.0),
              Agent("A3", "Cy", "T2", {"billing": 1.0}, 40.0, leave=((tue, "annual"),))]
    report = check(EMPTY, people, cfg, start=START, days=7, codes={("A2", tue): "LEAVE"})
    assert [str(w) for w in report.warnings] == [
        "[leave_team_cap] team T1 on 2026-12-08: 2 on leave (A1 Ann, A2 Bob); at most 1 a day"]
    assert check(EMPTY, people, leave_config(), start=START, days=7, codes={("A2", tue): "LEAVE"}).warnings == []


def test_agents_table_reads_years_of_work_and_leave_taken(tmp_path):
    path = tmp_path / "agents.csv"
    path.write_text("工号,姓名,班组,技能,合同工时,工龄,已休年假\nA1,Ann,T1,billing,40,12.5,3\nA2,Bob,T1,billing,40,,\n",
                    encoding="utf-8")
    a1, a2 = read_agents(path)
    assert (a1.service_years, a1.annual_leave_taken) == (12.5, 3.0)
    assert (a2.service_years, a2.annual_leave_taken) == (None, 0.0)
    path.write_text("agent_id,name,team,skills,contract_hours_week,service_years\nA1,Ann,T1,billing,40,many\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_agents(path)
    assert "row 2" in str(exc.value) and "service_years" in str(exc.value)
