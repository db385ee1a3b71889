"""The floor of the rest of the day as the re-plan sees it: on-phone agents per queue and interval, and what one
agent more or less is worth.

Value is in calls answered within the queue's answer time, from Erlang (C, or A where the queue has a patience)
with the agents answering each queue first, plus (calls routed by skill) the idle time other queues' agents
holding its skill are expected to give it (`routing_help`); a shortfall below the queue's service-level target
counts `weight` times more. Values are taken on their least concave majorant in the number of agents, so a greedy search sees
the worth of staffing a swamped queue from its first agent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from wfm.config import Config
from wfm.staffing import service_level


@dataclass
class Day:
    """One agent's shift: its rows in the long table and the activity and queue of each interval."""

    agent_id: str
    date: object  # the roster date of the shift, as the long table holds it
    rows: np.ndarray
    stamps: list[pd.Timestamp]
    t: np.ndarray  # horizon index per interval, -1 outside the horizon
    acts: list[str]
    queues: list[str | None]
    skills: list[int]

    def home(self) -> str | None:
        """The queue the agent answers first in the rest of its shift (its most frequent one)."""
        future = [q for q, t, a in zip(self.queues, self.t, self.acts) if a == "work" and q and t >= 0] or \
                 [q for q, a in zip(self.queues, self.acts) if a == "work" and q]
        return max(sorted(set(future)), key=future.count) if future else None


