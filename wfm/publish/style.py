"""Cells for the write-only sheets of the roster workbook: fonts, fills and borders, cached."""

from __future__ import annotations

from copy import copy

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet.worksheet import Worksheet

from wfm.publish.layout import BODY_PT
from wfm.safe_text import set_cell

HEADER_FILL = "DDEBF7"
WEEKEND_FILL = "EDEDED"
HOLIDAY_FILL = "FCE4D6"
THIN = Side(style="thin", color="BFBFBF")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


class Styler:
    """Cells for a write-only sheet. Every cell gets an explicit font size, so the printed size of all text is
    known. openpyxl registers a cell's font, fill, border and alignment in the workbook on every assignment
    (hashing each); a style combination is built once and its style array copied to later cells."""

    def __init__(self, ws: Worksheet, size: float = BODY_PT):
        self.ws = ws
        self.size = size
        self._styles: dict[tuple, StyleArray] = {}

    def cell(self, value, *, fill: str | None = None, bold: bool = False, center: bool = False,
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
