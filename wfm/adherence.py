"""Schedule adherence and conformance: what agents did (ACD agent states) against what the roster planned.

Minute by minute over each rostered shift: the planned activity (`work`, `break`, `lunch`, `training`, `meeting`,
`coaching`) against the activity of the agent's state then (`off` where no state is recorded: not logged in).
- adherence = minutes in the planned activity / minutes rostered;
- conformance = minutes actually working (on the phone, any time in the shift) / minutes planned to work.
States outside every shift are not counted. Out-of-adherence periods are the runs of minutes in a shift where the
state differs from the plan.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from wfm.readers.agents import Agent

SHIFT_COLUMNS = ["agent_id", "team", "date", "scheduled_min", "adherent_min", "work_planned_min", "work_actual_min",
                 "adherence", "conformance"]
PERIOD_COLUMNS = ["agent_id", "start", "end", "minutes", "planned", "actual"]


@dataclass
class Adherence:
    """Per shift (`SHIFT_COLUMNS`), summed per agent, team and day, and the out-of-adherence periods (longest
    first, `PERIOD_COLUMNS`)."""

    shifts: pd.DataFrame
    agents: pd.DataFrame
    teams: pd.DataFrame
    days: pd.DataFrame
    periods: pd.DataFrame


def adherence(roster: pd.DataFrame, states: pd.DataFrame, agents: list[Agent], interval_minutes: int) -> Adherence:
    """`roster`: the long table; `states`: `agent_id, start, end, activity` (non-overlapping per agent)."""
    team = {a.agent_id: a.team for a in agents}
    by_agent = {aid: g for aid, g in states.groupby("agent_id", sort=False)}
    rows, periods = [], []
    roster = roster.assign(interval_start=pd.to_datetime(roster["interval_start"]))
    for (aid, date), g in roster.sort_values("interval_start").groupby(["agent_id", "date"], sort=True):
        start = g["interval_start"].iloc[0]
        planned = np.repeat(g["activity"].to_numpy(dtype=object), interval_minutes)
        offsets = ((g["interval_start"] - start).dt.total_seconds() // 60).astype(int).to_numpy()
        minute = (offsets[:, None] + np.arange(interval_minutes)[None, :]).ravel()  # minutes after the shift start
        actual = _actual(by_agent.get(aid), start, int(minute.max()) + 1)[minute]
        match = planned == actual
        rows.append((aid, team.get(aid, ""), pd.Timestamp(date).date(), len(planned), int(match.sum()),
                     int((planned == "work").sum()), int((actual == "work").sum())))
        periods += _runs(aid, start, minute, match, planned, actual)
    shifts = pd.DataFrame(rows, columns=SHIFT_COLUMNS[:-2])
    out = Adherence(_ratios(shifts), _ratios(_sum(shifts, ["agent_id", "team"])), _ratios(_sum(shifts, ["team"])),
                    _ratios(_sum(shifts, ["date"])),
                    pd.DataFrame(periods, columns=PERIOD_COLUMNS).sort_values(
                        ["minutes", "start", "agent_id"], ascending=[False, True, True], kind="stable"
                    ).reset_index(drop=True))
    return out


def _actual(states: pd.DataFrame | None, start: pd.Timestamp, n: int) -> np.ndarray:
    """The activity of the agent's state at each minute from `start` (`off` where none is recorded)."""
    out = np.full(n, "off", dtype=object)
    if states is None:
        return out
    end = start + pd.Timedelta(minutes=n)
    near = states[(states["start"] < end) & (states["end"] > start)]
    for s, e, act in zip(near["start"], near["end"], near["activity"]):
        a = max(0, int(np.ceil((s - start).total_seconds() / 60)))  # whole minutes: a state from 09:00:30
        b = min(n, int(np.ceil((e - start).total_seconds() / 60)))  # counts from 09:01
        out[a:b] = act
    return out


def _runs(aid: str, start: pd.Timestamp, minute: np.ndarray, match: np.ndarray, planned: np.ndarray,
          actual: np.ndarray) -> list[tuple]:
    """The runs of consecutive minutes out of adherence, with the planned and actual activity most seen in each."""
    out = []
    bad = np.flatnonzero(~match)
    if not len(bad):
        return out
    splits = np.flatnonzero((np.diff(bad) != 1) | (np.diff(minute[bad]) != 1)) + 1
    for run in np.split(bad, splits):
        first, last = int(minute[run[0]]), int(minute[run[-1]]) + 1
        out.append((aid, start + pd.Timedelta(minutes=first), start + pd.Timedelta(minutes=last), len(run),
                    _most(planned[run]), _most(actual[run])))
    return out


def _most(values: np.ndarray) -> str:
    kinds, counts = np.unique(values.astype(str), return_counts=True)
    return str(kinds[int(np.argmax(counts))])


def _sum(shifts: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    cols = ["scheduled_min", "adherent_min", "work_planned_min", "work_actual_min"]
    return shifts.groupby(by, sort=True)[cols].sum().reset_index()


def _ratios(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["adherence"] = out["adherent_min"] / out["scheduled_min"].where(out["scheduled_min"] > 0)
    out["conformance"] = out["work_actual_min"] / out["work_planned_min"].where(out["work_planned_min"] > 0)
    return out
