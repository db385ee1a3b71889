"""The ACD history: one row per interval per queue (`interval_start, queue, offered`, optional extras)."""

from __future__ import annotations

import datetime as dt

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.errors import InputError, Problem, Problems
from wfm.readers.acd_times import (TIME_ONLY, check_range_lengths, date_text, on_unique, parse_times,
                                   range_minutes)
from wfm.readers.tables import header_below_titles, limit, normalise_columns, read_table, report_rows
from wfm.readers.totals import TOTALS  # totals rows: skipped, never read as an interval

REQUIRED = ["interval_start", "queue", "offered"]
COUNTS = ["handled", "abandoned"]
SECONDS = ["aht_s", "asa_s"]
OPTIONAL = COUNTS + SECONDS + ["service_level"]
MAX_CALLS = 1_000_000  # per interval per queue: more than any centre sees
MAX_SECONDS = 4 * 3600
MAX_AHT_SECONDS = 2 * 3600  # an interval's mean handle time above 2 h is a stuck call, not a pattern
MAX_LISTED = 20  # unknown queue names listed one by one; the rest are counted

# Headers seen in ACD exports (Chinese systems and common vendors) mapped to contract names.
ALIASES = {
    "时间": "interval_start", "时间段": "interval_start", "开始时间": "interval_start", "时段开始": "interval_start",
    "日期时间": "interval_start", "interval": "interval_start", "start_time": "interval_start",
    "时段": "interval_start", "时间区间": "interval_start",
    "技能组": "queue", "队列": "queue", "技能": "queue", "skill": "queue", "split": "queue",
    "呼入量": "offered", "来电量": "offered", "进线量": "offered", "呼入数": "offered", "calls_offered": "offered",
    "calls": "offered",
    "接通量": "handled", "接听量": "handled", "calls_handled": "handled",
    "放弃量": "abandoned", "呼损量": "abandoned", "calls_abandoned": "abandoned",
    "平均处理时长": "aht_s", "平均处理时长(秒)": "aht_s", "aht": "aht_s",
    "平均应答时长": "asa_s", "平均应答时长(秒)": "asa_s", "asa": "asa_s",
    "服务水平": "service_level", "接通率": "service_level", "sl": "service_level",
}
# A separate date column of an ACD export: joined to the time column (times or time ranges) as interval_start.
DATE_NAMES = {"日期", "date", "统计日期", "报表日期", "业务日期"}
TIME_NAMES = {"time", "时间范围"}  # read as the time column only beside a date column
MIN_DAYS = 14  # fewer days of history than this: no weekly pattern to learn (forecast and backtest warn)


@dataclass
class History:
    """A validated history: the long frame, its interval length and the warnings found."""

    frame: pd.DataFrame
    interval_minutes: int
    warnings: list[Problem] = field(default_factory=list)

    @property
    def queues(self) -> list[str]:
        return sorted(self.frame["queue"].unique())