class Floor:
    """The on-phone agents per queue and interval of the horizon, the value of one more or one less, and the calls
    each queue answers in time (a queue may not be pushed below its target, or below where it was if already
    under it)."""

    def __init__(self, calls: np.ndarray, aht: np.ndarray, config: Config, queues: list[str], supply: np.ndarray,
                 interval_s: int, weight: float, headroom: int = 0, help_from_others: np.ndarray | None = None,
                 minimum: np.ndarray | None = None, plan_calls: np.ndarray | None = None, margin: float = 0.0):
        qc = [config.queues[q] for q in queues]
        self.top = int(supply.sum(axis=0).max(initial=0)) + 2 + headroom
        n = np.arange(self.top + 1)[None, None, :]
        col = lambda vals: np.array(vals, dtype=float)[:, None, None]  # noqa: E731
        patience = col([np.nan if c.patience_s is None else c.patience_s for c in qc])
        target = col([c.sl_target for c in qc])

        def tables(volume: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            sl = service_level(volume[:, :, None], np.maximum(aht, 1.0)[:, :, None], n, interval_s=interval_s,
                               answer_time_s=col([c.answer_time_s for c in qc]), patience_s=patience)
            if help_from_others is not None:
                sl = _shifted(sl, help_from_others)
            return sl, concave_envelope(volume[:, :, None] * (sl - weight * np.clip(target - sl, 0.0, None)))

        self.sl, self.value = tables(calls)
        self.plan_value = tables(plan_calls)[1] if plan_calls is not None else None
        self.in_time = calls[:, :, None] * self.sl
        self.guarded = concave_envelope(self.in_time)  # calls in time as the search values them, for the floor
        self.supply = supply
        self.calls = calls
        total = calls.sum(axis=1)
        self.answered = self._answered(supply, self.guarded)
        # a queue that gives up agents keeps `margin` above its target (or all it had, if it had less)
        self.floor = np.minimum(np.minimum(target[:, 0, 0] + margin, 1.0) * total, self.answered) - 1e-9 \
            if minimum is None else minimum

    def _answered(self, supply: np.ndarray, table: np.ndarray) -> np.ndarray:
        q, t = np.indices(supply.shape)
        return table[q, t, np.minimum(supply, self.top)].sum(axis=1)

    def _n(self, q: int, t: np.ndarray, sign: int) -> tuple[np.ndarray, np.ndarray]:
        n = self.supply[q, t]
        return (np.minimum(n, self.top - 1), np.minimum(n, self.top - 1) + 1) if sign > 0 else \
            (np.maximum(n, 1) - 1, np.maximum(n, 1))

    def _gain(self, table: np.ndarray, moves: list[tuple[int, np.ndarray, int]]) -> float:
        total = 0.0
        for q, t, sign in moves:
            lo, hi = self._n(q, t, sign)
            total += float(sign * (table[q, t, hi] - table[q, t, lo]).sum())
        return total

    def worth(self, moves: list[tuple[int, np.ndarray, int]]) -> float:
        """Value of `moves` ((queue, horizon intervals, +1 for an agent more or -1 for one less), distinct per
        queue and interval). Where the plan's forecast is known, the part of it the change already had under that
        forecast is taken off: that is the model's quarrel with the roster, not news."""
        worth = self._gain(self.value, moves)
        if self.plan_value is not None:
            worth -= max(self._gain(self.plan_value, moves), 0.0)
        return worth

    def allowed(self, moves: list[tuple[int, np.ndarray, int]]) -> bool:
        """Whether `moves` ((queue, intervals, +1/-1), distinct per queue and interval) keep every queue they take
        from at its floor."""
        delta = np.zeros_like(self.answered)
        for q, t, sign in moves:
            lo, hi = self._n(q, t, sign)
            delta[q] += sign * (self.guarded[q, t, hi] - self.guarded[q, t, lo]).sum()
        return bool(((delta >= 0) | (self.answered + delta >= self.floor)).all())

    def apply(self, moves: list[tuple[int, np.ndarray, int]]) -> None:
        for q, t, sign in moves:
            lo, hi = self._n(q, t, sign)
            self.answered[q] += sign * (self.guarded[q, t, hi] - self.guarded[q, t, lo]).sum()
            np.add.at(self.supply[q], t, sign)

    def service(self, supply: np.ndarray) -> np.ndarray:
        """Calls-weighted service level per queue with `supply`."""
        total = self.calls.sum(axis=1)
        return np.where(total > 0, self._answered(supply, self.in_time) / np.where(total > 0, total, 1), np.nan)


def _shifted(table: np.ndarray, offset: np.ndarray) -> np.ndarray:
    """`table[q, t, n + offset[q, t]]` by linear interpolation along n (the last value beyond the end)."""
    top = table.shape[-1] - 1
    x = np.clip(np.arange(top + 1)[None, None, :] + offset[:, :, None], 0, top)
    i = np.minimum(np.floor(x).astype(int), max(top - 1, 0))
    f = np.clip(x - i, 0.0, 1.0)
    lo = np.take_along_axis(table, i, axis=-1)
    hi = np.take_along_axis(table, np.minimum(i + 1, top), axis=-1)
    return lo + f * (hi - lo)


def routing_help(days: list[Day], supply: np.ndarray, calls: np.ndarray, aht: np.ndarray, interval_s: int,
                 queues: list[str], efficiency: float = 0.5) -> np.ndarray:
    """Agent-equivalents each queue gets per interval from agents who answer another queue first and hold its
    skill (calls routed by skill): each such agent's idle share on its own queue (Erlang: agents - traffic, over
    agents), split over its other skills by their traffic, times `efficiency` (idle time is what keeps the own
    queue's waits short, and comes in scraps). Taken from the plan as it stands."""
    qi = {q: i for i, q in enumerate(queues)}
    load = calls * aht / interval_s
    idle = np.where(supply > 0, np.clip(supply - load, 0.0, None) / np.maximum(supply, 1), 0.0)
    help_ = np.zeros_like(load)
    for d in days:
        for j in np.flatnonzero(d.t >= 0):
            if d.acts[j] != "work" or d.queues[j] not in qi:
                continue
            p, t = qi[d.queues[j]], d.t[j]
            other = [q for q in d.skills if q != p]
            weight = load[other, t]
            if other and weight.sum() > 0 and idle[p, t] > 0:
                help_[other, t] += efficiency * idle[p, t] * weight / weight.sum()
    return help_


def concave_envelope(value: np.ndarray) -> np.ndarray:
    """The least concave majorant of `value` along its last axis (agents). Below the traffic load one more agent
    answers nothing in time under Erlang C, so a one-agent-at-a-time search would never start to staff a swamped
    queue; on the envelope each agent is worth its share of the agents it takes to get there."""
    flat = value.reshape(-1, value.shape[-1])
    out = np.empty_like(flat)
    n = np.arange(flat.shape[1], dtype=float)
    for i, v in enumerate(flat):
        hull: list[int] = []
        for k in range(len(v)):
            while len(hull) >= 2 and (v[hull[-1]] - v[hull[-2]]) * (k - hull[-1]) <= \
                    (v[k] - v[hull[-1]]) * (hull[-1] - hull[-2]):
                hull.pop()
            hull.append(k)
        out[i] = np.interp(n, n[hull], v[hull])
    return out.reshape(value.shape)
