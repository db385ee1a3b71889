"""The what-if workbook: a comparison sheet, the weekly table, and week-by-scenario sheets with line charts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.utils import get_column_letter

from wfm.config.schema import CostsConfig
from wfm.safe_text import write_cell
from wfm.xlsx_table import write_table

MAX_SERIES = 12  # lines per chart; a grid of 100 scenarios is in the tables, the charts show the first 12


def _table(ws, df: pd.DataFrame, *, formats: dict[str, str] | None = None) -> None:
    write_table(ws, df.columns, df.itertuples(index=False), row=1, formats=formats, freeze="B2",
                widths=lambda col: max(12, min(60, len(col) + 4)))


def _wide_sheet(wb: Workbook, title: str, weekly: pd.DataFrame, value: str, y_title: str, fmt: str,
                extra: pd.Series | None = None) -> None:
    ws = wb.create_sheet(title)
    wide = weekly.pivot(index="week_start", columns="scenario", values=value)
    order = list(dict.fromkeys(weekly["scenario"]))
    wide = wide[order]
    if extra is not None:
        wide.insert(0, extra.name, extra.reindex(wide.index).to_numpy())
    wide = wide.reset_index()
    _table(ws, wide, formats={c: fmt for c in wide.columns[1:]})
    n_rows = len(wide)
    n_series = min(MAX_SERIES, len(wide.columns) - 1)
    chart = LineChart()
    chart.title = f"{y_title} by week" + ("" if len(wide.columns) - 1 <= MAX_SERIES else
                                           f" (first {MAX_SERIES} series)")
    chart.y_axis.title = y_title
    chart.x_axis.title = "week"
    chart.x_axis.number_format = "yyyy-mm-dd"
    chart.height, chart.width = 9, 22
    data = Reference(ws, min_col=2, max_col=1 + n_series, min_row=1, max_row=n_rows + 1)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=n_rows + 1))
    ws.add_chart(chart, f"{get_column_letter(len(wide.columns) + 2)}2")


def write_whatif_xlsx(weekly: pd.DataFrame, comparison: pd.DataFrame, failures: pd.DataFrame, path: str | Path,
                      *, currency: str = CostsConfig().currency, notes: list[str] | None = None) -> None:
    """Sheets: Comparison (a row per scenario), Weekly (the CSV table), FTE required, Service level, Cost
    (a column per scenario with a line chart each), Failures (when any scenario failed)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Comparison"
    fmts = {"fte_required": "0.0", "fte_available": "0.0", "max_gap_fte": "0.0", "short_fte": "0.0",
            "service_level": "0.0%", "min_service_level": "0.0%", "cost": f'#,##0 "{currency}"',
            "cost_vs_base": f'+#,##0 "{currency}";-#,##0 "{currency}";0', "first_short_week": "yyyy-mm-dd",
            "hire_by": "yyyy-mm-dd", "max_gap_week": "yyyy-mm-dd"}
    _table(ws, comparison, formats=fmts)
    r = len(comparison) + 3
    for line in notes or []:
        write_cell(ws, r, 1, line)
        r += 1
    ws2 = wb.create_sheet("Weekly")
    _table(ws2, weekly, formats={"week_start": "yyyy-mm-dd", "service_level": "0.0%", "cost": "#,##0.00",
                                 "fte_required": "0.000", "fte_available": "0.000"})
    if not weekly.empty:
        base = weekly[weekly["scenario"] == weekly["scenario"].iloc[0]].set_index("week_start")["fte_available"]
        base = base.rename(f"available ({weekly['scenario'].iloc[0]})")
        _wide_sheet(wb, "FTE required", weekly, "fte_required", "FTE", "0.0", extra=base)
        _wide_sheet(wb, "Service level", weekly, "service_level", "expected service level", "0.0%")
        _wide_sheet(wb, "Cost", weekly, "cost", f"cost ({currency})", "#,##0")
    if not failures.empty:
        _table(wb.create_sheet("Failures"), failures)
    wb.save(path)


__all__ = ["write_whatif_xlsx"]