def read_history(path: str | Path, *, queues: set[str] | None = None, interval_minutes: int | None = None,
                 timezone: str | None = None, min_days: int | None = None,
                 acd_names: Mapping[str, str] | None = None, near: dt.date | None = None) -> History:
    """Read and validate an ACD interval export (CSV or XLSX, UTF-8 or GBK).

    Errors (raised together as `InputError`): missing columns, bad timestamps or counts, negative or
    fractional counts, duplicates, times off the interval grid, unknown queues. Gaps are warnings, and so are
    implausible values in the optional measurements (`aht_s`, `asa_s`, `service_level`: a stuck call of
    hours, a negative time, an AHT of 0 s with calls handled), which are left out (NaN) with the row kept.
    `timezone` (the centre's) is used to turn timestamps with UTC offsets into local wall-clock time.

    Chinese ACD exports are read as they come: an interval given as a time range (`01:15-01:30`, `01:15~01:30`,
    with or without a date in front) is read as its start; a date column (日期, 统计日期, ...) beside a time column
    (时间段, 时间, ...) holding only times or ranges is joined to it; totals rows (合计, 总计, 小计, 汇总, Total, Sum
    in the date, time or queue column) are skipped with one warning. `min_days` (the forecast's 14): a history
    covering fewer days than this gets a warning that weekly and holiday patterns cannot be learned.
    `acd_names` maps the ACD's queue names (技能组 `10086账务`, matched without regard to case) to the config's
    queues (`billing`), before unknown queues are looked for.
    """
    path = Path(path)
    problems = Problems()
    raw = read_table(path, what="history")
    raw = header_below_titles(raw, path=path, aliases=ALIASES, required=REQUIRED, problems=problems)
    raw = _skip_totals(raw, path, problems)
    raw, joined = _join_date_and_time(raw, path, problems)
    raw = normalise_columns(raw, path=path, aliases=ALIASES, required=REQUIRED, optional=OPTIONAL,
                            problems=problems)
    problems.raise_if_errors()
    frame = pd.DataFrame(index=raw.index)
    frame["interval_start"], lengths = parse_times(raw["interval_start"], path, timezone, problems,
                                                    ranges_only=joined, near=near)
    frame["queue"] = _parse_queue(raw["queue"], path, queues, problems, acd_names)
    frame["offered"] = _parse_numbers(raw["offered"], path, "offered", problems, integer=True, hi=MAX_CALLS)
    for col in COUNTS:
        if col in raw:
            frame[col] = _parse_numbers(raw[col], path, col, problems, integer=True, hi=MAX_CALLS)
    for col in SECONDS:
        if col in raw:
            frame[col] = _parse_measure(raw[col], path, col, problems,
                                        hi=MAX_AHT_SECONDS if col == "aht_s" else MAX_SECONDS)
    if "service_level" in raw:
        frame["service_level"] = _parse_measure(raw["service_level"], path, "service_level", problems, hi=1.0,
                                                percent=True)
    if "aht_s" in frame:
        served = frame["handled"] if "handled" in frame else frame["offered"]
        _leave_out(problems, path, frame, "aht_s", (frame["aht_s"] == 0) & (served > 0),
                   "an AHT of 0 s on an interval with handled calls")
    if "handled" in frame:
        report_rows(problems, path, frame["handled"] > frame["offered"], "handled", "more calls handled than offered")
    if not problems.errors:
        frame = _merge_clock_repeats(frame, raw["interval_start"], path, problems)
    _check_duplicates(frame, path, problems)
    own = None
    if interval_minutes is not None and not problems.errors:
        frame, own = _to_config_intervals(frame, interval_minutes, range_minutes(lengths), path, problems)
    minutes = _check_grid(frame, path, interval_minutes, problems, hint=range_minutes(lengths))
    check_range_lengths(raw["interval_start"], lengths, own or minutes, path, problems)
    problems.raise_if_errors()
    frame = frame.sort_values(["queue", "interval_start"], kind="stable").reset_index(drop=True)
    for col in ["offered"] + [c for c in COUNTS if c in frame]:
        frame[col] = frame[col].astype("int64")
    _warn_gaps(frame, path, minutes, problems)
    if min_days:
        _warn_short(frame, path, min_days, problems)
    return History(frame, minutes, problems.warnings)


def _role(column: str) -> str | None:
    """The contract name a header maps to (as `normalise_columns` maps it), or None."""
    key = column.strip().lower().replace(" ", "_")
    if key in REQUIRED or key in OPTIONAL:
        return key
    return ALIASES.get(column.strip()) or ALIASES.get(key)


def _is_date_column(column: str) -> bool:
    return column.strip().lower() in DATE_NAMES


def _skip_totals(raw: pd.DataFrame, path: Path, problems: Problems) -> pd.DataFrame:
    """Drop the totals rows of an ACD export (合计/总计/小计/汇总/Total/Sum in a date, time or queue cell), with
    one warning (the count and the first row). The rows keep their index, so later row numbers stay the file's."""
    columns = [c for c in raw.columns if _role(c) in ("interval_start", "queue") or _is_date_column(c)
               or c.strip().lower() in TIME_NAMES]
    mask = pd.Series(False, index=raw.index)
    first_cell = {}
    for c in columns:
        text = raw[c].astype("string").str.strip()
        hit = text.str.fullmatch(TOTALS).fillna(False).astype(bool)
        for idx in hit.index[hit & ~mask][:1]:
            first_cell[idx] = (c, text[idx])
        mask |= hit
    if not mask.any():
        return raw
    first = int(mask[mask].index[0])
    column, cell = first_cell.get(first, (columns[0], ""))
    n = int(mask.sum())
    problems.warning(path, f"{n} totals row{'s' if n > 1 else ''} ({cell!r} in column '{column}', first at row "
                           f"{first + 2}) skipped: a sum of other rows, not an interval", column=column)
    if mask.all():
        raise InputError(problems.items + [Problem(str(path), "the history has only totals rows, no intervals")])
    return raw.loc[~mask]


