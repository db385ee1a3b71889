"""HR's hand edits of the Roster sheet in Excel ways (a blank row inserted, a row copied, the sheet renamed,
codes typed with a Chinese input method) are read, or refused naming the row; never dropped unseen."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from openpyxl import load_workbook

from wfm.errors import InputError
from wfm.publish import plan_from_code, write_roster_workbook
from wfm.publish.readback import read_roster_workbook
from wfm.sample import build_sample

START = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def sample():
    return build_sample(START, days=3, small=True)


@pytest.fixture(scope="module")
def workbook(tmp_path_factory, sample):
    """Every agent on D0900 (E0700 for supervisors) on each of the 3 days."""
    rows = [plan_from_code(a, START + dt.timedelta(days=d), "E0700" if a.role == "supervisor" else "D0900",
                           sample.config) for a in sample.agents for d in range(3)]
    path = tmp_path_factory.mktemp("wb") / "roster.xlsx"
    write_roster_workbook(path, pd.concat(rows, ignore_index=True), sample.agents, sample.config,
                          start=START, days=3)
    return path


def _rows(ws) -> dict[str, int]:
    """agent id -> sheet row of the Roster table."""
    return {str(c.value): c.row for c in ws["A"] if c.value and str(c.value)[:1] in "AS" and c.row > 3
            and ws.cell(row=c.row, column=7).value}


def _edit(workbook, tmp_path, change) -> str:
    wb = load_workbook(workbook)
    change(wb["Roster"], wb)
    out = tmp_path / "edited.xlsx"
    wb.save(out)
    return out


def _day(back, aid: str, day: int) -> pd.DataFrame:
    r = back.roster
    return r[(r["agent_id"] == aid) & (pd.to_datetime(r["date"]) == pd.Timestamp(START + dt.timedelta(days=day)))]


def test_an_edit_below_a_blank_row_hr_inserted_is_read(tmp_path, workbook, sample):
    rows = _rows(load_workbook(workbook)["Roster"])
    last = max(rows, key=rows.get)  # the table's last agent: below every row HR could insert

    def change(ws, wb):
        ws.insert_rows(6)  # a blank row inside the first team
        ws.cell(row=rows[last] + 1, column=8).value = "L1400"  # day 2 of the last agent, one row lower now
    back = read_roster_workbook(_edit(workbook, tmp_path, change), sample.agents, sample.config)
    assert back.edits[["agent_id", "now"]].values.tolist() == [[last, "L1400"]]
    day2 = _day(back, last, 1)
    assert day2["interval_start"].min() == pd.Timestamp("2026-12-01 14:00")
    assert day2["interval_start"].max() == pd.Timestamp("2026-12-01 22:45")  # 9 h elapsed: 36 intervals
    assert len(day2) == 36


def test_codes_on_a_row_without_an_agent_id_name_the_row(tmp_path, workbook, sample):
    def change(ws, wb):
        ws.insert_rows(6)
        ws["B6"], ws["G6"] = "new starter", "E0700"
    with pytest.raises(InputError, match=r"row 6 has shift codes but no agent id"):
        read_roster_workbook(_edit(workbook, tmp_path, change), sample.agents, sample.config)


def test_an_agent_on_two_rows_with_other_codes_is_an_error_and_a_plain_copy_is_not(tmp_path, workbook, sample):
    rows = _rows(load_workbook(workbook)["Roster"])
    aid = min(rows, key=rows.get)
    at = rows[aid]

    def copy(ws, wb):
        ws.insert_rows(at + 1)
        for col in range(1, 16):
            ws.cell(row=at + 1, column=col).value = ws.cell(row=at, column=col).value
    back = read_roster_workbook(_edit(workbook, tmp_path, copy), sample.agents, sample.config)
    assert back.edits.empty

    def copy_and_change(ws, wb):
        copy(ws, wb)
        ws.cell(row=at + 1, column=7).value = "OFF"
    with pytest.raises(InputError, match=rf"row {at + 1}: agent '{aid}' is already on row {at}"):
        read_roster_workbook(_edit(workbook, tmp_path, copy_and_change), sample.agents, sample.config)


def test_a_renamed_roster_sheet_is_still_read(tmp_path, workbook, sample):
    rows = _rows(load_workbook(workbook)["Roster"])
    aid = min(rows, key=rows.get)

    def change(ws, wb):
        ws.cell(row=rows[aid], column=7).value = "OFF"
        ws.title = "Week 49"
    back = read_roster_workbook(_edit(workbook, tmp_path, change), sample.agents, sample.config)
    assert back.edits[["agent_id", "was", "now"]].values.tolist() == [[aid, "E0700" if aid[0] == "S" else
                                                                        "D0900", "OFF"]]
    assert _day(back, aid, 0).empty and len(_day(back, aid, 1)) == 36
    assert any("'Week 49'" in n for n in back.notes)


def test_full_width_codes_and_spaces_from_a_chinese_input_method(tmp_path, workbook, sample):
    rows = _rows(load_workbook(workbook)["Roster"])
    aid = next(a for a in sorted(rows, key=rows.get) if a.startswith("A"))

    def change(ws, wb):
        ws.cell(row=rows[aid], column=7).value = "Ｌ１４００"
        ws.cell(row=rows[aid], column=8).value = "D0900 +1"  # run an hour longer
    back = read_roster_workbook(_edit(workbook, tmp_path, change), sample.agents, sample.config)
    assert sorted(back.edits["now"]) == ["D0900+1", "L1400"]
    assert _day(back, aid, 0)["interval_start"].min() == pd.Timestamp("2026-11-30 14:00")
    assert len(_day(back, aid, 1)) == 40  # 10 h elapsed


@pytest.mark.parametrize("typed", [None, "30/11/2026"])
def test_a_date_hr_removed_from_the_dates_row_is_named(tmp_path, workbook, sample, typed):
    def change(ws, wb):
        ws["G2"] = typed  # the first day's ISO date above the header
    with pytest.raises(InputError) as exc:
        read_roster_workbook(_edit(workbook, tmp_path, change), sample.agents, sample.config)
    assert "no column dated 2026-11-30" in str(exc.value) and len(exc.value.errors) == 1


def test_a_totals_row_hr_added_below_a_blank_row_is_left_out_with_a_note(tmp_path, workbook, sample):
    rows = _rows(load_workbook(workbook)["Roster"])
    below = max(rows.values()) + 2  # one blank row under the last agent

    def change(ws, wb):
        ws.insert_rows(below, 2)
        ws.cell(row=below, column=2).value = "合计"
        for col in range(7, 10):
            ws.cell(row=below, column=col).value = len(rows)
    back = read_roster_workbook(_edit(workbook, tmp_path, change), sample.agents, sample.config)
    assert back.edits.empty
    assert any(f"row {below} ('合计')" in n and "not read" in n for n in back.notes)
