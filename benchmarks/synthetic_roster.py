"""Synthetic inputs for `bench_simulation.py` (moved out of `wfm`: nothing in the package or the tests uses it):
a profile forecast from a history, and a simple greedy roster long table (NOT an optimised or rule-checked
roster: 9-hour shifts with lunch and two breaks, at most 5 shifts a week and 12 h rest per agent, queues
assigned per interval to the largest remaining Erlang requirement the agent is skilled for).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from wfm.config import Config
from wfm.readers.agents import Agent


def profile_forecast(history: pd.DataFrame, start: dt.date, days: int, *, weeks: int = 4,
                     scale: float = 1.0) -> pd.DataFrame:
    """Forecast = mean of the same weekday and time over the last `weeks` weeks of history, times `scale`.

    Columns `interval_start, queue, calls, aht_s` (AHT: the queue's mean where the history had no calls)."""
    h = history.copy()
    h["interval_start"] = pd.to_datetime(h["interval_start"])
    end = pd.Timestamp(start)
    h = h[(h["interval_start"] >= end - pd.Timedelta(weeks=weeks)) & (h["interval_start"] < end)]
    h["dow"] = h["interval_start"].dt.dayofweek
    h["tod"] = h["interval_start"] - h["interval_start"].dt.normalize()
    h["work"] = h["offered"].astype(float) * h["aht_s"].astype(float).fillna(0.0)
    g = h.groupby(["queue", "dow", "tod"]).agg(calls=("offered", "mean"), work=("work", "mean")).reset_index()
    with np.errstate(invalid="ignore", divide="ignore"):
        g["aht_s"] = np.where(g["calls"] > 0, g["work"] / g["calls"], np.nan)
    tot = g.groupby("queue")[["work", "calls"]].sum()
    mean_aht = (tot["work"] / tot["calls"].where(tot["calls"] > 0)).fillna(300.0)
    g["aht_s"] = g["aht_s"].fillna(g["queue"].map(mean_aht))
    frames = []
    for d in range(days):
        day = pd.Timestamp(start) + pd.Timedelta(days=d)
        part = g[g["dow"] == day.dayofweek]
        frames.append(pd.DataFrame({"interval_start": day + part["tod"].to_numpy(), "queue": part["queue"].to_numpy(),
                                    "calls": part["calls"].to_numpy() * scale, "aht_s": part["aht_s"].to_numpy()}))
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["interval_start", "queue"], kind="stable").reset_index(drop=True)


def greedy_roster(forecast: pd.DataFrame, agents: Sequence[Agent], config: Config, start: dt.date, days: int, *,
                  shift_h: float = 9.0, seed: int = 0) -> pd.DataFrame:
    """A roster long table (`agent_id, date, interval_start, activity, queue`) covering the Erlang requirement
    of `forecast` as well as a greedy heuristic manages with `agents`."""
    from wfm.staffing import staff

    rng = np.random.default_rng(seed)
    queues = list(config.queues)
    qpos = {q: i for i, q in enumerate(queues)}
    im = config.centre.interval_minutes
    per_day = 1440 // im
    n_t = (days + 1) * per_day
    t0 = pd.Timestamp(start)
    req_df = staff(forecast, config.queues, interval_s=im * 60, shrinkage=0.0)
    ti = ((pd.to_datetime(req_df["interval_start"]) - t0) // pd.Timedelta(minutes=im)).to_numpy()
    ok = (ti >= 0) & (ti < n_t)
    req = np.zeros((n_t, len(queues)))
    req[ti[ok], req_df["queue"].map(qpos).to_numpy()[ok]] = req_df["agents"].to_numpy()[ok]
    length = int(round(shift_h * 60 / im))
    h = 60 // im if im <= 60 else 1
    offsets = {"break": [2 * h, int(6.5 * h)], "lunch": [4 * h + i for i in range(h)]}
    off_mask = np.zeros(length, dtype=bool)
    for v in offsets.values():
        off_mask[v] = True
    heads_needed = req.sum(axis=1) / (1.0 - off_mask.mean())
    cover = np.zeros(n_t)
    people = [a for a in agents if not a.is_supervisor] + [a for a in agents if a.is_supervisor]
    worked = np.zeros(len(people), dtype=int)
    last_end = np.full(len(people), -10**9)
    week_cap = 5
    shifts: list[tuple[int, int]] = []  # (agent index, start interval)
    starts = np.arange(0, per_day, max(1, 30 // im))
    max_per_day = max(1, len(people) * week_cap // 7)  # spread the week's shifts over its days
    for d in range(days):
        if d % 7 == 0:
            worked[:] = 0
        used = set()
        while len(used) < max_per_day:
            deficit = np.maximum(heads_needed - cover, 0.0)
            gain = np.array([deficit[d * per_day + s: d * per_day + s + length].sum() for s in starts])
            best = int(np.argmax(gain))
            if gain[best] < 1.0:
                break
            s = d * per_day + int(starts[best])
            rest = 12 * 60 // im
            cand = [i for i in range(len(people)) if i not in used and worked[i] < week_cap
                    and last_end[i] + rest <= s]
            if not cand:
                break
            # prefer agents skilled for the queues short in this window, then the least worked
            short = req[s:s + length].sum(axis=0)
            score = [(-sum(short[qpos[q]] for q in people[i].skills if q in qpos) / max(1, len(people[i].skills)),
                      worked[i], rng.random()) for i in cand]
            i = cand[min(range(len(cand)), key=score.__getitem__)]
            used.add(i)
            worked[i] += 1
            last_end[i] = s + length
            cover[s:s + length] += ~off_mask
            shifts.append((i, s))
    # activities and queues
    rows = []
    assigned = np.zeros((n_t, len(queues)))
    prio = np.array([config.queues[q].priority for q in queues], dtype=float)
    plan: dict[int, list[tuple[int, int]]] = {}
    for k, (i, s) in enumerate(shifts):
        shift_off = {o + (k % 3) - 1: act for act, v in offsets.items() for o in v}  # stagger breaks
        for o in range(length):
            t = s + o
            act = shift_off.get(o, "work")
            if act == "work":
                plan.setdefault(t, []).append((i, k))
            rows.append((i, s, t, act, k))
    queue_of: dict[tuple[int, int], str] = {}
    for t, on in plan.items():
        on = sorted(on, key=lambda x: len(people[x[0]].skills))  # scarce skill holders first
        for i, k in on:
            sk = [qpos[q] for q in people[i].skills if q in qpos]
            q = max(sk, key=lambda j: (req[t, j] - assigned[t, j], prio[j]))
            assigned[t, q] += 1
            queue_of[(t, k)] = queues[q]
    out = []
    for i, s, t, act, k in rows:
        out.append((people[i].agent_id, (t0 + pd.Timedelta(days=s // per_day)).date().isoformat(),
                    t0 + pd.Timedelta(minutes=im * t), act, queue_of.get((t, k)) if act == "work" else None))
    df = pd.DataFrame(out, columns=["agent_id", "date", "interval_start", "activity", "queue"])
    df["date"] = pd.to_datetime(df["date"])
    return df.sort_values(["agent_id", "interval_start"], kind="stable").reset_index(drop=True)
