"""Agents reader: skills against the config's queues, duplicates, ranges, Excel quirks."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from wfm.config import load_config
from wfm.errors import InputError
from wfm.readers import parse_skills, read_agents
from wfm.sample.config_template import config_text

HEADER = ("agent_id,name,team,skills,contract_hours_week,role,min_hours_week,max_hours_week,days_off_requested,"
          "shift_preference")


@pytest.fixture
def config(tmp_path):
    p = tmp_path / "config.toml"
    p.write_text(config_text(), encoding="utf-8")
    return load_config(p)


def write(tmp_path, rows: list[str], name="agents.csv"):
    p = tmp_path / name
    p.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return p


def errors(path, config) -> list[str]:
    with pytest.raises(InputError) as exc:
        read_agents(path, config)
    msgs = [str(p) for p in exc.value.errors]
    assert all(str(path) in m for m in msgs)
    return msgs


def test_reads_agents_with_proficiency(tmp_path, config):
    agents = read_agents(write(tmp_path, [
        "A1,王伟,T01,billing;english:0.7,40,agent,,,2026-12-01;2026-12-03,E",
        "S1,李娜,T01,billing,40,supervisor,,,,",
    ]), config)
    assert agents[0].skills == {"billing": 1.0, "english": 0.7}
    assert [d.isoformat() for d in agents[0].days_off_requested] == ["2026-12-01", "2026-12-03"]
    assert agents[1].is_supervisor and not agents[0].is_supervisor


def test_all_row_problems_reported(tmp_path, config):
    msgs = errors(write(tmp_path, [
        "A1,x,T01,billing;roaming,40,agent,,,,",        # unknown skill
        "A1,y,T01,billing,40,agent,,,,",                # duplicate id
        "A3,z,T01,billing,90,agent,,,,",                # hours out of range
        "A4,w,T01,billing,40,boss,,,,",                 # bad role
        "A5,v,T01,billing:1.7,40,agent,,,,",            # proficiency out of range
        "A6,u,T01,billing,30,agent,35,,,",              # min above contract
        "A7,t,T01,billing,40,agent,,,31/02/2026,",      # bad date
        "A8,s,T01,billing,40,agent,,,,X",               # unknown shift code
    ]), config)
    expect = [("row 2", "skills", "roaming"), ("row 3", "agent_id", "also on row 2"),
              ("row 4", "contract_hours_week", "out of range"), ("row 5", "role", "boss"),
              ("row 6", "skills", "(0, 1]"), ("row 7", "min_hours_week", "above"),
              ("row 8", "days_off_requested", "not a date"), ("row 9", "shift_preference", "'X'")]
    for row, col, text in expect:
        assert any(row + "," in m and f"'{col}'" in m and text in m for m in msgs), (row, col, msgs)


def test_missing_columns_and_wrong_delimiter(tmp_path, config):
    p = tmp_path / "a.csv"
    p.write_text("agent_id|name|team|skills|contract_hours_week\nA1|x|T01|billing|40\n", encoding="utf-8")
    assert len(read_agents(p, config)) == 1  # a pipe-separated export is still read
    p.write_text("agent_id,name,skills\nA1,x,billing\n", encoding="utf-8")
    msgs = errors(p, config)
    assert any("'team' is missing" in m for m in msgs) and any("'contract_hours_week' is missing" in m for m in msgs)


def test_xlsx_numeric_ids(tmp_path, config):
    wb = Workbook()
    ws = wb.active
    ws.append(["agent_id", "name", "team", "skills", "contract_hours_week"])
    ws.append([1001, "王伟", "T01", "billing;faults", 40])
    ws.append([1002, "李娜", "T01", "vip", 25])
    wb.save(tmp_path / "agents.xlsx")
    agents = read_agents(tmp_path / "agents.xlsx", config)
    assert [a.agent_id for a in agents] == ["1001", "1002"] and agents[1].contract_hours_week == 25


@pytest.mark.parametrize("bad", ["", "billing;billing", "bill ing", "english:x"])
def test_parse_skills_rejects(bad):
    with pytest.raises(ValueError):
        parse_skills(bad)


def test_excel_error_values_are_errors_in_csv_and_xlsx(tmp_path, config):
    """A failed VLOOKUP leaves #N/A (or #REF!) in an id, name or team cell: an error naming row and column."""
    p = write(tmp_path, ["#N/A,王伟,T01,billing,40,agent,,,,", "A2,#REF!,T01,billing,40,agent,,,,"])
    msgs = errors(p, config)
    assert any("row 2, column 'agent_id'" in m and "#N/A is an Excel error value" in m for m in msgs)
    assert any("row 3, column 'name'" in m and "#REF! is an Excel error value" in m for m in msgs)
    wb = Workbook()
    ws = wb.active
    ws.append(["agent_id", "name", "team", "skills", "contract_hours_week"])
    ws.append(["A1", "王伟", "#N/A", "billing", 40])
    ws["C2"].data_type = "e"  # stored as an error cell, as Excel saves a failed formula's cached value
    wb.save(tmp_path / "agents.xlsx")
    msgs = errors(tmp_path / "agents.xlsx", config)  # an xlsx error cell reads as its error text, as in a CSV
    assert any("row 2, column 'team'" in m and "#N/A is an Excel error value" in m for m in msgs)


def test_shift_preference_separators_read_as_one_form(tmp_path, config):
    # the model and the score split on ";" alone: "e, l", "E，L" and "E L" must reach them as "E;L"
    agents = read_agents(write(tmp_path, [
        'A1,a,T01,billing,40,agent,,,,"e, l"',
        "A2,b,T01,billing,40,agent,,,,E，L",
        "A3,c,T01,billing,40,agent,,,,E L;E",
        "A4,d,T01,billing,40,agent,,,,D",
    ]), config)
    assert [a.shift_preference for a in agents] == ["E;L", "E;L", "E;L", "D"]
