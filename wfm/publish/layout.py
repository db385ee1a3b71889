"""Page geometry of the printed workbook: paper, margins, column widths in points, pages across.

Sheets HR prints are set to a fixed 100% scale (never "fit to page", which shrinks text below legibility) with
page breaks placed here, so the smallest text on paper is the smallest font used.
"""

from __future__ import annotations

import re
import unicodedata

from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

A4, A3 = 9, 8  # openpyxl / SpreadsheetML paper size codes
PAPER_MM = {A4: (210.0, 297.0), A3: (297.0, 420.0)}
MARGIN_IN = {"left": 0.3, "right": 0.3, "top": 0.6, "bottom": 0.6, "header": 0.25, "footer": 0.25}
MIN_PRINT_PT = 8.0  # smallest legible text on paper
SMALL_PT = 8.0  # notes and the machine-read date row


def column_points(width_chars: float) -> float:
    """Printed width of a column `width_chars` wide, the wider of Excel's (Calibri 11: 7 px a character plus
    5 px padding, at 96 px an inch) and LibreOffice's where Calibri is missing (DejaVu Sans: 7 pt a character)."""
    return max(excel_column_points(width_chars), width_chars * 7.0)


def excel_column_points(width_chars: float) -> float:
    """Printed width of a column `width_chars` wide in Excel (the narrower reading: for placing charts)."""
    return (int(width_chars * 7 + 0.5) + 5) * 0.75


def display_width(value: object) -> int:
    """Characters a text needs in a column: a CJK (wide) character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(value))


def wrap_text(value: str, width: int) -> list[str]:
    """`value` in lines of at most `width` display characters (a CJK character counts two), broken at spaces
    where there are any."""
    lines, line = [], ""
    for token in re.findall(r"\S+\s*|\s+", value):
        pieces = [token] if display_width(token.rstrip()) <= width else list(token)
        for piece in pieces:
            if line and display_width(line + piece.rstrip()) > width:
                lines.append(line.rstrip())
                line = ""
            line += piece
    return lines + ([line.rstrip()] if line.strip() else [])


def printable_width(paper: int, landscape: bool) -> float:
    """Width in points between the left and right margins."""
    short, long_ = PAPER_MM[paper]
    return (long_ if landscape else short) * 72 / 25.4 - (MARGIN_IN["left"] + MARGIN_IN["right"]) * 72


def pages_across(group_widths: list[float], fixed: float, repeated: float, page: float) -> list[int]:
    """Where to break a row of column groups across pages: the first page holds the `fixed` columns and as many
    groups as fit, each later page the `repeated` title columns and as many as fit (at least one). Returns the
    group indices that start a new page."""
    breaks, used = [], fixed
    for i, w in enumerate(group_widths):
        if used + w > page and used > (fixed if not breaks else repeated):
            breaks.append(i)
            used = repeated
        used += w
    return breaks


def paper_and_breaks(group_widths: list[float], fixed: float, repeated: float) -> tuple[int, list[int]]:
    """The landscape paper (A4 or A3) that prints the column groups on the fewest pages across with every page
    fitting (A4 on a tie), and the group indices that start a page (see `pages_across`)."""
    best = None
    for paper in (A4, A3):
        page = printable_width(paper, landscape=True)
        starts = pages_across(group_widths, fixed, repeated, page)
        bounds = [0] + starts + [len(group_widths)]
        widths = [(fixed if i == 0 else repeated) + sum(group_widths[a:b]) for i, (a, b) in
                  enumerate(zip(bounds, bounds[1:]))]
        fits = all(w <= page for w in widths)
        key = (not fits, len(starts))
        if best is None or key < best[0]:
            best = (key, paper, starts)
    return best[1], best[2]


def print_setup(ws: Worksheet, *, paper: int, landscape: bool = True, title_rows: str | None = None,
                title_cols: str | None = None, header: str = "", footer: str = "", fit_width: bool = False) -> None:
    """Paper, margins, 100% scale (or fit to the page width for sheets of prose), print titles, header and
    footer (`&P` page number, `&N` pages). Write-only sheets need this before their first row."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = paper
    for side, inches in MARGIN_IN.items():
        setattr(ws.page_margins, side, inches)
    if fit_width:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    else:
        ws.page_setup.scale = 100
        ws.sheet_properties.pageSetUpPr.fitToPage = False
    if title_rows:
        ws.print_title_rows = title_rows
    if title_cols:
        ws.print_title_cols = title_cols
    if header:
        ws.oddHeader.center.text = header
        ws.oddHeader.center.size = 10
    if footer:
        ws.oddFooter.center.text = footer
        ws.oddFooter.center.size = 9


def break_rows(ws: Worksheet, rows: list[int]) -> None:
    """Manual page breaks after each of `rows` (sheet row numbers)."""
    for r in rows:
        ws.row_breaks.append(Break(id=r))


def break_columns(ws: Worksheet, cols: list[int]) -> None:
    """Manual page breaks after each of `cols` (column numbers, A = 1)."""
    for c in cols:
        ws.col_breaks.append(Break(id=c))
