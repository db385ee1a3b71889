"""Training, meetings and coaching re-seated after hand edits.

When HR moves a shift, types LEAVE or TRN over it, or adds a shift on a rest day, the edited day is rebuilt
from its shift template with lunch and breaks only; the sessions it held (the daily learning, the weekly case
review) would be lost and `wfm check` would report the week short of them. `reseat_sessions` puts them back:
each of the agent's weeks touched by an edit gets the session minutes its working days call for (as the
checker counts them), placed first in the edited days' shifts at the clock time the session had, else the
nearest free working stretch, then in the agent's other shifts of that week, nearest day first (a later day
before an earlier one); a class longer than any free stretch goes in parts, the working intervals nearest its
clock time first.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

import numpy as np
import pandas as pd

from wfm.calendar import week_blocks
from wfm.config import Config, TrainingActivity
from wfm.readers.agents import Agent
from wfm.roster.checker import activity_runs

SESSION_ACTIVITIES = ("training", "meeting", "coaching")


def _eligible(tr: TrainingActivity, agent: Agent, day: dt.date) -> bool:
    if tr.who == "all":
        return True
    if tr.who == "new_hires":
        return agent.training_until is not None and day <= agent.training_until
    return agent.team == tr.who


def session_blocks(agent: Agent, shift_days: list[dt.date], whole_period: bool, config: Config,
                   ) -> dict[str, list[int]]:
    """Per activity, the session lengths (in intervals) a block of days needs: a daily session on every shift
    day, a weekly one once in a week with a shift, a once-per-period one once in the period."""
    iv = config.centre.interval_minutes
    out: dict[str, list[int]] = defaultdict(list)
    for tr in config.training:
        n = math.ceil(tr.minutes / iv)
        days = [d for d in shift_days if _eligible(tr, agent, d)]
        if tr.frequency == "daily":
            out[tr.activity] += [n] * len(days)
        elif days and (tr.frequency == "weekly" or (tr.frequency == "once" and whole_period)):
            out[tr.activity].append(n)
    return out


def _minutes_off(stamps: np.ndarray, first: pd.Timestamp, hint: pd.Timestamp | None) -> np.ndarray:
    """Minutes from each of a shift's `stamps` to where a session should sit: the hint's clock time on the
    shift's day (a night shift's time may fall on the next calendar day), or the shift's second hour."""
    if hint is None:
        target = first + pd.Timedelta(hours=1)
    else:
        target = pd.Timestamp.combine(first.date(), hint.time())
        if target < first:
            target += pd.Timedelta(days=1)
    return np.abs((stamps - np.datetime64(target)).astype("timedelta64[m]").astype(np.int64))


def _seat(day_rows: pd.DataFrame, kind: str, n: int, hint: pd.Timestamp | None) -> pd.Timestamp | None:
    """Turn n consecutive work intervals of one agent-day into `kind`, starting as near the hint's clock
    time as possible (the shift's second hour without a hint); the chosen start, or None if no room."""
    acts = day_rows["activity"].to_numpy()
    stamps = pd.to_datetime(day_rows["interval_start"]).to_numpy()
    if len(acts) < n:
        return None
    work = acts == "work"
    free = np.convolve(work.astype(int), np.ones(n, dtype=int), mode="valid") == n
    options = np.flatnonzero(free)
    if options.size == 0:
        return None
    at = int(options[int(np.argmin(_minutes_off(stamps[options], pd.Timestamp(stamps[0]), hint)))])
    idx = day_rows.index[at:at + n]
    day_rows.loc[idx, "activity"] = kind
    day_rows.loc[idx, "queue"] = None
    return pd.Timestamp(stamps[at])


