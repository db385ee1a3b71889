"""The ACD history: one row per interval per queue (`interval_start, queue, offered`, optional extras)."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.errors import InputError, Problem, Problems
from wfm.readers.tables import drop_implausible_times, normalise_columns, read_table, report_rows

REQUIRED = ["interval_start", "queue", "offered"]
COUNTS = ["handled", "abandoned"]
SECONDS = ["aht_s", "asa_s"]
OPTIONAL = COUNTS + SECONDS + ["service_level"]
MAX_CALLS = 1_000_000  # per interval per queue: more than any centre sees
MAX_SECONDS = 4 * 3600
MAX_AHT_SECONDS = 2 * 3600  # an interval's mean handle time above 2 h is a stuck call, not a pattern

# Headers seen in ACD exports (Chinese systems and common vendors) mapped to contract names.
ALIASES = {
    "时间": "interval_start", "时间段": "interval_start", "开始时间": "interval_start", "时段开始": "interval_start",
    "日期时间": "interval_start", "interval": "interval_start", "start_time": "interval_start",
    "技能组": "queue", "队列": "queue", "技能": "queue", "skill": "queue", "split": "queue",
    "呼入量": "offered", "来电量": "offered", "进线量": "offered", "呼入数": "offered", "calls_offered": "offered",
    "calls": "offered",
    "接通量": "handled", "接听量": "handled", "calls_handled": "handled",
    "放弃量": "abandoned", "呼损量": "abandoned", "calls_abandoned": "abandoned",
    "平均处理时长": "aht_s", "平均处理时长(秒)": "aht_s", "aht": "aht_s",
    "平均应答时长": "asa_s", "平均应答时长(秒)": "asa_s", "asa": "asa_s",
    "服务水平": "service_level", "接通率": "service_level", "sl": "service_level",
}


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
                 timezone: str | None = None) -> History:
    """Read and validate an ACD interval export (CSV or XLSX, UTF-8 or GBK).

    Errors (raised together as `InputError`): missing columns, bad timestamps or counts, negative or
    fractional counts, duplicates, times off the interval grid, unknown queues. Gaps are warnings, and so are
    implausible values in the optional measurements (`aht_s`, `asa_s`, `service_level`: a stuck call of
    hours, a negative time, an AHT of 0 s with calls handled), which are left out (NaN) with the row kept.
    `timezone` (the centre's) is used to turn timestamps with UTC offsets into local wall-clock time.
    """
    path = Path(path)
    problems = Problems()
    raw = read_table(path, what="history")
    raw = normalise_columns(raw, path=path, aliases=ALIASES, required=REQUIRED, optional=OPTIONAL,
                            problems=problems)
    problems.raise_if_errors()
    frame = pd.DataFrame(index=raw.index)
    frame["interval_start"] = _parse_times(raw["interval_start"], path, timezone, problems)
    frame["queue"] = _parse_queue(raw["queue"], path, queues, problems)
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
    _check_duplicates(frame, path, problems)
    minutes = _check_grid(frame, path, interval_minutes, problems)
    problems.raise_if_errors()
    frame = frame.sort_values(["queue", "interval_start"], kind="stable").reset_index(drop=True)
    for col in ["offered"] + [c for c in COUNTS if c in frame]:
        frame[col] = frame[col].astype("int64")
    _warn_gaps(frame, path, minutes, problems)
    return History(frame, minutes, problems.warnings)


def _parse_times(col: pd.Series, path: Path, timezone: str | None, problems: Problems) -> pd.Series:
    text = col.astype("string").str.strip()
    missing = text.isna() | (text == "")
    report_rows(problems, path, missing, "interval_start", "missing timestamp")
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
    report_rows(problems, path, parsed.isna() & ~missing & (has_offset | ~has_offset.any()), "interval_start",
                "not a date-time (expected e.g. 2026-12-01T08:15:00)")
    return drop_implausible_times(parsed, problems, path, "interval_start")


def _parse_queue(col: pd.Series, path: Path, queues: set[str] | None, problems: Problems) -> pd.Series:
    q = col.astype("string").str.strip()
    report_rows(problems, path, q.isna() | (q == ""), "queue", "missing queue name")
    if queues is not None:
        unknown = ~q.isin(sorted(queues)) & q.notna() & (q != "")
        for name in sorted(q[unknown].unique()):
            rows = list(q.index[q == name][:5] + 2)
            problems.error(path, f"queue '{name}' is not in the config (known: {', '.join(sorted(queues))}); "
                                 f"first rows: {', '.join(map(str, rows))}", column="queue")
    return q.astype(object)


def _parse_numbers(col: pd.Series, path: Path, name: str, problems: Problems, *, integer: bool,
                   hi: float) -> pd.Series:
    text = col.astype("string").str.strip()
    empty = text.isna() | (text == "")
    values = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
    report_rows(problems, path, values.isna() & ~empty, name, "not a number")
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
    text = text.where(~decimal_comma, text.str.replace(",", ".", regex=False))
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


def _check_duplicates(frame: pd.DataFrame, path: Path, problems: Problems) -> None:
    dup = frame.duplicated(["interval_start", "queue"], keep="first") & frame["interval_start"].notna()
    if dup.any():
        report_rows(problems, path, dup, "interval_start",
                    "duplicate interval for this queue (a daylight-saving repeat or a doubled export?)")


def _check_grid(frame: pd.DataFrame, path: Path, interval_minutes: int | None, problems: Problems) -> int:
    ts = frame["interval_start"].dropna()
    if ts.empty:
        return interval_minutes or 15
    minute_of_day = ts.dt.hour * 60 + ts.dt.minute
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
            problems.warning(path, f"queue '{queue}': {len(runs) - limit} more missing-day gaps", column="interval_start")
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


def require_history(frame: pd.DataFrame, path: str = "history") -> None:
    """Raise a clear error when a frame lacks the history columns (for API users passing their own frames)."""
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise InputError(f"history frame lacks columns {', '.join(missing)}", file=path)
