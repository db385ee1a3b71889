"""Timestamps of an ACD export: time ranges read as their start (`01:15-01:30`, `2026-11-02 01:15~01:30`), dates
written the Chinese way or as digits, UTC offsets turned into the centre's wall-clock time."""

from __future__ import annotations

import datetime as dt

import re
import zoneinfo
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.errors import Problems
from wfm.readers.tables import drop_implausible_times, report_rows

_TIME = r"\d{1,2}:\d{2}(?::\d{2})?"
_RANGE_SEP = r"\s*(?:[-~～—–－]|至|到)\s*"
# `01:15-01:30`, `01:15 ~ 01:30`, `2026-11-02 01:15-01:30`: the start, the separator and the end of a range
RANGE = re.compile(rf"^(?:(?P<date>.*?\S)(?P<dsep>\s+|T))?(?P<start>{_TIME})(?P<sep>{_RANGE_SEP})(?P<end>{_TIME})$")
TIME_ONLY = re.compile(rf"{_TIME}(?:{_RANGE_SEP}{_TIME})?")
# a date with its year last (`01/11/2026`, `1.11.2026`, `01-11-2026`, `1/11/26` in 2026): day and month in an
# order to decide
YEAR_LAST = r"^(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})(?P<rest>(?:[\sT].*)?)$"


def on_unique(col: pd.Series, func) -> pd.Series:
    """`func` (Series to Series) applied to the distinct values of `col` only: an export repeats its dates and times
    on every row, so this is the work of a few hundred values, not of every row."""
    uniq = pd.Series(col.dropna().unique()).astype("string")
    result = func(uniq)
    return col.map(dict(zip(uniq, result)))


def date_text(col: pd.Series) -> pd.Series:
    """A date column as text `YYYY-MM-DD` where it can be (`2026年11月2日`, `20261102`, a date-time at midnight from
    a workbook); other values are left as written, to be reported when the joined timestamp is read."""
    return on_unique(col.astype("string").str.strip(), _date_text_values).astype("string")


