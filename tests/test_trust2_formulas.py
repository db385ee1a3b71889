"""Formula cells with no stored value (a workbook written by a script and never opened in Excel) are refused
naming file, sheet, cell and formula, in every xlsx input; a formula with a stored value is read as that value."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from wfm.errors import InputError
from wfm.publish import plan_from_code, write_roster_workbook
from wfm.publish.readback import read_roster_workbook
from wfm.readers.agents import read_agents
from wfm.readers.history import read_history
from wfm.sample import build_sample

HEADER = ["agent_id", "name", "team", "skills", "contract_hours_week", "role"]


def _agents_xlsx(path: Path, contract: object, role: object = "agent") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Staff"
    ws.append(HEADER)
    ws.append(["A001", "Li Na", "T1", "billing", contract, role])
    ws.append(["A002", "Wang Wei", "T1", "billing", 40, "agent"])
    wb.save(path)
    return path


def _rewrite_sheet(path: Path, change) -> Path:
    """The workbook with its first sheet's XML passed through `change` (to write what Excel would store)."""
    out = path.with_name("re_" + path.name)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = change(data.decode()).encode()
            dst.writestr(info, data)
    return out


def test_an_uncached_formula_in_the_agents_file_names_sheet_cell_and_formula(tmp_path):
    path = _agents_xlsx(tmp_path / "agents.xlsx", "=35+5")
    with pytest.raises(InputError) as err:
        read_agents(path)
    [problem] = err.value.errors
    assert (problem.file, problem.row, problem.column) == (str(path), 2, "contract_hours_week")
    assert "sheet 'Staff', cell E2: the formula =35+5 has no stored value" in problem.message
    assert "open the workbook in Excel and save it" in problem.message


def test_a_formula_with_a_stored_value_is_read_as_that_value(tmp_path):
    path = _agents_xlsx(tmp_path / "agents.xlsx", "=35+5")
    # what Excel stores after opening and saving: the formula and its result
    cached = _rewrite_sheet(path, lambda xml: xml.replace("<f>35+5</f><v></v>", "<f>35+5</f><v>40</v>"))
    agents = read_agents(cached)
    assert [a.contract_hours_week for a in agents] == [40.0, 40.0]


def test_a_formula_that_gave_an_empty_text_is_an_empty_cell(tmp_path):
    path = _agents_xlsx(tmp_path / "agents.xlsx", 37.5, role='=IF(1=1,"","x")')
    # Excel stores a formula that gave "" as type str with an empty value: a blank role, the default
    cached = _rewrite_sheet(path, lambda xml: re.sub(r'<c r="F2"><f>(.*?)</f><v></v></c>',
                                                     r'<c r="F2" t="str"><f>\1</f><v></v></c>', xml))
    assert 't="str"' in zipfile.ZipFile(cached).read("xl/worksheets/sheet1.xml").decode()
    agents = read_agents(cached)
    assert agents[0].role == "agent" and agents[0].contract_hours_week == 37.5


def test_a_shared_formula_without_a_value_is_named_as_it_reads_in_its_own_cell(tmp_path):
    path = _agents_xlsx(tmp_path / "agents.xlsx", 40)
    # E2 holds a formula with its value 40; E3 shares it (the text is stored once, in E2) and has no value
    def change(xml: str) -> str:
        xml = xml.replace('<c r="E2" t="n"><v>40</v></c>',
                          '<c r="E2"><f t="shared" ref="E2:E3" si="0">40+0</f><v>40</v></c>')
        return xml.replace('<c r="E3" t="n"><v>40</v></c>', '<c r="E3"><f t="shared" si="0"/></c>')
    shared = _rewrite_sheet(path, change)
    with pytest.raises(InputError) as err:
        read_agents(shared)
    [problem] = err.value.errors
    assert problem.row == 3 and "cell E3: the formula =40+0 has no stored value" in problem.message


def test_an_uncached_count_in_a_history_workbook_is_refused(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["interval_start", "queue", "offered"])
    ws.append(["2026-11-02 08:00", "billing", 12])
    ws.append(["2026-11-02 08:15", "billing", "=C2+3"])
    path = tmp_path / "history.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as err:
        read_history(path)
    [problem] = err.value.errors
    assert (problem.row, problem.column) == (3, "offered")
    assert "sheet 'Sheet', cell C3: the formula =C2+3 has no stored value" in problem.message


START = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def sample():
    return build_sample(START, days=2, small=True)


