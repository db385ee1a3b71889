"""Tables in Excel workbooks, in the house style: one writer for every table wfm puts in a workbook.

The house style: a header row in bold on a light blue fill (`HEADER_FILL`), then the rows; per column an optional
number format; optional column widths, frozen panes and an auto-filter. Text is written as text, never as a
formula (`wfm.safe_text`). Normal worksheets get a bold header in the default font; write-only (streamed)
sheets, the printed roster workbook's, get every cell from a `Styler` with an explicit font size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from copy import copy
from numbers import Number
from typing import Any

import numpy as np
import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from wfm.safe_text import set_cell, write_cell

HEADER_FILL = "DDEBF7"  # light blue, behind every table header
BODY_PT = 10.0  # the font of the printed (write-only) sheets' cells
THIN = Side(style="thin", color="BFBFBF")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

Widths = Mapping[str, float] | Callable[[str], float]


class Styler:
    """Cells for a write-only sheet. Every cell gets an explicit font size, so the printed size of all text is
    known. openpyxl registers a cell's font, fill, border and alignment in the workbook on every assignment
    (hashing each); a style combination is built once and its style array copied to later cells."""

    def __init__(self, ws: WriteOnlyWorksheet | Worksheet, size: float = BODY_PT):
        self.ws = ws
        self.size = size
        self._styles: dict[tuple[object, ...], StyleArray] = {}

    def cell(self, value: object, *, fill: str | None = None, bold: bool = False, center: bool = False,
             border: bool = False, number_format: str | None = None, font_colour: str | None = None,
             size: float | None = None, wrap: bool = False) -> WriteOnlyCell:
        c = WriteOnlyCell(self.ws)
        key = (fill, bold, center, border, number_format, font_colour, size or self.size, wrap)
        cached = self._styles.get(key)
        if cached is not None:
            c._style = copy(cached)
            return set_cell(c, value)  # input text (names, teams, ids) is text, never a formula (after the style:
            # it may set the quote prefix)
        c.font = Font(bold=bold, color=font_colour, size=size or self.size)
        if fill:
            c.fill = PatternFill("solid", fgColor=fill)
        if center or wrap:
            c.alignment = Alignment(horizontal="center" if center else None, vertical="center",
                                    wrap_text=wrap or None)
        if border:
            c.border = GRID
        if number_format:
            c.number_format = number_format
        self._styles[key] = copy(c._style)
        return set_cell(c, value)

    def header(self, value: object, **style: Any) -> WriteOnlyCell:
        """A header cell: bold on the house fill (`style` as for `cell`, e.g. `center=True`)."""
        return self.cell(value, bold=True, fill=HEADER_FILL, **style)


def cell_value(value: object) -> object:
    """A table value as a cell holds it: missing (None, NaN, NaT) is an empty cell, a pandas time a datetime."""
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def write_table(ws: Worksheet | WriteOnlyWorksheet, columns: Sequence[object], rows: Iterable[Sequence[object]], *,
                row: int | None = None, formats: Mapping[str, str] | None = None, widths: Widths | None = None,
                freeze: str | None = None, autofilter: bool = False) -> int:
    """Write a table: the header (`columns`) in the house style, then `rows`; returns the sheet row after it.

    `row` is the header's sheet row (default: after the sheet's last row, as `ws.append`); `formats` the number
    format of a column's numbers and times; `widths` the column widths, by column letter or as a function of the
    header; `freeze` the top-left cell of the unfrozen pane (e.g. "B2"); `autofilter` a filter over the table.
    A write-only sheet gets its settings before its first row, so the table must be its first content."""
    formats = formats or {}
    names = [str(c) for c in columns]
    _layout(ws, names, widths, freeze)
    if isinstance(ws, WriteOnlyWorksheet):
        return _stream(ws, names, rows, formats)
    top = row if row is not None else (ws.max_row + 1 if ws.max_row > 1 or ws.cell(1, 1).value is not None else 1)
    font, fill = Font(bold=True), PatternFill("solid", fgColor=HEADER_FILL)
    for j, name in enumerate(names, start=1):
        c = write_cell(ws, top, j, name)
        c.font, c.fill = font, fill
    fmt = [formats.get(name) for name in names]
    r = top
    for r, values in enumerate(rows, start=top + 1):
        for j, v in enumerate(values, start=1):
            c = write_cell(ws, r, j, cell_value(v))
            if j <= len(fmt) and fmt[j - 1] and _formattable(c.value):
                c.number_format = fmt[j - 1]
    if autofilter:
        ws.auto_filter.ref = f"A{top}:{get_column_letter(len(names))}{r}"
    return r + 1


def _formattable(value: object) -> bool:
    """A number or a time (a number format means nothing to text, a truth value or an empty cell)."""
    return isinstance(value, (Number, dt.date, dt.time, dt.timedelta)) and not isinstance(value, (bool, np.bool_))


def _layout(ws: Worksheet | WriteOnlyWorksheet, names: list[str], widths: Widths | None, freeze: str | None) -> None:
    if widths is not None:
        letters = [get_column_letter(j) for j in range(1, len(names) + 1)]
        sized = widths.items() if isinstance(widths, Mapping) else zip(letters, map(widths, names))
        for letter, width in sized:
            ws.column_dimensions[letter].width = width
    if freeze:
        ws.freeze_panes = freeze


def _stream(ws: WriteOnlyWorksheet, names: list[str], rows: Iterable[Sequence[object]],
            formats: Mapping[str, str]) -> int:
    """The table on a write-only sheet: every cell from a `Styler` (explicit font size)."""
    s = Styler(ws)
    ws.append([s.header(name) for name in names])
    fmt = [formats.get(name) for name in names]
    n = 1
    for values in rows:
        cells = []
        for j, v in enumerate(values):
            v = cell_value(v)
            f = fmt[j] if j < len(fmt) and _formattable(v) else None
            cells.append(s.cell(v, number_format=f))
        ws.append(cells)
        n += 1
    return n + 1
