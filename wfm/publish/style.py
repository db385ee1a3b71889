"""Cells for the write-only sheets of the roster workbook: the house style (`wfm.xlsx_table`) and the roster's
day shades."""

from __future__ import annotations

from wfm.xlsx_table import GRID, HEADER_FILL, THIN, Styler

WEEKEND_FILL = "EDEDED"
HOLIDAY_FILL = "FCE4D6"

__all__ = ["GRID", "HEADER_FILL", "HOLIDAY_FILL", "THIN", "WEEKEND_FILL", "Styler"]