def _join_date_and_time(raw: pd.DataFrame, path: Path, problems: Problems) -> tuple[pd.DataFrame, bool]:
    """A date column (日期, date, 统计日期, 报表日期) beside one time column holding only times or time ranges
    (时间段 `01:15-01:30`, 时间 `01:15`): joined into one `interval_start` column (`2026-11-02 01:15-01:30`); also
    whether they were (then a `-01:30` is a range's end, never a UTC offset)."""
    dates = [c for c in raw.columns if _is_date_column(c)]
    times = [c for c in raw.columns if _role(c) == "interval_start" or c.strip().lower() in TIME_NAMES]
    if len(dates) != 1 or len(times) != 1:
        return raw, False
    (date_col,), (time_col,) = dates, times
    t = raw[time_col].astype("string").str.strip()
    present = t.notna() & (t != "")
    if not present.any() or not pd.Series(t[present].unique()).str.fullmatch(TIME_ONLY).fillna(False).all():
        return raw, False  # the time column holds dates too: the date column is not needed (reported as unused)
    d = date_text(raw[date_col])
    no_date = (d.isna() | (d == "")) & present
    report_rows(problems, path, no_date, date_col, "missing date (the time column holds times without a date)")
    joined = (d + " " + t).where(present & ~no_date)
    out = raw.drop(columns=[date_col, time_col])
    out.insert(0, "interval_start", joined.astype(object))
    return out, True


def _warn_short(frame: pd.DataFrame, path: Path, min_days: int, problems: Problems) -> None:
    days = int(frame["interval_start"].dt.normalize().nunique())
    if days < min_days:
        problems.warning(path, f"{days} day{'s' if days != 1 else ''} of history ({len(frame)} row"
                               f"{'s' if len(frame) != 1 else ''}): weekly and holiday patterns cannot be learned "
                               f"from fewer than {min_days} days; the forecast repeats the days seen",
                         column="interval_start")


def _parse_queue(col: pd.Series, path: Path, queues: set[str] | None, problems: Problems,
                 acd_names: Mapping[str, str] | None = None) -> pd.Series:
    q = col.astype("string").str.strip()
    if acd_names:
        lookup = {str(k).strip().casefold(): str(v) for k, v in acd_names.items()}
        mapped = on_unique(q, lambda names: names.str.casefold().map(lookup))
        q = q.where(mapped.isna(), mapped.astype("string"))
    if queues:  # `BILLING` or `Billing` in the export is the config's `billing` (when no other queue is)
        by_case: dict[str, list[str]] = {}
        for name in queues:
            by_case.setdefault(name.casefold(), []).append(name)
        lookup = {k: v[0] for k, v in by_case.items() if len(v) == 1}
        mapped = on_unique(q, lambda names: names.str.casefold().map(lookup))
        q = q.where(mapped.isna(), mapped.astype("string"))
    report_rows(problems, path, q.isna() | (q == ""), "queue", "missing queue name")
    named = q.notna() & (q != "")
    n_names, cap = q[named].nunique(), limit("WFM_MAX_QUEUES")
    if n_names > cap:  # each queue is fitted on its own: thousands of one-row queues would run for hours
        problems.error(path, f"{n_names:,} different queue names, over the limit of {cap:,} (is the queue column "
                             f"right? raise the limit with the environment variable WFM_MAX_QUEUES if the file is "
                             f"genuine)", column="queue")
    elif queues is not None:
        unknown = sorted(q[~q.isin(sorted(queues)) & named].unique())
        hint = " or its acd_names" if acd_names is not None else ""
        for name in unknown[:MAX_LISTED]:
            rows = list(q.index[q == name][:5] + 2)
            problems.error(path, f"queue '{name}' is not in the config{hint} (known: {', '.join(sorted(queues))}); "
                                 f"first rows: {', '.join(map(str, rows))}", column="queue")
        if len(unknown) > MAX_LISTED:
            problems.error(path, f"and {len(unknown) - MAX_LISTED:,} more queues not in the config", column="queue")
    return q.astype(object)


