"""Re-plan the rest of the day against a re-forecast, changing only what may move under the hard rules.

What moves (nothing that starts before the cutoff): breaks, lunch and individual training or coaching out of
the intervals where they now cost most, within the break rules of the config (validated by the independent
checker's own break rule, so the result passes `wfm check`); the first-call queue of multi-skilled agents over
a stretch of their shift (`wfm.intraday.reskill`); then overtime offers (`wfm.intraday.overtime`). Group
sessions (a team's meeting) stay where they are.

Every change is scored by the calls it answers within each queue's answer time, from Erlang (C, or A where the
queue has a patience) with the agents answering each queue first, and a shortfall below a queue's service-level
target counts `below_target_weight` times more, in each interval and (`per_day`) on the queue's rest of the day,
so help for a surged queue is not taken from a queue it would push under target. Greedy and deterministic.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wfm.calendar import time_span
from wfm.config import Config
from wfm.readers.agents import Agent
from wfm.roster.checker import Shift, activity_runs, check_breaks
from wfm.intraday.floor import Day, Floor, skill_mix
from wfm.intraday.overtime import OvertimeSettings, offer_overtime
from wfm.intraday.reskill import switch_queue, switched_stretches
from wfm.staffing import staff

OFF_PHONE = ("break", "lunch", "training", "coaching", "meeting")
CHANGE_COLUMNS = ["agent_id", "change", "from", "was", "now", "why"]
SERVICE_COLUMNS = ["queue", "calls", "target", "before", "after"]


@dataclass(frozen=True)
class ReplanSettings:
    below_target_weight: float = 2.0  # a call answered late below target weighs this much more
    min_gain_calls: float = 2.0  # a change must be worth at least this many calls answered in time
    sweeps: int = 2
    margin: float = 0.05  # a queue that gives up agents stays this far above its target (the model's error)
    per_day: bool = True  # a shortfall counts on a queue's rest of the day (its answer rate), not per interval
    overtime: OvertimeSettings | None = OvertimeSettings()  # None: no overtime offers


@dataclass
class Replan:
    """`roster`: the long table with the changes; `changes`: `CHANGE_COLUMNS`; `service`: Erlang service level
    per queue from the cutoff to the end of the day, before and after the changes (`SERVICE_COLUMNS`);
    `requirements`: the re-staffed rest of the day (`wfm staff` columns)."""

    roster: pd.DataFrame
    changes: pd.DataFrame
    service: pd.DataFrame
    requirements: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def replan(roster: pd.DataFrame, forecast: pd.DataFrame, agents: list[Agent], config: Config,
           cutoff: pd.Timestamp, *, period: tuple[dt.date, int] | None = None,
           settings: ReplanSettings = ReplanSettings()) -> Replan:
    """Re-plan `roster` (the long table) from `cutoff` to the end of its day against `forecast` (`interval_start,
    queue, calls, aht_s`: the re-forecast; with `forecast_calls`, the plan's forecast, a change counts only for
    what it is worth beyond its worth under the plan's forecast, so the re-plan reacts to the news and does not
    re-optimise what the roster decided). `period` (first day, days) is the roster's, for the hours rules of
    overtime offers (default: the dates the roster holds)."""
    queues = list(config.queues)
    qi = {q: i for i, q in enumerate(queues)}
    fc, ti, calls, aht, planned = _horizon(forecast, cutoff, queues, config.centre.interval_minutes)
    roster = roster.copy()
    days = _days(roster, agents, queues, ti)

    def mix() -> np.ndarray | None:
        return skill_mix(days, calls * aht / config.centre.interval_s, queues) \
            if config.centre.queue_assignment == "routing" else None

    def floor_of(supply: np.ndarray, minimum: np.ndarray | None = None) -> Floor:
        return Floor(calls, aht, config, queues, supply, config.centre.interval_s, settings.below_target_weight,
                     headroom=len(days), mix=mix(), minimum=minimum, plan_calls=planned, margin=settings.margin,
                     per_day=settings.per_day)

    before = _supply(days, qi, calls.shape)
    base = floor_of(before.copy())
    service_before = base.service()
    fixed = {tr.activity for tr in config.training if tr.group}
    originals = [(list(d.acts), list(d.queues)) for d in days]
    journal: list[tuple[Day, list[str], list[str | None]]] = []  # each accepted move: the shift before it
    floor = base
    for sweep in range(settings.sweeps):
        if sweep:  # others' help as the moves so far left it
            floor = floor_of(_supply(days, qi, calls.shape), base.floor)
        for d in days:
            _move_blocks(d, floor, config, queues, fixed, settings.min_gain_calls, journal)
        for d in sorted(days, key=lambda d: (len(d.skills), d.agent_id)):
            switch_queue(d, floor, queues, settings.min_gain_calls, journal)
    # a move let through provisionally (a swamped interval's first agents) stays only if the plan ends at every
    # queue's floor; otherwise the latest moves are undone until it does
    while journal and not base.meets_floor(_supply(days, qi, calls.shape), mix()):
        d, acts, qs = journal.pop()
        d.acts, d.queues = acts, qs
    for d in days:
        roster.loc[d.rows, "activity"] = d.acts
        roster.loc[d.rows, "queue"] = d.queues
    floor = floor_of(_supply(days, qi, calls.shape), base.floor)
    offers: list[tuple] = []
    if settings.overtime is not None:
        if period is None:
            first, last = pd.to_datetime(roster["date"]).min().date(), pd.to_datetime(roster["date"]).max().date()
            period = (first, (last - first).days + 1)
        roster, offers = offer_overtime(roster, days, floor, agents, config, cutoff, ti, period, settings.overtime)
    req = staff(fc.sort_values(["interval_start", "queue"]).reset_index(drop=True), config.queues,
                interval_s=config.centre.interval_s, shrinkage=0.0)
    need = np.zeros_like(before)
    for r in req.itertuples(index=False):
        if r.queue in qi and r.interval_start in ti:
            need[qi[r.queue], ti[r.interval_start]] = r.agents
    changes = [c for d, (acts, qs) in zip(days, originals)
               for c in _describe(d, acts, qs, before, need, qi)] + offers
    service = pd.DataFrame({"queue": queues, "calls": calls.sum(axis=1),
                            "target": [config.queues[q].sl_target for q in queues],
                            "before": service_before, "after": floor.service()})
    return Replan(roster, pd.DataFrame(changes, columns=CHANGE_COLUMNS), service[SERVICE_COLUMNS], req)


def _horizon(forecast: pd.DataFrame, cutoff: pd.Timestamp, queues: list[str], iv: int):
    """The re-forecast from the cutoff to the end of its day: rows, interval index, calls and AHT (queue x t), and
    the plan's calls (`forecast_calls`, None without that column)."""
    end = cutoff.normalize() + pd.Timedelta(days=1)
    stamps = pd.date_range(cutoff, end, freq=pd.Timedelta(minutes=iv), inclusive="left")
    qi = {q: i for i, q in enumerate(queues)}
    fc = forecast[(forecast["interval_start"] >= cutoff) & (forecast["interval_start"] < end)]
    calls = np.zeros((len(queues), len(stamps)))
    aht = np.full_like(calls, 300.0)
    planned = np.zeros_like(calls) if "forecast_calls" in fc.columns else None
    ti = {ts: i for i, ts in enumerate(stamps)}
    for r in fc.itertuples(index=False):
        if r.queue in qi and r.interval_start in ti:
            calls[qi[r.queue], ti[r.interval_start]] = r.calls
            aht[qi[r.queue], ti[r.interval_start]] = r.aht_s
            if planned is not None:
                planned[qi[r.queue], ti[r.interval_start]] = r.forecast_calls
    return fc, ti, calls, aht, planned


