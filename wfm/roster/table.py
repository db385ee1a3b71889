"""The roster as the contract's long table and as shift codes per agent and day."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from wfm.readers.roster import COLUMNS
from wfm.roster.detail import DayPlan
from wfm.roster.problem import Instance



def long_table(inst: Instance, plans: list[DayPlan]) -> pd.DataFrame:
    """One row per agent per interval on duty: `agent_id, date, interval_start, activity, queue`."""
    rows_agent, rows_date, rows_ts, rows_act, rows_q = [], [], [], [], []
    base = dt.datetime.combine(inst.start, dt.time())
    step = dt.timedelta(minutes=inst.interval)
    for p in sorted(plans, key=lambda p: (inst.agents[p.agent].agent_id, p.day)):
        aid = inst.agents[p.agent].agent_id
        date = inst.date(p.day)
        for j, (act, q) in enumerate(zip(p.acts, p.queues)):
            rows_agent.append(aid)
            rows_date.append(date)
            rows_ts.append(base + (p.start + j) * step)
            rows_act.append(act)
            rows_q.append(q if act == "work" else None)
    return pd.DataFrame({
        "agent_id": pd.Series(rows_agent, dtype=object),
        "date": pd.Series(rows_date, dtype=object),
        "interval_start": pd.to_datetime(pd.Series(rows_ts, dtype=object)) if rows_ts else pd.Series(
            [], dtype="datetime64[ns]"),
        "activity": pd.Series(rows_act, dtype=object),
        "queue": pd.Series(rows_q, dtype=object),
    }, columns=COLUMNS)


def shift_codes(inst: Instance, assignment: dict[tuple[int, int], int]) -> pd.DataFrame:
    """Agent rows x day columns of shift codes (`E0700`, `OFF`), with agent_id, name and team first."""
    data = []
    for ai, a in enumerate(inst.agents):
        row = {"agent_id": a.agent_id, "name": a.name, "team": a.team}
        for d in range(inst.days):
            k = assignment.get((ai, d))
            date = inst.date(d)
            if k is not None:
                row[date.isoformat()] = inst.options[k].code
            elif a.leave_on(date) is not None:
                row[date.isoformat()] = "LEAVE"
            else:
                row[date.isoformat()] = "OFF"
        data.append(row)
    return pd.DataFrame(data)


def codes_by_day(codes: pd.DataFrame) -> dict[tuple[str, dt.date], str]:
    """A `shift_codes` table as (agent_id, date) -> code, the form the checker takes."""
    return {(r["agent_id"], dt.date.fromisoformat(c)): r[c] for _, r in codes.iterrows() for c in codes.columns[3:]}
