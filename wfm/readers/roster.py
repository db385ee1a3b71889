"""Reading the roster workbook's machine-readable `Data` sheet (the long table) that `wfm check` and
`wfm simulate` read.

One row per agent per interval on duty: `agent_id, date, interval_start, activity, queue`; `activity` is one
of ACTIVITIES; `queue` is set for `work` and empty otherwise. A CSV with the same columns is accepted too.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wfm.errors import InputError, Problems
from wfm.readers.tables import (check_input_file, drop_implausible_times, is_xlsx, normalise_columns,
                                read_table, report_rows, xlsx_rows, xlsx_sheet_names)

DATA_SHEET = "Data"
COLUMNS = ["agent_id", "date", "interval_start", "activity", "queue"]
ACTIVITIES = ("work", "break", "lunch", "training", "meeting", "coaching")


def read_roster_data(path: str | Path, *, queues: set[str] | None = None,
                     interval_minutes: int | None = None) -> pd.DataFrame:
    """The long table of a roster workbook (sheet `Data`) or CSV, validated; raises `InputError` listing every
    problem with file, row (as the sheet shows it) and column. The file is checked like every table input
    (`wfm.readers.tables.check_input_file`: a regular file, within the size and unpacked-size limits)."""
    path = Path(path)
    check_input_file(path, what="roster")
    if is_xlsx(path, what="roster"):
        raw = _read_data_sheet(path)
    else:
        raw = read_table(path, what="roster")
    return parse_roster_data(raw, path=path, queues=queues, interval_minutes=interval_minutes)


def _read_data_sheet(path: Path) -> pd.DataFrame:
    """The Data sheet as a frame of cell values, indexed so that index + 2 is the sheet row, streamed within the
    input limits (`wfm.readers.tables.xlsx_rows`)."""
    names = xlsx_sheet_names(path, what="roster")
    if DATA_SHEET not in names:
        raise InputError(f"the roster workbook has no '{DATA_SHEET}' sheet (sheets: {', '.join(names)}); is it a "
                         f"roster written by `wfm roster`?", file=path)
    header: list[object] | None = None
    index, body = [], []
    for row_number, row in xlsx_rows(path, what="roster", sheet=DATA_SHEET):
        if header is None:
            if row_number != 1:
                raise InputError(f"the '{DATA_SHEET}' sheet has no header in row 1", file=path)
            header = row
            continue
        index.append(row_number - 2)
        body.append(row)
    if header is None:
        raise InputError(f"the '{DATA_SHEET}' sheet is empty", file=path)
    width = len(header)
    body = [tuple(v if v != "" else None for v in r[:width]) + (None,) * (width - len(r)) for r in body]
    columns = [str(c).strip() if c not in (None, "") else f"column {j + 1}" for j, c in enumerate(header)]
    if not body:
        raise InputError(f"the '{DATA_SHEET}' sheet has no rows", file=path)
    return pd.DataFrame(body, columns=columns, index=index, dtype=object)


def parse_roster_data(raw: pd.DataFrame, *, path: str | Path = "roster", queues: set[str] | None = None,
                      interval_minutes: int | None = None) -> pd.DataFrame:
    """Validate a long table (strings or typed values) into typed columns, sorted by agent and time."""
    path = Path(path)
    problems = Problems()
    raw = raw.copy()
    raw.columns = [str(c).strip() for c in raw.columns]
    raw = normalise_columns(raw, path=path, aliases={}, required=COLUMNS, optional=[], problems=problems)
    problems.raise_if_errors()
    out = pd.DataFrame(index=raw.index)
    agent = raw["agent_id"].astype("string").str.strip().str.replace(r"^(\d+)\.0$", r"\1", regex=True)
    report_rows(problems, path, agent.isna() | (agent == ""), "agent_id", "missing agent_id")
    out["agent_id"] = agent.astype(object)
    date = pd.to_datetime(raw["date"], errors="coerce", format="mixed")
    report_rows(problems, path, date.isna(), "date", "not a date")
    out["date"] = drop_implausible_times(date, problems, path, "date").dt.normalize()
    ts = pd.to_datetime(raw["interval_start"], errors="coerce", format="mixed")
    report_rows(problems, path, ts.isna(), "interval_start", "not a date-time")
    ts = drop_implausible_times(ts, problems, path, "interval_start")
    if interval_minutes:
        off = ts.notna() & ((((ts.dt.hour * 60 + ts.dt.minute) % interval_minutes) != 0) | (ts.dt.second != 0))
        report_rows(problems, path, off, "interval_start", f"not on the {interval_minutes}-minute interval grid")
    out["interval_start"] = ts
    act = raw["activity"].astype("string").str.strip().str.lower()
    bad_act = act.isna() | ~act.isin(ACTIVITIES)
    report_rows(problems, path, bad_act, "activity", f"activity must be one of {', '.join(ACTIVITIES)}")
    out["activity"] = act.astype(object)
    q = raw["queue"].astype("string").str.strip().str.lower()
    q = q.where(q != "", pd.NA)
    work = act == "work"
    report_rows(problems, path, work & q.isna(), "queue", "a work row needs a queue")
    report_rows(problems, path, ~work & ~bad_act & q.notna(), "queue",
                "queue is set on a non-work row and is ignored", severity="warning")
    if queues is not None:
        unknown = work & q.notna() & ~q.isin(sorted(queues))
        for name in sorted(q[unknown].dropna().unique()):
            rows = unknown & (q == name)
            first = int(rows[rows].index[0]) + 2
            problems.error(path, f"queue '{name}' is not in the config ({int(rows.sum())} rows, first row {first})",
                           row=first, column="queue")
    out["queue"] = q.where(work.fillna(False), pd.NA).astype(object)
    out.loc[out["queue"].isna(), "queue"] = None
    dup = out.duplicated(["agent_id", "interval_start"]) & out["interval_start"].notna() & out["agent_id"].notna()
    report_rows(problems, path, dup, "interval_start", "the agent is listed twice in this interval")
    problems.raise_if_errors()
    return out.sort_values(["agent_id", "interval_start"], kind="stable").reset_index(drop=True)
