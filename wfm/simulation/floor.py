"""The agents on the simulated floor: who is on the phone for which queue, who is idle, the calls waiting,
and which waiting call a freed agent picks (`wfm.simulation.engine`'s event loop drives them)."""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

if TYPE_CHECKING:
    from wfm.simulation.engine import SimulationInput


def pick_orders(sc: SimulationInput):
    """Per (skill set, assigned queue): tuple of groups (tuples of queues) an agent looks at, in order."""
    prio = np.asarray(sc.priority, dtype=float)
    cache: dict[tuple, tuple] = {}

    def order(skills: tuple[int, ...], own: int) -> tuple[tuple[int, ...], ...]:
        key = (skills, own)
        hit = cache.get(key)
        if hit is not None:
            return hit
        if sc.routing == "assigned_only":
            groups: list[tuple[int, ...]] = [(own,)]
        else:
            rest = sorted(set(skills) | {own}) if sc.routing == "priority" else sorted(set(skills) - {own})
            levels = sorted({prio[q] for q in rest}, reverse=True)
            groups = [(own,)] if sc.routing == "assigned_first" else []
            groups += [tuple(q for q in rest if prio[q] == lv) for lv in levels]
        res = tuple(groups)
        cache[key] = res
        return res

    return order


def assignment_changes(sc: SimulationInput) -> tuple[np.ndarray, list[int], list[int]]:
    """Per boundary k (time k*L), the agents whose assignment changes from column k-1 to k (column -1: all
    off) and their new queue: entries bounds[k]..bounds[k+1] of the two lists."""
    n_a = sc.assign.shape[0]
    assign = np.asarray(sc.assign, dtype=np.int64)
    padded = np.concatenate([np.full((n_a, 1), -1), assign, np.full((n_a, 1), -1)], axis=1)
    changed = padded[:, 1:] != padded[:, :-1]  # (n_a, n_t + 1)
    ch_t, ch_a = np.nonzero(changed.T)
    ch_new = padded[ch_a, ch_t + 1]
    bounds = np.searchsorted(ch_t, np.arange(sc.n_intervals + 2))
    return bounds, ch_a.tolist(), ch_new.tolist()


class Floor(NamedTuple):
    """The agents' state during the loop and the closures that change it (closures: the loop's hot path)."""

    avail: list[int]  # assigned queue now, -1 = not on the phone
    busy: list[bool]
    idle_own: list[set[int]]  # per queue: idle agents assigned to it
    idle_any: list[set[int]]  # per queue: idle agents skilled for it
    waiting: list[deque[int]]  # per queue: calls waiting, oldest first
    make_idle: Callable[[int], None]
    unidle: Callable[[int], None]
    try_pick: Callable[[int, float], bool]
    answer: Callable[[int, int, int, float], None]  # (call, agent, queue, time): the agent answers the call


def floor_state(sc: SimulationInput, arr: list[float], svc: list[float], dl: list[float], start: list[float],
           agent_of: list[int], heap: list[tuple[float, int, int]]) -> Floor:
    n_q = sc.n_queues
    n_a = sc.assign.shape[0]
    skill_lists = [tuple(int(q) for q in np.flatnonzero(row)) for row in np.asarray(sc.skills, dtype=bool)]
    order_of = pick_orders(sc)
    speed = None if sc.speed is None else np.asarray(sc.speed, dtype=float).tolist()
    only_own = sc.routing == "assigned_only"
    avail = [-1] * n_a
    busy = [False] * n_a
    idle_in: list[tuple[int, ...] | None] = [None] * n_a  # skill queues the idle agent is listed under
    idle_own: list[set[int]] = [set() for _ in range(n_q)]
    idle_any: list[set[int]] = [set() for _ in range(n_q)]
    waiting: list[deque[int]] = [deque() for _ in range(n_q)]
    push = heapq.heappush

    def effective_skills(a: int, own: int) -> tuple[int, ...]:
        if only_own:
            return (own,)
        s = skill_lists[a]
        return s if own in s else s + (own,)

    def make_idle(a: int) -> None:
        own = avail[a]
        sk = effective_skills(a, own)
        idle_in[a] = sk
        idle_own[own].add(a)
        for q in sk:
            idle_any[q].add(a)

    def unidle(a: int) -> None:
        sk = idle_in[a]
        if sk is None:
            return
        idle_own[avail[a]].discard(a)
        for q in sk:
            idle_any[q].discard(a)
        idle_in[a] = None

    def try_pick(a: int, t: float) -> bool:
        own = avail[a]
        for group in order_of(effective_skills(a, own), own):
            best = -1
            bq = -1
            for q in group:
                dq = waiting[q]
                while dq and dl[dq[0]] <= t:
                    dq.popleft()  # hung up before anyone looked: abandoned
                if dq:
                    c = dq[0]
                    if best < 0 or arr[c] < arr[best]:
                        best, bq = c, q
            if best >= 0:
                waiting[bq].popleft()
                answer(best, a, bq, t)
                return True
        return False

    def answer(c: int, a: int, q: int, t: float) -> None:
        start[c] = t
        agent_of[c] = a
        busy[a] = True
        if speed is not None:
            svc[c] /= speed[a][q]
        push(heap, (t + svc[c], a, c))

    return Floor(avail, busy, idle_own, idle_any, waiting, make_idle, unidle, try_pick, answer)
