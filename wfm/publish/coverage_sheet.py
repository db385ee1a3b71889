"""The Coverage sheet: required vs scheduled agents per interval, for all queues and each queue, gaps coloured,
and a line chart of the period per queue and for the total. Printing it prints the charts (its print area)."""

from __future__ import annotations

import pandas as pd
from openpyxl.chart import LineChart, Reference
from openpyxl.chart.series import SeriesLabel
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from wfm.config import Config
from wfm.publish.figures import RosterFigures
from wfm.publish.i18n import queue_label, text, weekday
from wfm.publish.layout import A4, display_width, excel_column_points, print_setup
from wfm.publish.style import HEADER_FILL, Styler

CHART_COLUMNS = 7  # columns of width CHART_COLUMN_WIDTH per chart; two charts side by side
CHART_COLUMN_WIDTH = 7.5  # characters: 14 columns fit an A4 landscape page in Excel and LibreOffice
CHART_ROWS = 16  # rows of ROW_HEIGHT per chart; two charts down fill an A4 landscape page
ROW_HEIGHT = 15.0
TOTAL = ""  # key of the all-queues columns


def coverage_sheet(ws: Worksheet, f: RosterFigures, config: Config, lang: str) -> None:
    """Write the Coverage sheet from the figures' coverage (`interval_start, queue, required, scheduled`)."""
    from wfm.publish.workbook import sheet_header

    s = Styler(ws)
    queues = list(config.queues)
    groups = [(TOTAL, text("all_queues", lang))] + [(q, queue_label(config, q)) for q in queues]
    wide = f.coverage.pivot_table(index="interval_start", columns="queue", values=["required", "scheduled"],
                                  aggfunc="sum", fill_value=0)
    stamps = [pd.Timestamp(t) for t in sorted(f.coverage["interval_start"].unique())]
    n_cols = 2 + 3 * len(groups)
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 6
    for i, (_, label) in enumerate(groups):
        for k in range(3):
            ws.column_dimensions[get_column_letter(3 + 3 * i + k)].width = 7 if k else max(7, min(
                display_width(label) // 3 + 1, 12))
    first_chart_col = n_cols + 2
    for k in range(2 * CHART_COLUMNS):
        ws.column_dimensions[get_column_letter(first_chart_col + k)].width = CHART_COLUMN_WIDTH
    ws.sheet_format.defaultRowHeight = ROW_HEIGHT
    ws.sheet_format.customHeight = True
    ws.freeze_panes = "C3"
    n_charts = len(groups)
    chart_rows = CHART_ROWS * ((n_charts + 1) // 2)
    print_setup(ws, paper=A4, header=sheet_header(config, "sheet_coverage", f.days, lang),
                footer=text("footer", lang))
    left, right = get_column_letter(first_chart_col), get_column_letter(first_chart_col + 2 * CHART_COLUMNS - 1)
    ws.print_area = f"{left}1:{right}{chart_rows + 1}"
    head1 = [s.cell(None, fill=HEADER_FILL), s.cell(None, fill=HEADER_FILL)]
    for _, label in groups:  # a group's name runs over its three short headings
        head1 += [s.header(label)] + [s.cell(None, fill=HEADER_FILL)] * 2
    head1 += [None, s.cell(text("coverage_note", lang), size=9)]
    ws.append(head1)
    ws.append([s.header(text("interval", lang)), s.header(text("weekday", lang))]
              + [s.header(text(k, lang), center=True)
                 for _ in groups for k in ("req_short", "sched_short", "gap")])

    def col(kind: str, q: str) -> pd.Series:
        if q == TOTAL:
            return sum((col(kind, x) for x in queues), pd.Series(0.0, index=wide.index))
        key = (kind, q)
        return wide[key] if key in wide.columns else pd.Series(0.0, index=wide.index)

    series = {(kind, q): col(kind, q).reindex(stamps, fill_value=0) for q, _ in groups
              for kind in ("required", "scheduled")}
    for ts in stamps:
        row = [s.cell(ts.to_pydatetime(), number_format="mm-dd hh:mm"), s.cell(weekday(ts, lang))]
        for q, _ in groups:
            r, c = float(series["required", q][ts]), float(series["scheduled", q][ts])
            row += [s.cell(r, number_format="0"), s.cell(c, number_format="0"), s.cell(c - r, number_format="0")]
        ws.append(row)
    last = len(stamps) + 2
    red, blue = PatternFill("solid", fgColor="F8CBAD"), PatternFill("solid", fgColor=HEADER_FILL)
    for i in range(len(groups)):
        letter = get_column_letter(5 + 3 * i)
        ws.conditional_formatting.add(f"{letter}3:{letter}{last}",
                                      CellIsRule(operator="lessThan", formula=["0"], fill=red))
        ws.conditional_formatting.add(f"{letter}3:{letter}{last}",
                                      CellIsRule(operator="greaterThan", formula=["0"], fill=blue))
    ws.auto_filter.ref = f"A2:{get_column_letter(n_cols)}{last}"
    per_day = max(1, len(stamps) // max(len(f.days), 1))
    for i, (_, label) in enumerate(groups):
        anchor = f"{get_column_letter(first_chart_col + CHART_COLUMNS * (i % 2))}{2 + CHART_ROWS * (i // 2)}"
        ws.add_chart(_chart(ws, label, 3 + 3 * i, last, per_day, lang), anchor)


def _chart(ws: Worksheet, label: str, first_col: int, last_row: int, per_day: int, lang: str) -> LineChart:
    """Required and scheduled over the period, straight lines, a category label per day."""
    chart = LineChart()
    chart.title = text("coverage_chart", lang, queue=label)
    chart.y_axis.title = text("agents_axis", lang)
    chart.height = (CHART_ROWS - 1) * ROW_HEIGHT / 72 * 2.54
    chart.width = CHART_COLUMNS * excel_column_points(CHART_COLUMN_WIDTH) / 72 * 2.54 - 0.3  # no overlap in Excel
    for k, key in enumerate(("required", "scheduled")):
        chart.add_data(Reference(ws, min_col=first_col + k, min_row=3, max_row=last_row), titles_from_data=False)
        chart.series[k].tx = SeriesLabel(v=text(key, lang))
        chart.series[k].smooth = False
        chart.series[k].marker.symbol = "none"
    chart.set_categories(Reference(ws, min_col=2, min_row=3, max_row=last_row))  # the weekday, once a day
    chart.x_axis.tickLblSkip = per_day
    chart.x_axis.tickMarkSkip = per_day
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    return chart
