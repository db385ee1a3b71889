"""Cells for the write-only sheets of the roster workbook: fonts, fills and borders, cached."""

from __future__ import annotations

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from wfm.publish.layout import BODY_PT
from wfm.safe_text import set_cell

HEADER_FILL = "DDEBF7"
WEEKEND_FILL = "EDEDED"
HOLIDAY_FILL = "FCE4D6"
THIN = Side(style="thin", color="BFBFBF")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


class Styler:
    """Cells for a write-only sheet, with fonts, fills and alignments cached (openpyxl styles are expensive to
    create). Every cell gets an explicit font size, so the printed size of all text is known."""

    def __init__(self, ws: Worksheet, size: float = BODY_PT):
        self.ws = ws
        self.size = size
        self._fills: dict[str, PatternFill] = {}
        self._fonts: dict[tuple, Font] = {}
        self._aligns: dict[tuple, Alignment] = {}

    def cell(self, value, *, fill: str | None = None, bold: bool = False, center: bool = False,
             border: bool = False, number_format: str | None = None, font_colour: str | None = None,
             size: float | None = None, wrap: bool = False) -> WriteOnlyCell:
        c = set_cell(WriteOnlyCell(self.ws), value)  # input text (names, teams, ids) is text, never a formula
        key = (bold, font_colour, size or self.size)
        c.font = self._fonts.setdefault(key, Font(bold=bold, color=font_colour, size=size or self.size))
        if fill:
            c.fill = self._fills.setdefault(fill, PatternFill("solid", fgColor=fill))
        if center or wrap:
            a = (center, wrap)
            c.alignment = self._aligns.setdefault(a, Alignment(horizontal="center" if center else None,
                                                               vertical="center", wrap_text=wrap or None))
        if border:
            c.border = GRID
        if number_format:
            c.number_format = number_format
        return c
