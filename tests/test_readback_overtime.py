"""HR's code with more overtime than the daily cap is read as typed and reported by the checker as a rule
breach (exit 1 in `wfm check`), not refused as an unreadable code (exit 2)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from openpyxl import load_workbook

from wfm.errors import InputError
from wfm.publish import plan_from_code, write_roster_workbook
from wfm.publish.readback import read_roster_workbook
from wfm.roster.checker import check
from wfm.sample import build_sample

START = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def sample():
    return build_sample(START, days=3, small=True)


def _workbook_with(tmp_path, sample, code: str):
    rows = [plan_from_code(a, START + dt.timedelta(days=d), "E0700" if a.role == "supervisor" else "D0900",
                           sample.config) for a in sample.agents for d in range(3)]
    path = tmp_path / "roster.xlsx"
    write_roster_workbook(path, pd.concat(rows, ignore_index=True), sample.agents, sample.config,
                          start=START, days=3)
    wb = load_workbook(path)
    ws = wb["Roster"]
    row = next(c.row for c in ws["A"] if str(c.value) == sample.agents[0].agent_id)
    ws.cell(row=row, column=7).value = code  # the first agent's first day
    wb.save(path)
    return path, sample.agents[0].agent_id


def test_overtime_over_the_daily_cap_is_a_rule_breach_not_an_unreadable_code(tmp_path, sample):
    cap = sample.config.rules.max_overtime_h_day
    assert cap == 3  # the sample's cap; the code below asks 5 h, 2 h over it
    path, aid = _workbook_with(tmp_path, sample, "D0700+5")
    back = read_roster_workbook(path, sample.agents, sample.config)
    day = back.roster[(back.roster["agent_id"] == aid) & (pd.to_datetime(back.roster["date"]) == pd.Timestamp(START))]
    iv = sample.config.centre.interval_minutes
    assert len(day) * iv == 9 * 60 + 5 * 60  # D is 9 h elapsed; 5 h more, from 07:00 to 21:00
    found = check(back.roster, sample.agents, sample.config, start=START, days=3)
    assert ("max_shift_length", aid) in {(v.rule, v.agent_id) for v in found.violations}


def test_overtime_not_in_whole_intervals_is_still_unreadable(tmp_path, sample):
    path, _ = _workbook_with(tmp_path, sample, "D0700+0.1")
    with pytest.raises(InputError, match="overtime must be whole intervals"):
        read_roster_workbook(path, sample.agents, sample.config)