def _two_day_roster(path, sample):
    """One agent's two days of D0900 written as a roster workbook: (agent, workbook, the second day's cell)."""
    agent = sample.agents[0]
    rows = [plan_from_code(agent, START + dt.timedelta(days=d), "D0900", sample.config) for d in range(2)]
    write_roster_workbook(path, pd.concat(rows, ignore_index=True), [agent], sample.config, start=START, days=2)
    wb = load_workbook(path)
    [cell] = [c for row in wb["Roster"].iter_rows() for c in row if c.value == "D0900"][1:2]
    return agent, wb, cell


def test_a_roster_cell_holding_an_uncached_formula_is_refused_not_read_as_off(tmp_path, sample):
    agent, wb, cell = _two_day_roster(tmp_path / "roster.xlsx", sample)
    ws = wb["Roster"]
    left = ws.cell(row=cell.row, column=cell.column - 1).coordinate
    cell.value = f"={left}"  # a script copying the first day: never calculated
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    with pytest.raises(InputError) as err:
        read_roster_workbook(edited, [agent], sample.config)
    [problem] = err.value.errors
    assert f"sheet 'Roster', cell {cell.coordinate}: the formula ={left} has no stored value" in problem.message
    assert problem.file == str(edited) and problem.row == cell.row


def test_a_totals_row_whose_sums_were_never_calculated_is_skipped_as_totals_are(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["日期", "时间段", "技能组", "呼入量"])
    ws.append(["2026-11-02", "08:00-08:15", "billing", 12])
    ws.append(["2026-11-02", "08:15-08:30", "billing", 7])
    ws.append(["合计", None, None, "=SUM(D2:D3)"])  # an ACD tool's totals row, written but never calculated
    path = tmp_path / "history.xlsx"
    wb.save(path)
    history = read_history(path, interval_minutes=15)
    assert history.frame["offered"].tolist() == [12, 7]
    assert any("1 totals row ('合计' in column '日期', first at row 4) skipped" in w.message for w in history.warnings)


def test_a_roster_cell_showing_an_excel_error_is_refused_not_read_as_off(tmp_path, sample):
    path = tmp_path / "roster.xlsx"
    agent, wb, cell = _two_day_roster(path, sample)
    cell.value, cell.data_type = "#N/A", "e"  # HR's lookup formula failed; Excel stores the error as the value
    wb.save(path)
    with pytest.raises(InputError) as err:
        read_roster_workbook(path, [agent], sample.config)
    [problem] = err.value.errors
    assert problem.message == (f"Roster sheet cell {cell.coordinate}: #N/A is an Excel error value (a formula that "
                               f"failed), not a shift code")


def test_an_excel_error_in_the_agents_leave_is_refused_not_read_as_no_leave(tmp_path):
    path = _agents_xlsx(tmp_path / "agents.xlsx", 40)
    wb = load_workbook(path)
    ws = wb.active
    ws["G1"] = "leave"
    ws["G2"] = "#REF!"
    ws["G2"].data_type = "e"
    wb.save(path)
    with pytest.raises(InputError) as err:
        read_agents(path)
    [problem] = err.value.errors
    assert (problem.row, problem.column) == (2, "leave") and "'#REF!'" in problem.message


def test_an_excel_error_in_a_history_measurement_is_left_out_with_a_warning(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["interval_start", "queue", "offered", "service_level"])
    ws.append(["2026-11-02 08:00", "billing", 12, 0.8])
    ws.append(["2026-11-02 08:15", "billing", 0, "#DIV/0!"])  # answered / offered with nothing offered
    ws["D3"].data_type = "e"
    path = tmp_path / "history.xlsx"
    wb.save(path)
    history = read_history(path, interval_minutes=15)
    assert history.frame["offered"].tolist() == [12, 0]
    assert history.frame["service_level"].iloc[0] == 0.8 and pd.isna(history.frame["service_level"].iloc[1])
    assert any(w.column == "service_level" and "1 row with a value that is not a number, first at row 3"
               in w.message for w in history.warnings)


def test_text_pandas_would_take_for_missing_is_read_as_text_in_a_workbook_as_in_a_csv(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(["A001", "Nan", "NA", "billing", 40, None])  # the North America team; a given name
    path = tmp_path / "agents.xlsx"
    wb.save(path)
    [agent] = read_agents(path)
    assert (agent.name, agent.team, agent.role) == ("Nan", "NA", "agent")