def reseat_sessions(before: pd.DataFrame, after: pd.DataFrame, edits: pd.DataFrame, agents: dict[str, Agent],
                    config: Config, start: dt.date, days: int) -> tuple[pd.DataFrame, list[str]]:
    """The edited roster with each touched week's sessions complete again, and a note per session placed.

    `before` is the roster as written, `after` with the edits applied (edited days rebuilt without sessions),
    `edits` has agent_id, date, was, now. Weeks are the roster's weeks (`rules.week_start`), as the checker
    counts them. A session that finds no free working stretch in the week is left out with a note (the
    checker then reports the week)."""
    if edits is None or edits.empty:
        return after, []
    out = after.copy()
    out["date"] = pd.to_datetime(out["date"]).dt.date
    old = before.assign(date=pd.to_datetime(before["date"]).dt.date)
    week_of = {start + dt.timedelta(days=i): w for w, block in enumerate(week_blocks(start, days,
                                                                                   config.rules.first_weekday))
               for i in block}
    touched: dict[tuple[str, int], list[dt.date]] = defaultdict(list)
    for r in edits.itertuples(index=False):
        d = pd.Timestamp(r.date).date()
        if r.agent_id in agents and d in week_of:
            touched[r.agent_id, week_of[d]].append(d)
    notes: list[str] = []
    replaced, rebuilt = [], []  # the touched agent-weeks (disjoint slices of `out`) and their new rows
    for (aid, week), edited in sorted(touched.items()):
        agent = agents[aid]
        week_days = [d for d, w in week_of.items() if w == week]
        mine = out[(out["agent_id"] == aid) & out["date"].isin(week_days)]
        shift_days = sorted(mine["date"].unique())
        want = session_blocks(agent, shift_days, days <= 7, config)
        hints = _lost_runs(old, aid, edited)
        per_day = {d: g.sort_values("interval_start").copy() for d, g in mine.groupby("date")}
        for kind, blocks in want.items():
            have = int((mine["activity"] == kind).sum())
            missing = sum(blocks) - have
            queue = sorted(blocks, reverse=True)
            kind_hints = [h for h in hints if h[0] == kind]
            while missing > 0 and queue:
                n = min(queue.pop(0), missing)
                hint = next((h for h in kind_hints if h[2] == n), kind_hints[0] if kind_hints else None)
                if hint is not None:
                    kind_hints.remove(hint)
                placed = _place_in_week(per_day, edited, kind, n, hint)
                if placed is None:
                    notes.append(f"{aid}: no free working stretch of {n * config.centre.interval_minutes} min "
                                 f"left for {kind} in the week from {week_days[0]}")
                    break
                missing -= n
                notes.append(f"{aid}: {kind} {n * config.centre.interval_minutes} min placed on {placed:%Y-%m-%d} "
                             f"at {placed:%H:%M} (after the hand edit of {', '.join(map(str, sorted(edited)))})")
        replaced.append(mine.index)
        rebuilt.extend(per_day.values())
    out = pd.concat([out.drop([i for idx in replaced for i in idx]), *rebuilt], ignore_index=True)
    out = out.sort_values(["agent_id", "interval_start"], kind="stable").reset_index(drop=True)
    return out, notes


def _lost_runs(old: pd.DataFrame, aid: str, edited: list[dt.date]):
    """Session runs the edited days held before the edit, as (activity, clock start, length) hints."""
    was = old[(old["agent_id"] == aid) & old["date"].isin(edited)].sort_values("interval_start")
    starts = list(pd.to_datetime(was["interval_start"]))
    return [(kind, starts[i], n) for kind, i, n in activity_runs(was["activity"].tolist(), SESSION_ACTIVITIES)]


def _place_in_week(per_day: dict[dt.date, pd.DataFrame], edited: list[dt.date], kind: str, n: int,
                   hint: tuple[str, pd.Timestamp, int] | None) -> pd.Timestamp | None:
    """Seat one session: the edited days first, then the other shift days nearest to the first edit, a later
    day before an earlier one (an edit is often made mid-week, when the days before it have been worked)."""
    anchor = min(edited)
    order = sorted(per_day, key=lambda d: (d not in edited, abs((d - anchor).days), d < anchor))
    for d in order:
        placed = _seat(per_day[d], kind, n, hint[1] if hint else None)
        if placed is not None:
            return placed
    # no stretch long enough (a half-day class in shifts cut by lunch and breaks): the session in parts, the
    # work intervals nearest its clock time on the same days in the same order
    free = sum(int((per_day[d]["activity"] == "work").sum()) for d in order)
    if free < n:
        return None
    first, left = None, n
    for d in order:
        if left <= 0:
            break
        at, taken = _seat_parts(per_day[d], kind, left, hint[1] if hint else None)
        first = first if first is not None else at
        left -= taken
    return first


def _seat_parts(day_rows: pd.DataFrame, kind: str, n: int, hint: pd.Timestamp | None
                ) -> tuple[pd.Timestamp | None, int]:
    """Turn up to n work intervals of one agent-day into `kind`, those nearest the hint's clock time first;
    the earliest one turned (None when the day has no work left) and how many were turned."""
    work = np.flatnonzero(day_rows["activity"].to_numpy() == "work")
    if work.size == 0:
        return None, 0
    stamps = pd.to_datetime(day_rows["interval_start"]).to_numpy()
    gap = _minutes_off(stamps[work], pd.Timestamp(stamps[0]), hint)
    take = np.sort(work[np.argsort(gap, kind="stable")[:n]])
    idx = day_rows.index[take]
    day_rows.loc[idx, "activity"] = kind
    day_rows.loc[idx, "queue"] = None
    return pd.Timestamp(stamps[take[0]]), len(take)


__all__ = ["reseat_sessions", "session_blocks", "SESSION_ACTIVITIES"]
