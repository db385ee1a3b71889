"""Special days as a scheduler knows them (bill mailings, deadlines, campaigns, planned outages): a table of
dated events, `start, label` with an optional `end` (inclusive) for events that last several days."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from wfm.errors import Problems
from wfm.readers.tables import normalise_columns, read_table, report_rows

ALIASES = {"date": "start", "from": "start", "to": "end", "日期": "start", "开始日期": "start", "结束日期": "end",
           "开始": "start", "结束": "end", "name": "label", "event": "label", "事件": "label", "标签": "label"}
MAX_SPAN_DAYS = 366


def read_special_days(path: str | Path) -> dict[dt.date, str]:
    """`{date: "label"}` from a CSV or XLSX of `start, end, label` rows (`end` optional, inclusive; ISO dates).
    A day with several events carries their labels joined by `;`. Labels are reduced to letters, digits, `_`
    and `-`."""
    path = Path(path)
    problems = Problems()
    raw = read_table(path, what="special days")
    if "label" in [c.lower() for c in raw.columns] and "event" in [c.lower() for c in raw.columns]:
        raw = raw.drop(columns=[c for c in raw.columns if c.lower() == "event"])  # the label is the short name
    raw = normalise_columns(raw, path=path, aliases=ALIASES, required=["start", "label"], optional=["end"],
                            problems=problems)
    problems.raise_if_errors()
    start = _dates(raw["start"])
    end = _dates(raw["end"]) if "end" in raw else start
    blank_end = raw["end"].isna() | (raw["end"].astype("string").str.strip() == "") if "end" in raw else None
    if blank_end is not None:
        end = end.where(~blank_end, start)
        report_rows(problems, path, end.isna() & ~blank_end, "end", "not a date (expected e.g. 2026-12-01)")
    label = raw["label"].astype("string").str.strip().fillna("")
    clean = label.map(lambda s: re.sub(r"[^\w\-]+", "_", s, flags=re.UNICODE).strip("_"))
    report_rows(problems, path, start.isna(), "start", "not a date (expected e.g. 2026-12-01; day/month orders "
                                                       "such as 02/03/2026 are ambiguous and not read)")
    report_rows(problems, path, clean == "", "label", "missing label")
    ok = start.notna() & end.notna()
    report_rows(problems, path, ok & (end < start), "end", "ends before it starts")
    report_rows(problems, path, ok & ((end - start).dt.days > MAX_SPAN_DAYS), "end",
                f"lasts more than {MAX_SPAN_DAYS} days")
    problems.raise_if_errors()
    days: dict[dt.date, list[str]] = {}
    for a, b, lab in zip(start, end, clean):
        for d in pd.date_range(a.normalize(), b.normalize(), freq="D"):
            labels = days.setdefault(d.date(), [])
            if lab not in labels:
                labels.append(lab)
    return {d: ";".join(v) for d, v in sorted(days.items())}


def _dates(col: pd.Series) -> pd.Series:
    """ISO dates (`2026-12-01`, `2026/12/01`, or a spreadsheet date at midnight); anything else is NaT."""
    text = col.astype("string").str.strip()
    parts = text.str.extract(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T]0{1,2}:00(?::00(?:\.0+)?)?)?$")
    day = parts[0] + "-" + parts[1].str.zfill(2) + "-" + parts[2].str.zfill(2)  # NA where not such a date
    return pd.to_datetime(day, errors="coerce", format="%Y-%m-%d")
