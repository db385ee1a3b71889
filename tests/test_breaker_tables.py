"""Plain tables in workbooks (intraday's Re-forecast, adherence's sheets): a missing date or time is an empty
cell, never the text "NaT"."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from openpyxl import load_workbook

from wfm.publish.workbook import write_tables_workbook


def test_a_missing_time_is_an_empty_cell(tmp_path):
    table = pd.DataFrame({"queue": ["billing", "vip"],
                          "surge_since": [pd.Timestamp("2026-12-01 09:15"), pd.NaT],
                          "day": [dt.date(2026, 12, 1), None],
                          "surge_level": [1.5, np.nan]})
    path = write_tables_workbook(tmp_path / "t.xlsx", [("Re-forecast", table)])
    rows = list(load_workbook(path)["Re-forecast"].iter_rows(values_only=True))
    assert rows == [("queue", "surge_since", "day", "surge_level"),
                    ("billing", "2026-12-01T09:15:00", "2026-12-01", 1.5),
                    ("vip", None, None, None)]