def _supply(days: list[Day], qi: dict[str, int], shape: tuple[int, int]) -> np.ndarray:
    """First-call agents on the phone per queue and horizon interval."""
    supply = np.zeros(shape, dtype=int)
    for d in days:
        for j in np.flatnonzero(d.t >= 0):
            if d.acts[j] == "work" and d.queues[j] in qi:
                supply[qi[d.queues[j]], d.t[j]] += 1
    return supply


def _days(roster: pd.DataFrame, agents: list[Agent], queues: list[str], ti: dict) -> list[Day]:
    """The shifts with at least one interval in the horizon."""
    skills = {a.agent_id: [i for i, q in enumerate(queues) if q in a.skills] for a in agents}
    inside = roster["interval_start"].isin(ti.keys())
    keys = set(zip(roster.loc[inside, "agent_id"], roster.loc[inside, "date"]))
    out = []
    for (aid, date), g in roster[[k in keys for k in zip(roster["agent_id"], roster["date"])]].groupby(
            ["agent_id", "date"], sort=True):
        g = g.sort_values("interval_start")
        stamps = list(g["interval_start"])
        out.append(Day(aid, date, g.index.to_numpy(), stamps, np.array([ti.get(ts, -1) for ts in stamps]),
                        list(g["activity"]), [q if isinstance(q, str) and q else None for q in g["queue"]],
                        skills.get(aid, [])))
    return out


