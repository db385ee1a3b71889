"""Approved leave as an HR system exports it: one row per absence, `agent_id, start, end, type` (`end` optional
and inclusive, `type` optional: annual)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd

from wfm.config import LEAVE_TYPES
from wfm.errors import Problems
from wfm.readers.agents import LEAVE_WORDS, MAX_LEAVE_DAYS, Agent
from wfm.readers.special_days import _dates
from wfm.readers.tables import normalise_columns, read_table, report_rows

ALIASES = {"工号": "agent_id", "员工编号": "agent_id", "employee_id": "agent_id", "from": "start",
           "开始日期": "start", "to": "end", "结束日期": "end", "假别": "type", "请假类型": "type",
           "leave_type": "type"}
TYPE_WORDS = LEAVE_WORDS


def read_leave(path: str | Path, agents: list[Agent]) -> list[Agent]:
    """The agents with the leave in `path` added to their own (`Agent.leave`). Unknown agents, bad dates and
    unknown types are errors naming the row and column."""
    path = Path(path)
    problems = Problems()
    raw = read_table(path, what="leave")
    raw = normalise_columns(raw, path=path, aliases=ALIASES, required=["agent_id", "start"],
                            optional=["end", "type"], problems=problems)
    problems.raise_if_errors()
    ids = raw["agent_id"].astype("string").str.strip().fillna("")
    known = {a.agent_id for a in agents}
    report_rows(problems, path, ~ids.isin(known), "agent_id", "not an agent in the agents table")
    start = _dates(raw["start"])
    end = _dates(raw["end"]) if "end" in raw else start
    if "end" in raw:
        blank = raw["end"].isna() | (raw["end"].astype("string").str.strip() == "")
        end = end.where(~blank, start)
        report_rows(problems, path, end.isna() & ~blank, "end", "not a date (expected e.g. 2026-12-01)")
    report_rows(problems, path, start.isna(), "start", "not a date (expected e.g. 2026-12-01)")
    ok = start.notna() & end.notna()
    report_rows(problems, path, ok & (end < start), "end", "ends before it starts")
    report_rows(problems, path, ok & ((end - start).dt.days >= MAX_LEAVE_DAYS), "end",
                f"lasts {MAX_LEAVE_DAYS} days or more")
    kinds = pd.Series(["annual"] * len(raw), index=raw.index, dtype="string")
    if "type" in raw:
        text = raw["type"].astype("string").str.strip().fillna("")
        kinds = text.map(lambda t: TYPE_WORDS.get(t, t.lower()) if t else "annual").astype("string")
        report_rows(problems, path, ~kinds.isin(LEAVE_TYPES), "type", f"not a leave type ({', '.join(LEAVE_TYPES)})")
    problems.raise_if_errors()
    extra: dict[str, list[tuple[dt.date, str]]] = {}
    for aid, a, b, kind in zip(ids, start, end, kinds):
        extra.setdefault(str(aid), []).extend(
            (d.date(), str(kind)) for d in pd.date_range(a.normalize(), b.normalize(), freq="D"))
    out = []
    for ag in agents:
        more = extra.get(ag.agent_id)
        if more:
            have = {d for d, _ in ag.leave}
            merged = list(ag.leave) + [(d, k) for d, k in more if d not in have]
            ag = dataclasses.replace(ag, leave=tuple(sorted(set(merged))))
        out.append(ag)
    return out
