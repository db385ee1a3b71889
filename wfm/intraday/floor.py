"""The floor of the rest of the day as the re-plan sees it: on-phone agents per queue and interval, and what one
agent more or less is worth.

Value is in calls answered within the queue's answer time, from Erlang (C, or A where the queue has a patience)
with the agents answering each queue first, plus (calls routed by skill) the idle time other queues' agents
holding its skill are expected to give it (half their idle time, `Floor.help_from`). A shortfall below the
queue's service-level target counts `weight` times more, in each interval and (`per_day`) once more on the
queue's calls answered in time over the rest of the day, as its answer rate is judged: a queue a surge has put
under its day's target outbids one that stays over it, even where both are short in the same interval. Values
are taken on their least concave majorant in the number of agents, so a greedy search sees the worth of staffing
a swamped queue from its first agent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from wfm.config import Config
from wfm.staffing import service_level

ROUTING_EFFICIENCY = 0.5  # idle time keeps the own queue's waits short and comes in scraps


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
    under it).

    Under skill routing the help a queue gets from other queues' agents (`help_from`) is kept up to date with
    every move, from `mix` (see `skill_mix`): a move can lower a queue it does not touch (an agent taken off its
    own queue leaves that queue's other agents less idle time to give), and the floor guards every queue as the
    final service levels count it."""

    def __init__(self, calls: np.ndarray, aht: np.ndarray, config: Config, queues: list[str], supply: np.ndarray,
                 interval_s: int, weight: float, headroom: int = 0, mix: np.ndarray | None = None,
                 minimum: np.ndarray | None = None, plan_calls: np.ndarray | None = None, margin: float = 0.0,
                 per_day: bool = False):
        qc = [config.queues[q] for q in queues]
        self.top = int(supply.sum(axis=0).max(initial=0)) + 2 + headroom
        n = np.arange(self.top + 1)[None, None, :]
        col = lambda vals: np.array(vals, dtype=float)[:, None, None]  # noqa: E731
        patience = col([np.nan if c.patience_s is None else c.patience_s for c in qc])
        target = col([c.sl_target for c in qc])
        self.load = calls * aht / interval_s
        self.supply = supply
        self.mix = mix
        self.calls = calls
        shared = self.help_from(supply, mix)

        def tables(volume: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            sl = service_level(volume[:, :, None], np.maximum(aht, 1.0)[:, :, None], n, interval_s=interval_s,
                               answer_time_s=col([c.answer_time_s for c in qc]), patience_s=patience)
            helped = _shifted(sl, shared)
            value = volume[:, :, None] * (helped - weight * np.clip(target - helped, 0.0, None))
            return sl, concave_envelope(value), concave_envelope(volume[:, :, None] * helped)

        # service level by first-call agents without help; value; calls in time as the search values them
        self.erlang, self.value, self.guarded = tables(calls)
        plan_tables = tables(plan_calls) if plan_calls is not None else None
        self.plan_value = plan_tables[1] if plan_tables is not None else None
        total = calls.sum(axis=1)
        self.answered = self._answered(supply, mix)
        self.per_day = per_day
        if per_day:  # the shortfall is the queue's over the rest of the day, as its answer rate is judged
            self.weight = weight
            self.due = target[:, 0, 0] * total
            self.plan_guarded, self.plan_due, self.plan_answered = None, None, None
            if plan_tables is not None:
                plan_erlang, _, self.plan_guarded = plan_tables
                self.plan_due = target[:, 0, 0] * plan_calls.sum(axis=1)
                self.plan_erlang, self.plan_calls = plan_erlang, plan_calls
                self.plan_answered = self._answered(supply, mix, plan=True)
        # a queue that gives up agents keeps `margin` above its target (or all it had, if it had less)
        self.floor = np.minimum(np.minimum(target[:, 0, 0] + margin, 1.0) * total, self.answered) - 1e-9 \
            if minimum is None else minimum

    def help_from(self, supply: np.ndarray, mix: np.ndarray | None) -> np.ndarray:
        """Agent-equivalents each queue gets per interval from agents answering another queue first: their own
        queue's idle share (Erlang: agents - traffic, over agents) spread by `mix`, times ROUTING_EFFICIENCY."""
        if mix is None:
            return np.zeros(supply.shape)
        idle = np.where(supply > 0, np.clip(supply - self.load, 0.0, None) / np.maximum(supply, 1), 0.0)
        return ROUTING_EFFICIENCY * np.einsum("pt,pqt->qt", idle, mix)

    def _answered(self, supply: np.ndarray, mix: np.ndarray | None, plan: bool = False) -> np.ndarray:
        """Calls answered in time per queue with `supply` first-call agents and the help `mix` gives (under the
        plan's forecast with `plan`)."""
        erlang, calls = (self.plan_erlang, self.plan_calls) if plan else (self.erlang, self.calls)
        x = np.clip(supply + self.help_from(supply, mix), 0, self.top)
        i = np.minimum(np.floor(x).astype(int), max(self.top - 1, 0))
        q, t = np.indices(supply.shape)
        lo, hi = erlang[q, t, i], erlang[q, t, np.minimum(i + 1, self.top)]
        return (calls * (lo + np.clip(x - i, 0.0, 1.0) * (hi - lo))).sum(axis=1)

    def _day_gain(self, moves: list[tuple[int, np.ndarray, int]], plan: bool) -> float:
        """Change of minus `weight` times each queue's shortfall of calls answered in time under its target over
        the rest of the day, when `moves` change them."""
        table, answered, due = (self.plan_guarded, self.plan_answered, self.plan_due) if plan else \
            (self.guarded, self.answered, self.due)
        delta = np.zeros(len(answered))
        for q, t, sign in moves:
            delta[q] += self._steps(table, q, t, sign).sum()
        short = lambda a: np.clip(due - a, 0.0, None)  # noqa: E731
        return float(-self.weight * (short(answered + delta) - short(answered)).sum())

    def _n(self, q: int, t: np.ndarray, sign: int) -> tuple[np.ndarray, np.ndarray]:
        n = self.supply[q, t]
        return (np.minimum(n, self.top - 1), np.minimum(n, self.top - 1) + 1) if sign > 0 else \
            (np.maximum(n, 1) - 1, np.maximum(n, 1))

    def _gain(self, table: np.ndarray, moves: list[tuple[int, np.ndarray, int]]) -> float:
        return float(sum(self._steps(table, q, t, sign).sum() for q, t, sign in moves))

    def _steps(self, table: np.ndarray, q: int, t: np.ndarray, sign: int) -> np.ndarray:
        lo, hi = self._n(q, t, sign)
        return sign * (table[q, t, hi] - table[q, t, lo])

    def span_worths(self, parts: list[tuple[int, np.ndarray, np.ndarray, int]], n: int, lo: np.ndarray,
                    hi: np.ndarray, cost: np.ndarray | float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """`worth` (less `cost`) and `value_of` of a sequence of `n` positions' moves restricted to each span
        [lo, hi), all spans at once. `parts`: (queue, positions, their horizon intervals, +1/-1); moves of one
        position are distinct per queue and interval, so a span's sum is the sum of its positions', and the day's
        shortfall is taken on each queue's total over the span."""
        def total(plan: bool) -> np.ndarray:
            per_interval = self.plan_value if plan else self.value
            out = np.zeros(len(lo))
            for q, pos, t, sign in parts:
                out += _span_sums(self._steps(per_interval, q, t, sign), pos, n, lo, hi)
                if self.per_day:
                    table, answered, due = (self.plan_guarded, self.plan_answered, self.plan_due) if plan else \
                        (self.guarded, self.answered, self.due)
                    delta = _span_sums(self._steps(table, q, t, sign), pos, n, lo, hi)
                    short = np.clip(due[q] - answered[q], 0.0, None)
                    out -= self.weight * (np.clip(due[q] - answered[q] - delta, 0.0, None) - short)
            return out

        value = total(False)
        worth = value - cost
        if self.plan_value is not None:
            worth = worth - np.clip(total(True) - cost, 0.0, None)
        return worth, value

    def value_of(self, moves: list[tuple[int, np.ndarray, int]]) -> float:
        """Value of `moves` under the re-forecast alone (calls answered in time, a shortfall weighted)."""
        return self._gain(self.value, moves) + (self._day_gain(moves, False) if self.per_day else 0.0)

    def worth(self, moves: list[tuple[int, np.ndarray, int]], cost: float = 0.0) -> float:
        """Net value of `moves` ((queue, horizon intervals, +1 for an agent more or -1 for one less), distinct per
        queue and interval) that cost `cost` (overtime, in the same units). Where the plan's forecast is known, the
        net value the change already had under that forecast, if any, is taken off: that is the model's quarrel
        with the roster, not news. A change the plan's forecast did not pay for counts in full once the news does
        pay for it."""
        worth = self.value_of(moves) - cost
        if self.plan_value is not None:
            plan = self._gain(self.plan_value, moves) + (self._day_gain(moves, True) if self.per_day else 0.0)
            worth -= max(plan - cost, 0.0)
        return worth

    def _after(self, moves: list[tuple[int, np.ndarray, int]], skills: list[int]
               ) -> tuple[np.ndarray, np.ndarray | None]:
        supply = self.supply.copy()
        mix = None if self.mix is None else self.mix.copy()
        for q, t, sign in moves:
            np.add.at(supply[q], t, sign)
            if mix is not None:
                mix[q][:, t] += sign * skill_shares(q, t, skills, self.load)
        return supply, mix

    def allowed(self, moves: list[tuple[int, np.ndarray, int]], skills: list[int]) -> bool:
        """Whether `moves` ((queue, intervals, +1/-1), distinct per queue and interval) of one agent holding
        `skills` keep every queue at its floor (one already under it no lower than it is), help included.

        Provisionally also a move that staffs a swamped interval of a queue: under Erlang C its first agents
        answer nothing in time until there are enough of them, so the queue it gains is judged on the search's
        concave envelope; `meets_floor` on the final plan is what holds (see `replan`)."""
        after = self._answered(*self._after(moves, skills))
        ok = after >= np.minimum(self.floor, self.answered) - 1e-9
        if ok.all():
            return True
        envelope = np.zeros_like(after)
        for q, t, sign in moves:
            lo, hi = self._n(q, t, sign)
            envelope[q] += sign * (self.guarded[q, t, hi] - self.guarded[q, t, lo]).sum()
        return bool((ok | (envelope > 0)).all())

    def meets_floor(self, supply: np.ndarray, mix: np.ndarray | None) -> bool:
        """Whether every queue answers at least its floor with `supply` and the help `mix` gives."""
        return bool((self._answered(supply, mix) >= self.floor).all())

    def apply(self, moves: list[tuple[int, np.ndarray, int]], skills: list[int]) -> None:
        self.supply, self.mix = self._after(moves, skills)
        self.answered = self._answered(self.supply, self.mix)
        if self.per_day and self.plan_guarded is not None:
            self.plan_answered = self._answered(self.supply, self.mix, plan=True)

    def service(self) -> np.ndarray:
        """Calls-weighted service level per queue as the floor stands (help included)."""
        total = self.calls.sum(axis=1)
        return np.where(total > 0, self.answered / np.where(total > 0, total, 1), np.nan)


def _span_sums(x: np.ndarray, pos: np.ndarray, n: int, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Sum of `x` (values at positions `pos` of n) over each span [lo, hi)."""
    full = np.zeros(n)
    full[pos] = x
    c = np.concatenate([[0.0], np.cumsum(full)])
    return c[hi] - c[lo]


def _shifted(table: np.ndarray, offset: np.ndarray) -> np.ndarray:
    """`table[q, t, n + offset[q, t]]` by linear interpolation along n (the last value beyond the end)."""
    top = table.shape[-1] - 1
    x = np.clip(np.arange(top + 1)[None, None, :] + offset[:, :, None], 0, top)
    i = np.minimum(np.floor(x).astype(int), max(top - 1, 0))
    f = np.clip(x - i, 0.0, 1.0)
    lo = np.take_along_axis(table, i, axis=-1)
    hi = np.take_along_axis(table, np.minimum(i + 1, top), axis=-1)
    return lo + f * (hi - lo)


def skill_shares(p: int, t: np.ndarray, skills: list[int], load: np.ndarray) -> np.ndarray:
    """How an agent answering queue `p` first at intervals `t` spreads its idle time over its other `skills`
    (by their traffic), queue x len(t)."""
    out = np.zeros((load.shape[0], len(t)))
    other = [q for q in skills if q != p]
    if other:
        weight = load[other][:, t]
        total = weight.sum(axis=0)
        out[other] = np.where(total > 0, weight / np.where(total > 0, total, 1.0), 0.0)
    return out


def skill_mix(days: list[Day], load: np.ndarray, queues: list[str]) -> np.ndarray:
    """Per first-call queue p, helped queue q and interval: the sum over agents answering p first of the share of
    their idle time that goes to q (calls routed by skill; `skill_shares`). Taken from the plan as it stands."""
    qi = {q: i for i, q in enumerate(queues)}
    mix = np.zeros((len(queues), *load.shape))
    for d in days:
        for j in np.flatnonzero(d.t >= 0):
            if d.acts[j] == "work" and d.queues[j] in qi:
                p = qi[d.queues[j]]
                mix[p][:, [d.t[j]]] += skill_shares(p, np.array([d.t[j]]), d.skills, load)
    return mix


def concave_envelope(value: np.ndarray) -> np.ndarray:
    """The least concave majorant of `value` along its last axis (agents). Below the traffic load one more agent
    answers nothing in time under Erlang C, so a one-agent-at-a-time search would never start to staff a swamped
    queue; on the envelope each agent is worth its share of the agents it takes to get there.

    A service-level curve is flat then concave, so its majorant is the steepest chord from no agents, then the
    curve: that is tried for all rows at once and kept where the result is concave (then it is the least concave
    majorant); any other row gets the exact hull scan."""
    flat = value.reshape(-1, value.shape[-1]).astype(float)
    m = flat.shape[1]
    if m < 3:
        return value.astype(float)
    n = np.arange(m, dtype=float)
    slope = (flat[:, 1:] - flat[:, :1]) / n[1:]
    k = np.argmax(slope, axis=1) + 1
    chord = flat[:, :1] + slope[np.arange(len(flat)), k - 1][:, None] * n
    out = np.where(n[None, :] < k[:, None], chord, flat)
    tol = 1e-9 * (1.0 + np.abs(flat).max(axis=1))
    for i in np.flatnonzero((np.diff(out, 2, axis=1) > tol[:, None]).any(axis=1)):
        out[i] = _hull_scan(flat[i], n)
    return out.reshape(value.shape)


def _hull_scan(row: np.ndarray, n: np.ndarray) -> np.ndarray:
    """The least concave majorant of one row (upper hull, Andrew's monotone chain)."""
    v = row.tolist()
    hull: list[int] = []
    for k in range(len(v)):
        while len(hull) >= 2 and (v[hull[-1]] - v[hull[-2]]) * (k - hull[-1]) <= \
                (v[k] - v[hull[-1]]) * (hull[-1] - hull[-2]):
            hull.pop()
        hull.append(k)
    return np.interp(n, n[hull], row[hull])
