"""Adding the simulation's period results to the roster workbook's Summary sheet (a titled block below what
is there; a block from an earlier run is replaced). The workbook is rewritten atomically."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wfm.atomic import write_atomic
from wfm.safe_text import write_cell
from wfm.xlsx_table import write_table

TITLE = "Simulation (wfm simulate)"
SUMMARY_SHEETS = ("Summary", "汇总")


def add_to_workbook(path: str | Path, period: pd.DataFrame, comparison: pd.DataFrame | None, *,
                    note: str = "") -> str:
    """Write the per-queue period results (and the Erlang comparison) into the Summary sheet; returns the
    sheet name used."""
    from openpyxl import load_workbook
    from openpyxl.styles import Font

    from wfm.readers.tables import check_input_file

    path = Path(path)
    check_input_file(path, what="roster")  # regular file, size and unpacked-size limits, as every reader
    wb = load_workbook(path)
    name = next((s for s in SUMMARY_SHEETS if s in wb.sheetnames), None)
    if name is None:
        name = "Summary"
        idx = wb.sheetnames.index("Data") if "Data" in wb.sheetnames else len(wb.sheetnames)
        wb.create_sheet(name, idx)
    ws = wb[name]
    # drop an earlier block: from its title row to the end of the sheet
    for row in ws.iter_rows(min_col=1, max_col=1):
        if row[0].value == TITLE:
            ws.delete_rows(row[0].row, ws.max_row - row[0].row + 1)
            break
    r = ws.max_row + 2 if ws.max_row > 1 or ws.cell(1, 1).value is not None else 1
    write_cell(ws, r, 1, TITLE).font = Font(bold=True)
    if note:
        write_cell(ws, r + 1, 1, note)
    r += 2
    r = write_table(ws, period.columns, _rows(period), row=r) + 1
    if comparison is not None:
        write_cell(ws, r, 1, "Per-queue Erlang plan (rostered agents) vs simulation").font = Font(bold=True)
        write_table(ws, comparison.columns, _rows(comparison), row=r + 1)
    write_atomic(path, lambda p: wb.save(p))
    return name


def _rows(table: pd.DataFrame):
    """The table's rows as the Summary sheet shows them: numbers to 5 decimals, dates as ISO text."""
    for rec in table.itertuples(index=False):
        yield [(None if pd.isna(v) else round(v, 5)) if isinstance(v, float) else
               v.isoformat() if hasattr(v, "isoformat") else v for v in rec]
