"""Approved leave: no shift on leave days, its paid hours count toward the contract, it is not a rest day;
the independent checker accepts LEAVE and TRN typed by HR."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from wfm.readers.agents import parse_leave
from wfm.roster import build_roster
from wfm.roster.checker import check
from test_roster import START, make_agents, make_config, make_requirements


def test_parse_leave_ranges_and_types():
    got = parse_leave("2026-12-01..2026-12-03:annual; 2026-12-10:sick;2026-12-12")
    assert got == [(dt.date(2026, 12, 1), "annual"), (dt.date(2026, 12, 2), "annual"),
                   (dt.date(2026, 12, 3), "annual"), (dt.date(2026, 12, 10), "sick"),
                   (dt.date(2026, 12, 12), "annual")]
    for bad in ("2026-12-01:holiday", "soon", "2026-12-05..2026-12-01"):
        with pytest.raises(ValueError):
            parse_leave(bad)


@pytest.fixture(scope="module")
def leave_roster():
    cfg = make_config()
    agents = make_agents()
    full_timer = next(i for i, a in enumerate(agents) if not a.is_supervisor and a.contract_hours_week == 40)
    other = next(i for i, a in enumerate(agents) if i > full_timer and not a.is_supervisor
                 and a.contract_hours_week == 40)
    week = tuple((START + dt.timedelta(days=d), "annual") for d in range(5))  # Monday to Friday
    two = ((START + dt.timedelta(days=1), "annual"), (START + dt.timedelta(days=2), "personal"))
    agents[full_timer] = dataclasses.replace(agents[full_timer], leave=week, days_off_requested=())
    agents[other] = dataclasses.replace(agents[other], leave=two, days_off_requested=())
    result = build_roster(make_requirements(cfg), agents, cfg, START, 7, time_limit_s=4)
    return cfg, agents, result, agents[full_timer], agents[other]


def test_a_week_of_annual_leave_is_rostered_without_work_and_checks_clean(leave_roster):
    cfg, agents, result, on_leave, _ = leave_roster
    assert result.report.ok, [str(v) for v in result.report.violations]
    mine = result.data[result.data["agent_id"] == on_leave.agent_id]
    assert mine.empty  # five paid days of leave (40 h) fill the week's contract: no shift, no weekend work
    row = result.codes[result.codes["agent_id"] == on_leave.agent_id].iloc[0]
    assert [row[(START + dt.timedelta(days=d)).isoformat()] for d in range(5)] == ["LEAVE"] * 5


def test_leave_days_are_not_made_up(leave_roster):
    cfg, agents, result, _, two_days = leave_roster
    mine = result.data[result.data["agent_id"] == two_days.agent_id]
    assert not set(mine["date"].astype(str)) & {(START + dt.timedelta(days=d)).isoformat() for d in (1, 2)}
    iv = cfg.centre.interval_minutes
    paid = ((mine["activity"] != "lunch").sum() if not cfg.breaks.lunch_paid else len(mine)) * iv / 60
    # 40 h contract less two days of leave (paid annual, unpaid personal): 24 h worked, no make-up work
    assert paid == pytest.approx(24.0)


def test_checker_credits_leave_and_training_days_typed_by_hr(leave_roster):
    cfg, agents, result, _, _ = leave_roster
    data = result.data
    worker = next(a for a in agents if not a.is_supervisor and a.contract_hours_week == 40 and not a.leave
                  and data[data["agent_id"] == a.agent_id]["date"].nunique() == 5)
    mine = data[data["agent_id"] == worker.agent_id]
    # HR replaces two days that hold no weekly session (re-seating a moved session is tests/test_sessions.py's job)
    held = set(mine.loc[mine["activity"].isin(["meeting", "coaching"]), "date"].astype(str))
    days = [d for d in sorted(mine["date"].astype(str).unique()) if d not in held]
    codes = {}
    for _, r in result.codes.iterrows():
        for c in result.codes.columns[3:]:
            codes[r["agent_id"], dt.date.fromisoformat(c)] = r[c]
    for day, word in ((days[0], "LEAVE"), (days[1], "TRN")):
        codes[worker.agent_id, dt.date.fromisoformat(day)] = word
    edited = data[~((data["agent_id"] == worker.agent_id) & data["date"].astype(str).isin(days[:2]))]
    report = check(edited, agents, cfg, start=START, days=7, codes=codes)
    assert report.ok, [str(v) for v in report.violations if v.agent_id == worker.agent_id]
    # the same two days simply emptied (OFF) leave the week 16 h short
    for day in days[:2]:
        codes[worker.agent_id, dt.date.fromisoformat(day)] = "OFF"
    report = check(edited, agents, cfg, start=START, days=7, codes=codes)
    assert any(v.rule == "contract_hours" and v.agent_id == worker.agent_id for v in report.violations)


def test_working_on_approved_leave_is_a_violation(leave_roster):
    cfg, agents, result, on_leave, _ = leave_roster
    data = result.data
    someone = data[data["agent_id"] != on_leave.agent_id]
    shift = someone[someone["date"].astype(str) == START.isoformat()]
    aid = shift["agent_id"].iloc[0]
    moved = shift[shift["agent_id"] == aid].assign(agent_id=on_leave.agent_id)
    report = check(pd_concat(data, moved), agents, cfg, start=START, days=7)
    assert any(v.rule == "leave" and v.agent_id == on_leave.agent_id for v in report.violations)


def pd_concat(a, b):
    import pandas as pd

    return pd.concat([a, b], ignore_index=True)


def test_leave_file_from_hr_is_read_and_bad_rows_are_named(tmp_path):
    from wfm.errors import InputError
    from wfm.readers.leave import read_leave

    agents = make_agents()
    aid = agents[6].agent_id
    good = tmp_path / "leave.csv"
    good.write_text(f"工号,开始日期,结束日期,假别\n{aid},2026-12-08,2026-12-09,病假\n{aid},2026-12-11,,\n",
                    encoding="utf-8")
    got = {a.agent_id: a for a in read_leave(good, agents)}[aid].leave
    assert (dt.date(2026, 12, 8), "sick") in got and (dt.date(2026, 12, 9), "sick") in got
    assert (dt.date(2026, 12, 11), "annual") in got
    bad = tmp_path / "bad.csv"
    bad.write_text("agent_id,start,end,type\nNOBODY,2026-12-08,,annual\n"
                   f"{aid},2026-12-10,2026-12-01,annual\n{aid},2026-12-10,,holiday\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_leave(bad, agents)
    text = str(exc.value)
    assert "row 2" in text and "agent_id" in text and "row 3" in text and "row 4" in text and "type" in text


def test_leave_of_the_first_agent_and_a_whole_week_of_leave():
    """Each agent's sub-model sees its own leave (not the first agent's); seven days of leave excuse the week's
    contract once (40 h), not 56 h."""
    cfg = make_config()
    agents = [dataclasses.replace(a, days_off_requested=()) for a in make_agents()]
    agents[0] = dataclasses.replace(agents[0], leave=((START + dt.timedelta(days=2), "sick"),))
    k = next(i for i, a in enumerate(agents) if not a.is_supervisor and a.contract_hours_week == 40)
    agents[k] = dataclasses.replace(agents[k], leave=tuple((START + dt.timedelta(days=d), "annual")
                                                           for d in range(7)))
    result = build_roster(make_requirements(cfg), agents, cfg, START, 7, time_limit_s=4)
    assert result.report.ok, [str(v) for v in result.report.violations]
    assert result.data[result.data["agent_id"] == agents[k].agent_id].empty
    first = result.data[result.data["agent_id"] == agents[0].agent_id]
    assert (START + dt.timedelta(days=2)).isoformat() not in set(first["date"].astype(str))
