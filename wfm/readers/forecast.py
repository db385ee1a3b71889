"""Forecast and requirements files (CSV) written by `wfm forecast` / `wfm staff` or by another tool."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from wfm.errors import InputError, Problem, Problems
from wfm.readers.tables import drop_implausible_times, normalise_columns, read_table, report_rows
from wfm.safe_text import unescape_series

FORECAST_REQUIRED = ["interval_start", "queue", "calls", "aht_s"]
FORECAST_OPTIONAL = ["calls_lo", "calls_hi"]
REQUIREMENTS_REQUIRED = ["interval_start", "queue", "calls", "aht_s", "erlangs", "agents", "heads",
                         "service_level", "asa_s", "occupancy"]
REQUIREMENTS_OPTIONAL = ["abandon_rate", "binding"]
# A forecast's load (calls x aht_s / interval) is at most MAX_LOAD erlangs per queue and interval, so that the
# agents `wfm staff` derives from it (at most load / 0.05 occupancy cap + 1000 floor, heads at most 10x that with
# shrinkage under 90%) always fit the requirements bounds: what `wfm staff` writes, `wfm roster` reads.
MAX_LOAD = 10_000
# Largest sane value per column: beyond it is a typo or an overflow (1e30 agents would wrap to -9.2e18 as int64).
UPPER = {"calls": 1e7, "calls_lo": 1e7, "calls_hi": 1e7, "aht_s": 4 * 3600.0, "erlangs": 1e6, "agents": 1e6,
         "heads": 1e7, "service_level": 1.0, "occupancy": 1.0, "abandon_rate": 1.0, "asa_s": 86400.0}


def read_forecast(path: str | Path, *, queues: set[str] | None = None, interval_s: int | None = None) -> pd.DataFrame:
    """Read a forecast CSV (`interval_start, queue, calls, aht_s`, optional `calls_lo, calls_hi`).

    With `interval_s`, rows whose load (calls x aht_s / interval_s, also with calls_hi) is over MAX_LOAD erlangs are
    errors too, so that `wfm staff` never writes a requirements file `wfm roster` rejects, and so is a forecast of
    another interval length than `interval_s` (`_check_interval_length`).
    """
    return _read(path, "forecast", FORECAST_REQUIRED, FORECAST_OPTIONAL, queues,
                 numeric=["calls", "aht_s", "calls_lo", "calls_hi"], integer=[], interval_s=interval_s)


def read_requirements(path: str | Path, *, queues: set[str] | None = None) -> pd.DataFrame:
    """Read a requirements CSV as written by `wfm staff`."""
    return _read(path, "requirements", REQUIREMENTS_REQUIRED, REQUIREMENTS_OPTIONAL, queues,
                 numeric=["calls", "aht_s", "erlangs", "agents", "heads", "service_level", "asa_s", "occupancy",
                          "abandon_rate"], integer=["agents", "heads"])


def _read(path, what, required, optional, queues, *, numeric, integer, interval_s=None) -> pd.DataFrame:
    path = Path(path)
    problems = Problems()
    raw = read_table(path, what=what)
    raw = normalise_columns(raw, path=path, aliases={}, required=required, optional=optional, problems=problems)
    problems.raise_if_errors()
    out = pd.DataFrame(index=raw.index)
    ts = pd.to_datetime(raw["interval_start"], errors="coerce", format="mixed")
    report_rows(problems, path, ts.isna(), "interval_start", "not a date-time")
    out["interval_start"] = drop_implausible_times(ts, problems, path, "interval_start")
    q = unescape_series(raw["queue"].astype("string").str.strip())  # wfm wrote '=x for a queue named =x
    report_rows(problems, path, q.isna() | (q == ""), "queue", "missing queue name")
    if queues is not None:
        unknown = q.notna() & ~q.isin(sorted(queues))
        for name in sorted(q[unknown].unique()):
            problems.error(path, f"queue '{name}' is not in the config", column="queue")
    out["queue"] = q.astype(object)
    for col in [c for c in numeric if c in raw]:
        if col == "binding":
            continue
        text = raw[col].astype("string").str.strip()
        empty = text.isna() | (text == "")
        values = pd.to_numeric(text, errors="coerce")
        report_rows(problems, path, values.isna() & ~empty, col, "not a number")
        if col in required:
            report_rows(problems, path, empty, col, "missing value")
        infinite = values.abs() == float("inf")
        report_rows(problems, path, infinite, col, "not a finite number")
        report_rows(problems, path, (values < 0) & ~infinite, col, "negative value")
        if col in UPPER:
            report_rows(problems, path, (values > UPPER[col] * (1 + 1e-9)) & ~infinite, col,
                        f"implausibly large (at most {UPPER[col]:,.0f})")
        if col in integer:
            report_rows(problems, path, values.notna() & (values != values.round()), col, "not a whole number")
        out[col] = values
    if what == "forecast":  # Erlang needs no agent for calls of 0 s: they would go unstaffed
        report_rows(problems, path, (out["aht_s"] == 0) & (out["calls"] > 0), "aht_s",
                    "an AHT of 0 s for an interval with calls (no agent would be planned for them)")
    if interval_s and not problems.errors:
        _check_interval_length(out, interval_s // 60, path, problems)
    if interval_s and not problems.errors:
        for col in [c for c in ("calls", "calls_hi") if c in out]:
            load = out[col].astype(float) * out["aht_s"].astype(float) / interval_s
            report_rows(problems, path, load > MAX_LOAD, col,
                        f"{col} x aht_s / interval is more than {MAX_LOAD:,} erlangs (calls always in progress) "
                        f"in a {interval_s // 60}-minute interval")
    if "binding" in raw:
        out["binding"] = raw["binding"]
    dup = out.duplicated(["interval_start", "queue"]) & out["interval_start"].notna()
    report_rows(problems, path, dup, "interval_start", "duplicate interval for this queue")
    problems.raise_if_errors()
    for col in integer:
        out[col] = out[col].astype("int64")
    return out.sort_values(["queue", "interval_start"], kind="stable").reset_index(drop=True)


def _check_interval_length(frame: pd.DataFrame, minutes: int, path: Path, problems: Problems) -> None:
    """Errors for a forecast made at another interval length than the config's `minutes`: rows off its grid (a
    15-minute forecast for 30-minute intervals would be staffed with half the agents), or every row on a coarser
    grid that is the forecast's step (a 30-minute forecast would put half an hour's calls into each quarter hour
    at :00 and :30 and leave :15 and :45 unstaffed)."""
    ts = frame["interval_start"].dropna()
    minute = ts.dt.hour * 60 + ts.dt.minute
    off = ((minute % minutes != 0) | (ts.dt.second != 0)).reindex(frame.index, fill_value=False)
    if off.any():
        report_rows(problems, path, off, "interval_start", f"not on the config's {minutes}-minute interval grid "
                                                           f"(a forecast made at another interval length?)")
        return
    steps = frame.sort_values(["queue", "interval_start"]).groupby("queue")["interval_start"].diff().dropna()
    steps = (steps[steps > pd.Timedelta(0)].dt.total_seconds() // 60).astype(int)
    if steps.empty:
        return
    step = int(steps.mode().iloc[0])
    if minutes < step <= 120 and step % minutes == 0 and (steps == step).mean() > 0.5 and (minute % step == 0).all():
        problems.error(path, f"the forecast has {step}-minute intervals, the config {minutes}-minute ones: forecast "
                             f"again with this config (--config) or set its interval_minutes = {step}",
                       column="interval_start")


def check_covers_period(frame: pd.DataFrame, path: str | Path, first: dt.date, days: int) -> None:
    """InputError naming `path` when no row of the forecast or requirements falls in the `days` from `first`
    (a file of another period would give an empty plan)."""
    t = frame["interval_start"]
    start = pd.Timestamp(first)
    if not ((t >= start) & (t < start + pd.Timedelta(days=days))).any():
        span = f"{t.min():%Y-%m-%d} to {t.max():%Y-%m-%d}" if len(t) else "nothing"
        raise InputError([Problem(str(path), f"no interval falls in the period {first} to "
                                             f"{first + dt.timedelta(days=days - 1)}; the file covers {span}")])
