"""Forecast and requirements files (CSV) written by `wfm forecast` / `wfm staff` or by another tool."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wfm.errors import Problems
from wfm.readers.tables import drop_implausible_times, normalise_columns, read_table, report_rows
from wfm.safe_text import unescape_series

FORECAST_REQUIRED = ["interval_start", "queue", "calls", "aht_s"]
FORECAST_OPTIONAL = ["calls_lo", "calls_hi"]
REQUIREMENTS_REQUIRED = ["interval_start", "queue", "calls", "aht_s", "erlangs", "agents", "heads",
                         "service_level", "asa_s", "occupancy"]
REQUIREMENTS_OPTIONAL = ["abandon_rate", "binding"]


def read_forecast(path: str | Path, *, queues: set[str] | None = None) -> pd.DataFrame:
    """Read a forecast CSV (`interval_start, queue, calls, aht_s`, optional `calls_lo, calls_hi`)."""
    return _read(path, "forecast", FORECAST_REQUIRED, FORECAST_OPTIONAL, queues,
                 numeric=["calls", "aht_s", "calls_lo", "calls_hi"], integer=[])


def read_requirements(path: str | Path, *, queues: set[str] | None = None) -> pd.DataFrame:
    """Read a requirements CSV as written by `wfm staff`."""
    return _read(path, "requirements", REQUIREMENTS_REQUIRED, REQUIREMENTS_OPTIONAL, queues,
                 numeric=["calls", "aht_s", "erlangs", "agents", "heads", "service_level", "asa_s", "occupancy",
                          "abandon_rate"], integer=["agents", "heads"])


def _read(path, what, required, optional, queues, *, numeric, integer) -> pd.DataFrame:
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
        report_rows(problems, path, values < 0, col, "negative value")
        if col in integer:
            report_rows(problems, path, values.notna() & (values != values.round()), col, "not a whole number")
        out[col] = values
    if "binding" in raw:
        out["binding"] = raw["binding"]
    dup = out.duplicated(["interval_start", "queue"]) & out["interval_start"].notna()
    report_rows(problems, path, dup, "interval_start", "duplicate interval for this queue")
    problems.raise_if_errors()
    for col in integer:
        out[col] = out[col].astype("int64")
    return out.sort_values(["queue", "interval_start"], kind="stable").reset_index(drop=True)
