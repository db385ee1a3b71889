"""Agent states as an ACD exports them: one row per state an agent was in, `agent_id, start, end, state`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from wfm.errors import Problems
from wfm.readers.acd_times import year_last_dates
from wfm.readers.tables import drop_implausible_times, normalise_columns, read_table, report_rows

ALIASES = {"工号": "agent_id", "坐席工号": "agent_id", "员工编号": "agent_id", "agent": "agent_id",
           "开始时间": "start", "start_time": "start", "结束时间": "end", "end_time": "end",
           "状态": "state", "坐席状态": "state", "agent_state": "state"}
MAX_STATE_HOURS = 24  # one state record longer than a day is a broken export


def read_states(path: str | Path, states: Mapping[str, str], agent_ids: set[str] | None = None) -> pd.DataFrame:
    """`agent_id, start, end, state, activity` sorted by agent and start; `states` maps the ACD's state names
    (lower case) to roster activities. Bad times, an end not after its start, a record over a day, an unknown
    state or agent and an agent's overlapping records are errors naming the row and column."""
    path = Path(path)
    problems = Problems()
    raw = read_table(path, what="agent states")
    raw = normalise_columns(raw, path=path, aliases=ALIASES, required=["agent_id", "start", "end", "state"],
                            optional=[], problems=problems)
    problems.raise_if_errors()
    ids = raw["agent_id"].astype("string").str.strip().fillna("")
    report_rows(problems, path, ids == "", "agent_id", "empty")
    if agent_ids is not None:
        report_rows(problems, path, (ids != "") & ~ids.isin(agent_ids), "agent_id", "not an agent in the agents table")
    times = {}
    for col in ("start", "end"):
        text = year_last_dates(raw[col].astype("string").str.strip(), path, problems, col)
        parsed = pd.to_datetime(text, errors="coerce", format="mixed")
        report_rows(problems, path, parsed.isna(), col, "not a date and time (expected e.g. 2026-12-08T09:15:00)")
        times[col] = drop_implausible_times(parsed, problems, path, col)
    ok = times["start"].notna() & times["end"].notna()
    report_rows(problems, path, ok & (times["end"] <= times["start"]), "end", "does not end after it starts")
    report_rows(problems, path, ok & (times["end"] - times["start"] > pd.Timedelta(hours=MAX_STATE_HOURS)), "end",
                f"lasts more than {MAX_STATE_HOURS} h")
    names = raw["state"].astype("string").str.strip().fillna("")
    activity = names.str.lower().map(lambda s: states.get(s))
    report_rows(problems, path, activity.isna(), "state",
                "not a known agent state (map it to an activity in the config's [adherence] states)")
    problems.raise_if_errors()
    out = pd.DataFrame({"agent_id": ids.astype(str), "start": times["start"], "end": times["end"],
                        "state": names.astype(str), "activity": activity.astype(str), "row": raw.index + 2})
    out = out.sort_values(["agent_id", "start"], kind="stable")
    overlap = (out["agent_id"] == out["agent_id"].shift()) & (out["start"] < out["end"].shift())
    report_rows(problems, path, overlap.set_axis(out["row"] - 2).sort_index(), "start",
                "overlaps the agent's previous state record")
    problems.raise_if_errors()
    return out.drop(columns="row").reset_index(drop=True)
