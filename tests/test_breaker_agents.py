"""The agents workbook as HR fills it in Excel: a date typed in the leave column is a date cell, read as one
day of annual leave (it was split at its time's colon into leave type '00')."""

from __future__ import annotations

import datetime as dt

from openpyxl import Workbook

from wfm.config import load_config
from wfm.readers import read_agents
from wfm.readers.agents import parse_leave
from wfm.sample.config_template import config_text


def test_leave_dates_with_a_midnight_time():
    assert parse_leave("2026-12-02 00:00:00") == [(dt.date(2026, 12, 2), "annual")]
    assert parse_leave("2026-12-01 00:00:00..2026-12-02T00:00:00:sick") == [(dt.date(2026, 12, 1), "sick"),
                                                                            (dt.date(2026, 12, 2), "sick")]


def test_a_leave_cell_excel_made_a_date(tmp_path):
    cfg_path = tmp_path / "config.toml"
    cfg_path.write_text(config_text(), encoding="utf-8")
    wb = Workbook()
    ws = wb.active
    ws.append(["agent_id", "name", "team", "skills", "contract_hours_week", "leave"])
    ws.append(["A1", "王伟", "T01", "billing", 40, dt.datetime(2026, 12, 2)])
    ws.append(["A2", "李娜", "T01", "billing", 40, "2026-12-03:sick"])
    wb.save(tmp_path / "agents.xlsx")
    agents = read_agents(tmp_path / "agents.xlsx", load_config(cfg_path))
    assert [a.leave for a in agents] == [((dt.date(2026, 12, 2), "annual"),), ((dt.date(2026, 12, 3), "sick"),)]