def _break_problems(d: Day, acts: list[str], config: Config) -> set[str]:
    """What the checker's break rule says of the shift with these activities."""
    step = pd.Timedelta(minutes=config.centre.interval_minutes)
    shift = Shift(d.agent_id, d.stamps[0].date(), d.stamps[0].to_pydatetime(),
                  (d.stamps[-1] + step).to_pydatetime(), acts, [None] * len(acts))
    return {v.message for v in check_breaks([shift], config)}


def _move_blocks(d: Day, floor: Floor, config: Config, queues: list[str], fixed: set[str],
                 min_gain: float, journal: list) -> None:
    """Move each off-phone block of the shift that has not started to where it costs least, if worth it."""
    home = d.home()
    if home is None:
        return
    hq = queues.index(home)
    known = _break_problems(d, d.acts, config)  # a shift already off the rules may not get worse
    for kind, j, n in activity_runs(d.acts, OFF_PHONE):
        if kind in fixed or (d.t[j:j + n] < 0).any() or d.acts[j:j + n] != [kind] * n:
            continue
        old = set(range(j, j + n))
        scored = []
        for p in range(len(d.acts) - n + 1):
            new = set(range(p, p + n))
            if p == j or (d.t[p:p + n] < 0).any() or any(d.acts[x] != "work" for x in new - old):
                continue
            freed, taken = sorted(old - new), sorted(new - old)
            moves = [(hq, d.t[freed], +1)] + [(queues.index(d.queues[x]), d.t[[x]], -1) for x in taken]
            gain = floor.worth(moves)
            if gain > min_gain:
                scored.append((-gain, p, freed, taken, moves))
        for _, _p, freed, taken, moves in sorted(scored, key=lambda s: (s[0], s[1])):
            acts = list(d.acts)
            for x in freed:
                acts[x] = "work"
            for x in taken:
                acts[x] = kind
            if not floor.allowed(moves, d.skills) or not _break_problems(d, acts, config) <= known:
                continue
            floor.apply(moves, d.skills)
            journal.append((d, list(d.acts), list(d.queues)))
            for x in taken:
                d.queues[x] = None
            for x in freed:
                d.queues[x] = home
            d.acts = acts
            break


def _describe(d: Day, acts: list[str], qs: list[str | None], supply: np.ndarray, need: np.ndarray,
              qi: dict[str, int]) -> list[tuple]:
    """The changes of one shift as the duty manager reads them: off-phone blocks moved, first-call queue."""
    out = []
    hm = lambda j: d.stamps[j].strftime("%H:%M")  # noqa: E731
    step = d.stamps[1] - d.stamps[0] if len(d.stamps) > 1 else pd.Timedelta(0)
    span = lambda j, n: time_span(d.stamps[j], d.stamps[j + n - 1] + step)  # noqa: E731
    was_blocks, now_blocks = activity_runs(acts, OFF_PHONE), activity_runs(d.acts, OFF_PHONE)
    for kind in OFF_PHONE:
        a = [(j, n) for k, j, n in was_blocks if k == kind]
        b = [(j, n) for k, j, n in now_blocks if k == kind]
        for (j0, n0), (j1, n1) in zip(a, b):
            if (j0, n0) == (j1, n1):
                continue
            q = d.home()
            t = d.t[j0]
            why = (f"{q} has {supply[qi[q], t]} of {need[qi[q], t]} agents needed at {hm(j0)}" if q and t >= 0
                   else "")
            out.append((d.agent_id, f"{kind} moved", hm(min(j0, j1)), span(j0, n0), span(j1, n1), why))
    last_work = max((x for x in range(len(d.acts)) if d.acts[x] == "work"), default=-1)
    for x, y, old, new in switched_stretches(d, acts, qs):
        t = d.t[x]
        now = new if y == last_work else f"{new} until {(d.stamps[y] + step).strftime('%H:%M')}"
        why = (f"{new} has {supply[qi[new], t]} of {need[qi[new], t]} needed, {old} {supply[qi[old], t]} of "
               f"{need[qi[old], t]} at {hm(x)}")
        out.append((d.agent_id, "first-call queue", hm(x), old, now, why))
    return out