def _parse_numbers(col: pd.Series, path: Path, name: str, problems: Problems, *, integer: bool,
                   hi: float) -> pd.Series:
    text = col.astype("string").str.strip()
    empty = text.isna() | (text == "")
    # a comma is a thousands separator only in groups of three (1,234): `1,5` is never read as 15
    grouped = text.str.fullmatch(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?").fillna(False)
    values = pd.to_numeric(text.where(~grouped, text.str.replace(",", "", regex=False)), errors="coerce")
    stray_comma = values.isna() & ~empty & text.str.contains(",", regex=False).fillna(False)
    report_rows(problems, path, stray_comma, name, "not a number: a comma here is no thousands separator (1,234)")
    report_rows(problems, path, values.isna() & ~empty & ~stray_comma, name, "not a number")
    if name == "offered":
        report_rows(problems, path, empty, name, "missing value")
    ok = values.notna()
    report_rows(problems, path, ok & (values < 0), name, "negative value")
    if integer:
        report_rows(problems, path, ok & (values >= 0) & (values != np.round(values)), name,
                    "not a whole number of calls")
    report_rows(problems, path, ok & (values > hi), name, f"out of range (more than {hi:g})")
    return values.astype("float64")


def _parse_measure(col: pd.Series, path: Path, name: str, problems: Problems, *, hi: float,
                   percent: bool = False) -> pd.Series:
    """An optional measurement column (`aht_s`, `asa_s`, `service_level`): implausible values are warnings and
    left out (NaN), never errors, so that one stuck call in an ACD export does not stop a forecast. A decimal
    comma (`280,5`) is read as a decimal point. For `percent` columns a value written with `%` is a
    percentage; plain numbers are fractions, or percentages when most of them are above 1 (then the plain
    values between 0 and 1 are ambiguous and left out)."""
    text = col.astype("string").str.strip()
    empty = text.isna() | (text == "")
    pct = text.str.endswith("%").fillna(False) if percent else pd.Series(False, index=text.index)
    text = text.str.rstrip("%").str.strip() if percent else text
    decimal_comma = text.str.fullmatch(r"-?\d+,\d{1,2}").fillna(False)
    if decimal_comma.any():
        first, n = int(decimal_comma.idxmax()), int(decimal_comma.sum())
        problems.warning(path, f"{n} value{'s' if n > 1 else ''} written with a decimal comma read as decimal "
                               f"(e.g. '{text[first]}'), first at row {first + 2}", column=name)
    text = text.where(~decimal_comma, text.str.replace(",", ".", regex=False))
    if not percent:
        seconds = _duration_seconds(text)
        if seconds.notna().any():
            first, n = int(seconds.first_valid_index()), int(seconds.notna().sum())
            problems.warning(path, f"{n} value{'s' if n > 1 else ''} written as durations read as seconds (e.g. "
                                   f"'{text[first]}' = {seconds[first]:g} s), first at row {first + 2}", column=name)
            text = text.where(seconds.isna(), seconds.astype("string"))
    values = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce").astype("float64")
    frame = pd.DataFrame({name: values})
    _leave_out(problems, path, frame, name, values.isna() & ~empty, "a value that is not a number")
    if percent:
        plain = values.notna() & ~pct
        above = plain & (values > 1)
        as_percent = plain.any() and above.sum() > 0.5 * (plain & (values != 0)).sum()
        if as_percent:
            ambiguous = plain & (values > 0) & (values <= 1)
            _leave_out(problems, path, frame, name, ambiguous,
                       "a value between 0 and 1 in a column of percentages (0.85% or 85%?)")
            problems.warning(path, f"{int(plain.sum())} values without a % sign read as percentages "
                                   f"(e.g. {values[above].iloc[0]:g} = {values[above].iloc[0] / 100:g})", column=name)
            frame[name] = frame[name].where(~plain, frame[name] / 100)
        frame[name] = frame[name].where(~pct, frame[name] / 100)
    unit = "" if percent else " s"
    _leave_out(problems, path, frame, name, frame[name] < 0, "a negative value")
    _leave_out(problems, path, frame, name, frame[name] > hi, f"an implausible value (more than {hi:g}{unit})")
    return frame[name]


# a duration as ACD reports write one: 00:03:45, 0:04:05.5, 3:45 (minutes and seconds), 1小时2分3秒, 3分45秒
_CLOCK = r"^(?:(?P<h>\d+):)?(?P<m>\d{1,2}):(?P<s>\d{1,2}(?:\.\d+)?)$"
_WORDS = r"^(?:(?P<h>\d+)\s*小?时)?\s*(?:(?P<m>\d+)\s*分钟?)?\s*(?:(?P<s>\d+(?:\.\d+)?)\s*秒)?$"


def _duration_seconds(text: pd.Series) -> pd.Series:
    """Seconds of the values written as durations (minutes and seconds under 60 on a clock), NaN for the
    others."""
    out = pd.Series(np.nan, index=text.index)
    for pattern in (_CLOCK, _WORDS):
        parts = text.str.extract(pattern).astype("float64")
        given = parts.notna().any(axis=1) & out.isna()
        secs = parts["h"].fillna(0) * 3600 + parts["m"].fillna(0) * 60 + parts["s"].fillna(0)
        on_clock = (parts["m"].fillna(0) < 60) & (parts["s"].fillna(0) < 60) if pattern == _CLOCK else True
        out = out.where(~(given & on_clock), secs)
    return out


def _leave_out(problems: Problems, path: Path, frame: pd.DataFrame, column: str, mask: pd.Series,
               what: str) -> None:
    """Warn once for all rows of `mask` (a count and the first row as an example) and blank their value."""
    mask = mask.fillna(False).astype(bool)
    if not mask.any():
        return
    first = int(mask[mask].index[0])
    example = frame.loc[first, column]
    shown = "" if pd.isna(example) else f" ({example:g})"
    n = int(mask.sum())
    problems.warning(path, f"{n} row{'s' if n > 1 else ''} with {what}{shown}, first at row {first + 2}: "
                           f"left out of the {column} figures, the calls on those rows are kept", column=column)
    frame.loc[mask, column] = np.nan


def _merge_clock_repeats(frame: pd.DataFrame, times: pd.Series, path: Path, problems: Problems) -> pd.DataFrame:
    """The hour repeated when daylight saving ends, in an export with UTC offsets (00:00Z and 01:00Z are both
    01:00 in London): rows of one queue at one time of the centre's clock but at different instants are one
    interval, which lasted twice as long on the clock that day. Their counts are added, `aht_s` and `asa_s`
    averaged weighted by the calls handled (offered without `handled`), `service_level` by the calls offered;
    one warning. Rows at the same instant twice are left to be reported as duplicates."""
    key = ["queue", "interval_start"]
    dup = frame.duplicated(key, keep=False) & frame["interval_start"].notna()
    text = times.astype("string").str.strip()[dup]
    if not dup.any() or not text.str.contains(r"(?:[+-]\d{2}:?\d{2}|Z)$", regex=True).fillna(False).all():
        return frame
    rows = frame[dup].assign(_instant=pd.to_datetime(text, utc=True, errors="coerce", format="ISO8601"))
    groups = rows.groupby(key, sort=False)["_instant"]
    distinct = (groups.transform("nunique") == groups.transform("size")) & rows["_instant"].notna()
    repeats = rows[distinct].groupby(key, sort=False)
    if not len(repeats):
        return frame
    (queue, when), g = next(iter(repeats))
    problems.warning(path, f"{len(repeats)} interval{'s' if len(repeats) > 1 else ''} of the hour repeated when "
                           f"daylight saving ended given twice, at different UTC times (e.g. queue '{queue}' at "
                           f"{when:%Y-%m-%d %H:%M}, rows {' and '.join(str(i + 2) for i in g.index)}): one interval "
                           f"each on the centre's clock, their calls added", column="interval_start")
    index = rows.index[distinct]
    return pd.concat([frame.drop(index=index), _combine(frame.loc[index], frame.loc[index, "interval_start"])]
                     ).sort_index()


def _combine(frame: pd.DataFrame, when: pd.Series) -> pd.DataFrame:
    """The rows of `frame` with the same queue and `when` as one row at `when` (the first row's index): counts
    added, `aht_s` and `asa_s` averaged weighted by the calls handled (offered without `handled`),
    `service_level` by the calls offered (a plain mean where those calls are 0)."""
    keys = [frame["queue"], when]
    groups = frame.groupby(keys, sort=False)
    out = frame.loc[groups.cumcount().eq(0).to_numpy()].copy()
    label = pd.MultiIndex.from_arrays([out["queue"], when[out.index]])
    for col in ["offered"] + [c for c in COUNTS if c in frame]:
        out[col] = groups[col].sum().reindex(label).to_numpy()
    served = "handled" if "handled" in frame else "offered"
    for col, by in (("aht_s", served), ("asa_s", served), ("service_level", "offered")):
        if col in frame:
            weight = frame[by].where(frame[col].notna(), 0.0)
            total = (frame[col].fillna(0.0) * weight).groupby(keys).sum()
            share = weight.groupby(keys).sum()
            mean = (total / share).where(share > 0, frame[col].groupby(keys).mean())
            out[col] = mean.reindex(label).to_numpy()
    out["interval_start"] = when[out.index]
    return out


def _row_steps(frame: pd.DataFrame) -> pd.Series:
    """The steps between each queue's consecutive rows (positive ones)."""
    diffs = frame.sort_values(["queue", "interval_start"]).groupby("queue")["interval_start"].diff().dropna()
    return diffs[diffs > pd.Timedelta(0)]


def _file_step(diffs: pd.Series) -> int | None:
    """The file's own interval length from the steps between its rows (`_row_steps`): the step more than half of
    them are, when it divides a day; None when the rows do not tell."""
    if diffs.empty:
        return None
    mode = diffs.mode().iloc[0]
    step = int(mode.total_seconds() // 60)
    if step <= 0 or 1440 % step or mode.total_seconds() % 60 or (diffs == mode).mean() <= 0.5:
        return None
    return step


MIN_STEADY = 8  # steps between rows before a history is refused as coarser than the config's intervals


def _steady(diffs: pd.Series, step: int) -> bool:
    """Whether the rows read as a grid of `step` minutes: at least MIN_STEADY steps between a queue's rows
    (`_row_steps`), 90% of them `step`. A history of the config's own intervals that leaves out quiet ones (a
    sparse queue exported without its zeros) has its rows on a coarser grid only by chance (two rows 45 minutes
    apart), and refusing it as coarser would refuse a good file."""
    return len(diffs) >= MIN_STEADY and bool((diffs == pd.Timedelta(minutes=step)).mean() >= 0.9)


def _to_config_intervals(frame: pd.DataFrame, want: int, hint: int | None, path: Path, problems: Problems
                         ) -> tuple[pd.DataFrame, int | None]:
    """A history finer than the config's intervals (15-minute rows for a 30-minute centre) summed into them, with a
    warning; a coarser one (30-minute rows for a 15-minute centre) an error: its calls cannot be spread over the
    shorter intervals without inventing their shape (every other interval would be read as empty). Also the
    file's own interval length when it was summed. Only when every row is on the file's own grid: a stray row off
    it stays an error of the grid check. `hint`: the file's interval length from its time ranges, if it has them."""
    diffs = None if hint is not None else _row_steps(frame)
    own = hint if diffs is None else _file_step(diffs)
    ts = frame["interval_start"]
    if own is None or own == want or ts.isna().all():
        return frame, None
    minute = ts.dt.hour * 60 + ts.dt.minute
    if not ((minute % own == 0) & (ts.dt.second == 0)).all():
        return frame, None
    if own > want and (diffs is None or _steady(diffs, own)):
        problems.error(path, f"history has {own}-minute intervals, which do not add up to the config's {want}-minute "
                             f"intervals (a {own}-minute count cannot be split without inventing its shape): export "
                             f"it at {want} minutes or set interval_minutes = {own}", column="interval_start")
        return frame, None
    if want % own:
        return frame, None
    summed = _combine(frame, ts.dt.floor(f"{want}min"))
    problems.warning(path, f"history has {own}-minute intervals; summed to the config's {want}-minute intervals "
                           f"({len(frame):,} rows into {len(summed):,})", column="interval_start")
    return summed, own


def _check_duplicates(frame: pd.DataFrame, path: Path, problems: Problems) -> None:
    dup = frame.duplicated(["interval_start", "queue"], keep="first") & frame["interval_start"].notna()
    if dup.any():
        report_rows(problems, path, dup, "interval_start",
                    "duplicate interval for this queue (a daylight-saving repeat or a doubled export?)")


def _check_grid(frame: pd.DataFrame, path: Path, interval_minutes: int | None, problems: Problems, *,
                hint: int | None = None) -> int:
    """The interval length (given, else the time ranges' length `hint`, else the usual step between rows) and an
    error for each row off its grid."""
    ts = frame["interval_start"].dropna()
    if ts.empty:
        return interval_minutes or hint or 15
    minute_of_day = ts.dt.hour * 60 + ts.dt.minute
    if interval_minutes is None and hint is not None:
        interval_minutes = hint
    if interval_minutes is None:
        diffs = (frame.dropna(subset=["interval_start"]).sort_values(["queue", "interval_start"])
                 .groupby("queue")["interval_start"].diff().dropna())
        diffs = diffs[diffs > pd.Timedelta(0)]
        if diffs.empty:
            interval_minutes = 15
        else:
            interval_minutes = int(diffs.min().total_seconds() // 60) or 15
            # the smallest step seen may be an off-grid row: take the most common step if it divides a day
            mode = int(diffs.mode().iloc[0].total_seconds() // 60)
            if mode > 0 and 1440 % mode == 0 and mode != interval_minutes and (diffs.dt.total_seconds() // 60
                                                                               == mode).mean() > 0.5:
                interval_minutes = mode
        if 1440 % interval_minutes:
            problems.error(path, f"intervals of {interval_minutes} minutes do not divide a day",
                           column="interval_start")
            return interval_minutes
    off = (minute_of_day % interval_minutes != 0) | (ts.dt.second != 0)
    report_rows(problems, path, off.reindex(frame.index, fill_value=False), "interval_start",
                f"not on the {interval_minutes}-minute interval grid")
    return interval_minutes


def _warn_gaps(frame: pd.DataFrame, path: Path, minutes: int, problems: Problems, limit: int = 10) -> None:
    """Warn about whole days missing inside each queue's span, and intervals missing within open hours."""
    step = pd.Timedelta(minutes=minutes)
    for queue, g in frame.groupby("queue", sort=True):
        days = g["interval_start"].dt.normalize()
        present = pd.DatetimeIndex(days.unique())
        span = pd.date_range(present.min(), present.max(), freq="D")
        # weekdays the centre is habitually closed on (e.g. weekends) are not gaps
        share = pd.Series(present.day_of_week).value_counts().reindex(range(7), fill_value=0)
        weeks = max(len(span) / 7, 1)
        open_days = {d for d in range(7) if share[d] / weeks > 0.5}
        missing = span[~span.isin(present) & span.day_of_week.isin(list(open_days))]
        runs = _runs(missing, pd.Timedelta(days=1))
        for a, b in runs[:limit]:
            when = a.date().isoformat() if a == b else f"{a.date()} to {b.date()}"
            problems.warning(path, f"queue '{queue}': no data for {when}; these days are left out "
                                   f"(not read as zero calls)", column="interval_start")
        if len(runs) > limit:
            problems.warning(path, f"queue '{queue}': {len(runs) - limit} more missing-day gaps",
                             column="interval_start")
        # intervals missing inside days that have data, at slots normally present
        slot = g["interval_start"] - days
        slot_share = slot.value_counts() / len(present)
        usual = set(slot_share.index[slot_share > 0.9])
        if not usual:
            continue
        have = set(g["interval_start"])
        lost = sorted(d + s for d in present for s in usual if d + s not in have)
        runs = _runs(pd.DatetimeIndex(lost), step)
        for a, b in runs[:limit]:
            n = int((b - a) / step) + 1
            problems.warning(path, f"queue '{queue}': {n} interval(s) missing from {a.isoformat()} to "
                                   f"{(b + step).isoformat()} (left out, not read as zero)", column="interval_start")
        if len(runs) > limit:
            problems.warning(path, f"queue '{queue}': {len(runs) - limit} more gaps inside open hours",
                             column="interval_start")


def _runs(index: pd.DatetimeIndex, step: pd.Timedelta) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    runs: list[tuple[pd.Timestamp, pd.Timestamp]] = []
    for t in index:
        if runs and t - runs[-1][1] == step:
            runs[-1] = (runs[-1][0], t)
        else:
            runs.append((t, t))
    return runs
