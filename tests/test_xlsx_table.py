"""The one xlsx table writer (`wfm.xlsx_table.write_table`): house-style header, widths, frozen panes, number
formats, empty cells for missing values, text never a formula; on normal and write-only sheets."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from openpyxl import Workbook, load_workbook

from wfm.xlsx_table import HEADER_FILL, write_table


def _round_trip(wb: Workbook, tmp_path):
    path = tmp_path / "t.xlsx"
    wb.save(path)
    return load_workbook(path)


def test_normal_sheet_header_formats_widths_freeze_filter(tmp_path):
    wb = Workbook()
    ws = wb.active
    table = pd.DataFrame({"queue": ["=billing", "vip"], "sl": [0.8123, np.nan], "n": np.array([3, 4]),
                          "day": pd.to_datetime(["2026-12-07", "2026-12-08"]), "ok": [True, False]})
    after = write_table(ws, table.columns, table.itertuples(index=False), formats={"sl": "0.0%", "n": "0", "ok": "0",
                        "day": "yyyy-mm-dd"}, widths=lambda col: len(col) + 10, freeze="B2", autofilter=True)
    assert after == 4  # header in row 1, two rows, the next free row
    ws = _round_trip(wb, tmp_path).active
    assert [c.value for c in ws[1]] == ["queue", "sl", "n", "day", "ok"]
    assert all(c.font.b and c.fill.fgColor.rgb.endswith(HEADER_FILL) for c in ws[1])
    assert ws["A2"].value == "=billing" and ws["A2"].data_type == "s"  # text, not a formula
    assert ws["B2"].value == 0.8123 and ws["B2"].number_format == "0.0%"
    assert ws["B3"].value is None  # NaN: an empty cell
    assert ws["C2"].value == 3 and ws["C2"].number_format == "0"  # numpy ints are numbers too
    assert ws["D2"].value == dt.datetime(2026, 12, 7) and ws["D2"].number_format == "yyyy-mm-dd"
    assert ws["E2"].value is True and ws["E2"].number_format == "General"  # a truth value is not formatted
    assert ws.column_dimensions["A"].width == 15 and ws.column_dimensions["D"].width == 13
    assert ws.freeze_panes == "B2" and ws.auto_filter.ref == "A1:E3"
    assert not ws["A2"].font.b


def test_a_table_below_other_content_at_a_given_row(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "title"
    assert write_table(ws, ["a", "b"], [[1, 2]]) == 4  # appended after the last row: header in row 2
    assert write_table(ws, ["c"], [[5], [6]], row=6, widths={"C": 30}) == 9
    ws = _round_trip(wb, tmp_path).active
    assert [ws.cell(r, 1).value for r in range(1, 9)] == ["title", "a", 1, None, None, "c", 5, 6]
    assert ws["A6"].font.b and ws.column_dimensions["C"].width == 30 and ws.freeze_panes is None


def test_write_only_sheet_streams_the_same_table(tmp_path):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("T")
    after = write_table(ws, ["id", "hours"], [["@x", 7.5], ["b", None]], formats={"hours": "0.0"},
                        widths={"A": 9}, freeze="A2")
    assert after == 4
    ws = _round_trip(wb, tmp_path)["T"]
    assert [[c.value for c in r] for r in ws.iter_rows()] == [["id", "hours"], ["@x", 7.5], ["b", None]]
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb.endswith(HEADER_FILL) and ws["A1"].font.sz == 10
    assert ws["A2"].data_type == "s" and ws["B2"].number_format == "0.0" and ws["A2"].font.sz == 10
    assert ws.column_dimensions["A"].width == 9 and ws.freeze_panes == "A2"