def _date_text_values(text: pd.Series) -> pd.Series:
    text = text.str.replace(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$", r"\1-\2-\3", regex=True)
    text = text.str.replace(r"^(\d{4})(\d{2})(\d{2})$", r"\1-\2-\3", regex=True)
    return text.str.replace(r"[\sT]+0{1,2}:00(?::00(?:\.0+)?)?$", "", regex=True)


def parse_ranges(text: pd.Series, ranges_only: bool = False) -> tuple[pd.Series, pd.Series]:
    """Time ranges (`01:15-01:30`, `2026-11-02 01:15~01:30`) replaced by their start; also the range lengths in
    minutes (NaN where not a range). A bare `-` with a `T` before the time (`2026-11-02T08:00-01:30`) or with
    differently written ends (`08:00:00-05:00`) is a UTC offset, as it is where other values carry `+08:00` or `Z`,
    or where the "range" would be longer than 4 hours; never when `ranges_only` (a time column joined to a date)."""
    parts = text.str.extract(RANGE)
    is_range = parts["start"].notna()
    if not is_range.any():
        return text, pd.Series(np.nan, index=text.index)

    def minutes(s: pd.Series) -> pd.Series:
        hms = s.str.extract(r"^(\d+):(\d+)(?::(\d+))?$").astype("float64")
        return hms[0] * 60 + hms[1] + hms[2].fillna(0) / 60

    start = on_unique(parts["start"].where(is_range, "0:00"), minutes).astype("float64")
    end = on_unique(parts["end"].where(is_range, "0:00"), minutes).astype("float64")
    length = (end - start) % 1440
    bare = parts["sep"] == "-"
    offsets_elsewhere = text.str.contains(r"(?:\+\d{2}:?\d{2}|Z)$", regex=True).fillna(False).any()
    same_shape = parts["start"].str.count(":") == parts["end"].str.count(":")
    offset_like = bare & (offsets_elsewhere | (parts["dsep"] == "T") | ~same_shape | (length > 240) | (length == 0))
    if not ranges_only:
        is_range = (is_range & ~offset_like.fillna(False)).astype(bool)
    date = parts["date"].fillna("")
    start_text = (date + " " + parts["start"]).str.strip()
    return text.where(~is_range, start_text), length.where(is_range)


def range_minutes(lengths: pd.Series) -> int | None:
    """The interval length the time ranges state (the most common one, if it divides a day), or None."""
    seen = lengths.dropna()
    if seen.empty:
        return None
    mode = float(seen.mode().iloc[0])
    if mode != int(mode) or mode <= 0 or 1440 % int(mode) or (seen == mode).mean() <= 0.5:
        return None
    return int(mode)


def check_range_lengths(col: pd.Series, lengths: pd.Series, minutes: int, path: Path,
                         problems: Problems) -> None:
    bad = lengths.notna() & (lengths != minutes)
    if not bad.any():
        return
    first = int(bad[bad].index[0])
    n = int(bad.sum())
    problems.warning(path, f"{n} time range{'s' if n > 1 else ''} not {minutes} minutes long like the file's "
                           f"intervals (e.g. {str(col[first]).strip()!r} at row {first + 2}): read as the interval "
                           f"starting at the range's start", column="interval_start")


def parse_times(col: pd.Series, path: Path, timezone: str | None, problems: Problems, *,
                 ranges_only: bool = False, near: dt.date | None = None) -> tuple[pd.Series, pd.Series]:
    """The timestamps (datetime64, NaT where not readable) and the lengths in minutes of those given as ranges
    (`near`: the day the dates should be about, for year-last dates their own numbers cannot order)."""
    text = col.astype("string").str.strip()
    missing = text.isna() | (text == "")
    report_rows(problems, path, missing, "interval_start", "missing timestamp")
    if text.str.contains("年", regex=False).any():
        text = text.str.replace(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?", r"\1-\2-\3", regex=True)
    text = year_last_dates(text, path, problems, "interval_start", near=near)
    text, lengths = parse_ranges(text, ranges_only)
    no_date = text.str.fullmatch(_TIME).fillna(False).astype(bool)
    report_rows(problems, path, no_date, "interval_start",
                "a time without a date (give the date in the same column or in a 日期/date column)")
    text = text.mask(no_date, pd.NA)
    offset = text.str.extract(r"([+-]\d{2}:?\d{2}|Z)$")[0]
    has_offset = offset.notna()
    if has_offset.any():
        report_rows(problems, path, ~has_offset & ~missing, "interval_start",
                    "timestamp without a UTC offset in a file whose other timestamps have one")
        utc = pd.to_datetime(text.where(has_offset), errors="coerce", utc=True, format="ISO8601")
        if timezone:
            parsed = utc.dt.tz_convert(zoneinfo.ZoneInfo(timezone)).dt.tz_localize(None)
        elif offset[has_offset].nunique() == 1:
            # one fixed offset: keep the wall-clock time as written
            parsed = pd.to_datetime(text.str.replace(r"([+-]\d{2}:?\d{2}|Z)$", "", regex=True),
                                    errors="coerce", format="ISO8601")
        else:
            problems.error(path, "timestamps carry different UTC offsets (a daylight-saving change?); give the "
                                 "centre's config so they can be read in its timezone", column="interval_start")
            parsed = utc.dt.tz_localize(None)
    else:
        parsed = pd.to_datetime(text, errors="coerce", format="mixed")
    report_rows(problems, path, parsed.isna() & ~missing & ~no_date & (has_offset | ~has_offset.any()),
                "interval_start", "not a date-time (expected e.g. 2026-12-01T08:15:00)")
    return drop_implausible_times(parsed, problems, path, "interval_start"), lengths


def year_last_dates(text: pd.Series, path: Path, problems: Problems, column: str, *,
                    near: dt.date | None = None) -> pd.Series:
    """Dates written with the year last (`01/11/2026 08:00`) rewritten as ISO in one order for the whole column:
    day first when a first number passes 12, month first when a second one does, and when none does the order
    that keeps the dates closer together, then the one closer to `near` when given (a warning when neither
    tells). Both in one column is an error. Row by row (pandas' "mixed" format) a day-first export would be read
    half one way and half the other."""
    values = pd.Series(text.dropna().unique(), dtype="string")  # an export repeats each time per queue
    iso = _year_last_iso(values, path, problems, column, near)
    if iso is None:
        return text
    return text.map(dict(zip(values, iso))).astype("string").fillna(text)


def _year_last_iso(text: pd.Series, path: Path, problems: Problems, column: str,
                   near: dt.date | None) -> pd.Series | None:
    parts = text.str.extract(YEAR_LAST)
    has = parts["a"].notna()
    if not has.any():
        return None
    a, b = parts.loc[has, "a"].astype(int), parts.loc[has, "b"].astype(int)
    day_first, month_first = bool((a > 12).any()), bool((b > 12).any())
    if day_first and month_first:
        problems.error(path, f"dates written day first ({text[has][a > 12].iloc[0]}) and month first "
                             f"({text[has][b > 12].iloc[0]}) in one column; write them as YYYY-MM-DD",
                       column=column)
        return None
    year = parts.loc[has, "year"].astype(int)
    year = year.where(year >= 100, year + 2000)
    if not day_first and not month_first:
        spans = [_span(year, m, d) for m, d in ((b, a), (a, b))]  # day first, month first
        if spans[0] == spans[1] and near is not None:  # e.g. one day's intraday actuals: the day asked about
            spans = [_span(year, m, d, near) for m, d in ((b, a), (a, b))]
        day_first = spans[0] < spans[1]
        if spans[0] == spans[1] and (a != b).any():
            problems.warning(path, f"dates such as {text[has][a != b].iloc[0]} could be day or month first; read "
                                   "month first (write them as YYYY-MM-DD to be sure)", column=column)
    month, day = (b, a) if day_first else (a, b)
    iso = (year.astype(str) + "-" + month.astype(str).str.zfill(2) + "-" + day.astype(str).str.zfill(2)
           + parts.loc[has, "rest"].fillna("").str.replace(r"^T", " ", regex=True))
    return text.where(~has, iso)


def _span(year: pd.Series, month: pd.Series, day: pd.Series, near: dt.date | None = None) -> float:
    """Days from the first to the last date, `near` counted among them when given (infinite when some are not
    dates in this order)."""
    dates = pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": day}), errors="coerce")
    if dates.isna().any():
        return float("inf")
    first, last = dates.min(), dates.max()
    if near is not None:
        first, last = min(first, pd.Timestamp(near)), max(last, pd.Timestamp(near))
    return float((last - first).days)
