"""Phase 2: inside each shift, place lunch, breaks and off-phone activities, then give every working interval
a queue the agent is skilled for.

Greedy and deterministic. Breaks and lunch: every feasible layout of a shift (lunch in its window, breaks
spread with the minimum work between them) is enumerated once per shift length; each agent takes the layout
whose off-phone intervals cost least, where an interval's cost is how critical the agent is then (priority x
requirement / skilled agents on the phone), so breaks stagger into the slack. Training and meetings go into
the least critical free intervals (group sessions of a team share a day and, where they can, a time). Queues:
per interval, agents with the fewest skills first, each to its skilled queue with the largest relative gap.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from wfm.config import Config
from wfm.roster.problem import Duties, Instance
from wfm.roster.session_room import attends, free_intervals

WORK, BREAK, LUNCH = "work", "break", "lunch"
MAX_LAYOUTS = 20000


@dataclass
class DayPlan:
    agent: int
    day: int
    option: int
    start: int  # global interval index of the shift start (may run past the horizon)
    acts: list[str]  # activity per interval of the shift
    queues: list[str | None]


@lru_cache(maxsize=64)
def layouts(n: int, du: Duties) -> np.ndarray:
    """Every layout of breaks and lunch in a shift of n intervals, as a (layouts, n) 0/1 matrix; lunch marked 2."""
    items = ([du.lunch] if du.lunch else []) + [du.break_len] * du.breaks
    if not items:
        return np.zeros((1, n), dtype=np.int8)
    out: list[np.ndarray] = []
    gap = du.min_gap
    lo_l, hi_l = du.lunch_window

    def rec(pos: int, lunch_done: bool, breaks_left: int, row: np.ndarray) -> None:
        if len(out) >= MAX_LAYOUTS:
            return
        if lunch_done and breaks_left == 0:
            if n - pos >= gap or pos == 0:
                out.append(row.copy())
            return
        for s in range(pos + (gap if pos else gap), n):
            if not lunch_done and lo_l <= s <= hi_l and s + du.lunch <= n:
                row[s:s + du.lunch] = 2
                rec(s + du.lunch, True, breaks_left, row)
                row[s:s + du.lunch] = 0
            if breaks_left and s + du.break_len <= n:
                row[s:s + du.break_len] = 1
                rec(s + du.break_len, lunch_done, breaks_left - 1, row)
                row[s:s + du.break_len] = 0

    rec(0, du.lunch == 0, du.breaks, np.zeros(n, dtype=np.int8))
    if not out:  # the shift is too short for the spacing rule: place items without it (the checker will say)
        row = np.zeros(n, dtype=np.int8)
        pos = 0
        for i, ln in enumerate(items):
            row[pos:pos + ln] = 2 if (i == 0 and du.lunch) else 1
            pos += ln
        out.append(row)
    return np.array(out)


def training_plan(inst: Instance, assignment: dict[tuple[int, int], int]) -> dict[tuple[int, int], list]:
    """(agent, day) -> [(activity kind, intervals, group key or None)] of off-phone activities to place."""
    plan: dict[tuple[int, int], list] = defaultdict(list)
    work_days = defaultdict(list)
    for (ai, d) in sorted(assignment):
        work_days[ai].append(d)
    demand = inst.req.sum(axis=0)
    movable: dict[tuple[int, int], list[tuple[tuple, list[int]]]] = defaultdict(list)
    for ai, a in enumerate(inst.agents):
        days = work_days.get(ai, [])
        for tr in inst.config.training:
            n = math.ceil(tr.minutes / inst.interval)

            def eligible(d, tr=tr, a=a):
                return attends(inst, tr, a, d)

            if tr.frequency == "daily":
                for d in days:
                    if eligible(d):
                        plan[ai, d].append((tr.activity, n, None))
                continue
            blocks = inst.weeks() if tr.frequency == "weekly" else [list(range(inst.days))]
            for wi, block in enumerate(blocks):
                cand = [d for d in days if d in block and eligible(d)]
                if not cand:
                    continue
                if tr.group:
                    key = (tr.name, a.team, wi)
                    d = _team_day(inst, assignment, a.team, block, cand, eligible)
                else:
                    key = None
                    d = min(cand, key=lambda d: (_shift_load(inst, assignment[ai, d], d, demand), d))
                plan[ai, d].append((tr.activity, n, key))
                movable[ai, d].append(((tr.activity, n, key), cand))
    _relieve_full_shifts(inst, assignment, plan, movable)
    return plan


def _spare(inst: Instance, assignment: dict[tuple[int, int], int], ai: int, d: int, items: list) -> int:
    """Intervals of the shift left free once its lunch, breaks and `items` are in."""
    return free_intervals(inst, assignment[ai, d]) - sum(it[1] for it in items)


def _relieve_full_shifts(inst: Instance, assignment: dict[tuple[int, int], int], plan: dict, movable: dict) -> None:
    """Move weekly and once-per-period sessions off a shift too short to hold all its sessions (a new hire's
    long class and the team meeting on one short shift) to the agent's working day of the same week (or period)
    with the most room: a group session then meets apart from its team rather than go short."""
    for (ai, d), items in sorted(plan.items()):
        over = -_spare(inst, assignment, ai, d, items)
        # the agent's own sessions move before the team's, the longest first
        for item, cand in sorted(movable.get((ai, d), []), key=lambda m: (m[0][2] is not None, -m[0][1])):
            if over <= 0:
                break
            room = {c: _spare(inst, assignment, ai, c, plan[ai, c]) for c in cand if c != d}
            best = max(room, key=lambda c: (room[c], -c), default=None)
            if best is None or room[best] < item[1]:
                continue
            items.remove(item)
            plan[ai, best].append((item[0], item[1], None))
            over -= item[1]


def _team_day(inst, assignment, team, block, cand, eligible) -> int:
    counts = Counter(d for (ai, d) in assignment if d in block and inst.agents[ai].team == team and eligible(d))
    return max(cand, key=lambda d: (counts[d], -d))


def _shift_load(inst: Instance, k: int, d: int, demand: np.ndarray) -> float:
    o = inst.options[k]
    s = d * inst.per_day + o.start_min // inst.interval
    seg = demand[s:s + o.length_min // inst.interval]
    return float(seg.mean()) if len(seg) else 0.0


def place(inst: Instance, assignment: dict[tuple[int, int], int], *, sweeps: int = 2) -> list[DayPlan]:
    """Breaks, lunch, training and queues for every shift in `assignment`."""
    Q = len(inst.queues)
    req, prio, skills = _queue_arrays(inst)
    H = req.shape[1]
    plans: list[DayPlan] = []
    for (ai, d), k in sorted(assignment.items()):
        o = inst.options[k]
        n = o.length_min // inst.interval
        plans.append(DayPlan(ai, d, k, d * inst.per_day + o.start_min // inst.interval, [WORK] * n, [None] * n))
    # skilled agents on the phone per queue and interval
    onp = np.zeros((Q, H))
    for p in plans:
        onp[skills[p.agent], p.start:p.start + len(p.acts)] += 1

    def crit(p: DayPlan) -> np.ndarray:
        sl = slice(p.start, p.start + len(p.acts))
        m = skills[p.agent]
        c = prio[m, None] * req[m, sl] / np.maximum(onp[m, sl], 1.0)
        return c.max(axis=0) if len(c) else np.zeros(len(p.acts))

    def set_off(p: DayPlan, mask: np.ndarray, sign: int) -> None:
        idx = p.start + np.nonzero(mask)[0]
        onp[np.ix_(skills[p.agent], idx)] -= sign

    # ---- breaks and lunch
    chosen: dict[int, np.ndarray] = {}
    order = sorted(range(len(plans)), key=lambda i: (plans[i].start, plans[i].agent))
    for _sweep in range(sweeps):
        for i in order:
            p = plans[i]
            if i in chosen:
                set_off(p, chosen[i] > 0, -1)
            L = layouts(len(p.acts), inst.duties(inst.options[p.option]))
            cost = (L > 0).astype(float) @ (crit(p) + 1e-3 * np.arange(len(p.acts)))
            best = L[int(np.argmin(cost))]
            chosen[i] = best
            set_off(p, best > 0, +1)
    for i, p in enumerate(plans):
        lay = chosen[i]
        p.acts = [LUNCH if v == 2 else BREAK if v == 1 else WORK for v in lay]

    # ---- training, meetings, coaching
    tplan = training_plan(inst, assignment)
    by_key = {(p.agent, p.day): p for p in plans}
    group_slot: dict = {}
    for (ai, d), items in sorted(tplan.items()):
        p = by_key[ai, d]
        for kind, n, key in sorted(items, key=lambda it: -it[1]):
            free = np.array([a == WORK for a in p.acts])
            c = crit(p)
            best, best_cost = None, math.inf
            for s in range(0, len(p.acts) - n + 1):
                if not free[s:s + n].all():
                    continue
                cost = float(c[s:s + n].sum())
                if key is not None and group_slot.get(key) == p.start + s:
                    cost -= 1e6
                if cost < best_cost:
                    best, best_cost = s, cost
            if best is None:  # not enough free intervals in a row: split over the free ones
                spots = [j for j in np.argsort(c, kind="stable") if free[j]][:n]
                for j in spots:
                    p.acts[j] = kind
                set_off(p, np.isin(np.arange(len(p.acts)), spots), +1)
                continue
            if key is not None:
                group_slot.setdefault(key, p.start + best)
            for j in range(best, best + n):
                p.acts[j] = kind
            mask = np.zeros(len(p.acts), bool)
            mask[best:best + n] = True
            set_off(p, mask, +1)

    assign_queues(inst, plans, req, prio, skills)
    return plans


def assign_queues(inst: Instance, plans: list[DayPlan], req: np.ndarray, prio: np.ndarray,
                  skills: list[np.ndarray]) -> None:
    """The queue of every working interval: under skill routing one first-call skill per shift (the ACD hands the
    agent calls of its other skills); by hand, where the gaps are, in blocks of at least `MIN_BLOCK_MINUTES` (a team
    leader moves people between queues a few times a shift, not every interval)."""
    if inst.pooled:
        _primary_skills(inst, plans, primary_targets(inst, req), prio, skills)
        return
    H = req.shape[1]
    at: dict[int, list[tuple[int, int]]] = defaultdict(list)  # interval -> (plan index, offset)
    for i, p in enumerate(plans):
        for j, a in enumerate(p.acts):
            if a == WORK:
                at[p.start + j].append((i, j))
    last: dict[int, int] = {}  # plan -> its current queue
    run: dict[int, int] = {}  # plan -> working intervals on that queue so far
    block = max(1, MIN_BLOCK_MINUTES // inst.interval)
    nsk = [int(s.sum()) for s in skills]
    focus = rotation_focus(inst.config, inst.days, skills)
    for t in range(H):
        if t not in at:
            continue
        got = np.zeros(len(inst.queues))
        r = req[:, t]
        for i, j in sorted(at[t], key=lambda ij: (nsk[plans[ij[0]].agent], plans[ij[0]].agent)):
            p = plans[i]
            prev = last.get(i)
            if prev is not None and run[i] < block:  # the block runs its minimum length
                q = prev
            else:
                qs = np.nonzero(skills[p.agent])[0]
                gap = (r[qs] - got[qs]) / np.maximum(r[qs], 1.0)
                score = np.where(gap > 0, prio[qs] * gap + 1.0, -(got[qs] + 1) / np.maximum(r[qs], 0.5))
                score = score + np.where(qs == prev, SWITCH_MARGIN, 0.0)
                if focus is not None:  # job rotation: this period's focus queue wins where needs are alike
                    week = (p.start // inst.per_day) // 7
                    score = score + np.where(qs == focus[p.agent][week % len(focus[p.agent])], ROTATION_BONUS, 0.0)
                q = int(qs[int(np.argmax(score))])
            got[q] += 1
            run[i] = run.get(i, 0) + 1 if q == prev else 1
            last[i] = q
            p.queues[j] = inst.queues[q]


def _primary_skills(inst: Instance, plans: list[DayPlan], req: np.ndarray, prio: np.ndarray,
                    skills: list[np.ndarray]) -> None:
    """Under skill routing, the queue an agent answers first for a whole shift (the ACD gives it calls of its
    other skills when that queue is empty): each shift takes the skill whose queue is furthest below its own
    requirement over the shift's working intervals, relative to that requirement (priority breaks ties), so
    that every queue gets first-call agents in proportion to what it needs. Specialists are placed first."""
    H = req.shape[1]
    own = np.zeros_like(req, dtype=float)
    order = sorted(range(len(plans)), key=lambda i: (int(skills[plans[i].agent].sum()), plans[i].start,
                                                       plans[i].agent))
    for i in order:
        p = plans[i]
        qs = np.flatnonzero(skills[p.agent])
        if qs.size == 0:
            continue
        work = np.array([a == WORK for a in p.acts])
        idx = p.start + np.flatnonzero(work)
        idx = idx[idx < H]
        if qs.size == 1 or idx.size == 0:
            q = int(qs[0])
        else:
            need = req[np.ix_(qs, idx)]
            gap = ((need - own[np.ix_(qs, idx)]) / np.maximum(need, 1.0)).sum(axis=1)
            q = int(qs[int(np.argmax(gap + 1e-3 * prio[qs]))])
        own[q, idx] += 1
        p.queues = [inst.queues[q] if a == WORK else None for a in p.acts]


WORKLOAD_SHARE = 0.5  # of a queue's first-call target set by its workload, the rest by its own requirement
TARGET_OCCUPANCY = 0.85  # turns a workload in Erlangs into agents, in the same units as the requirement


def primary_targets(inst: Instance, req: np.ndarray) -> np.ndarray:
    """(queues, intervals) first-call agents each queue should get under skill routing.

    A queue's own requirement (Erlang staffing of that queue alone) overstates what a small queue needs first-call
    agents for, since the agents answering the big queues first also hold it, and understates a big queue whose
    holders answer other queues first; the target is half each queue's requirement, half its share of the
    workload, times the per-queue weight the simulation sets (`Instance.primary_weight`, see
    `wfm.roster.verify.balance_primaries`)."""
    target = req.astype(float)
    if inst.workload is not None:
        n = inst.workload.shape[1]
        target[:, :n] = (1 - WORKLOAD_SHARE) * target[:, :n] + WORKLOAD_SHARE * inst.workload / TARGET_OCCUPANCY
    if inst.primary_weight is not None:
        target *= inst.primary_weight[:, None]
    return target


def reassign_primaries(inst: Instance, plans: list[DayPlan]) -> None:
    """Under skill routing, choose every shift's first-call skill again (after `Instance.primary_weight`
    changed); breaks, lunch and training stay where they are."""
    req, prio, skills = _queue_arrays(inst)
    _primary_skills(inst, plans, primary_targets(inst, req), prio, skills)


def _queue_arrays(inst: Instance) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """The requirement per queue over the horizon and a day beyond it (room for shifts running past the end),
    each queue's routing priority, and each agent's skills as a mask over the queues."""
    req = np.zeros((len(inst.queues), inst.horizon + inst.per_day))
    req[:, :inst.horizon] = inst.req
    prio = np.array([inst.config.queues[q].priority for q in inst.queues], dtype=float)
    skills = [np.array([q in a.skills for q in inst.queues]) for a in inst.agents]
    return req, prio, skills


MIN_BLOCK_MINUTES = 120  # by hand: an agent stays on a queue at least this long
SWITCH_MARGIN = 0.5  # by hand: a move to another queue must be worth this much more (relative gap x priority)
ROTATION_BONUS = 0.3  # in units of a priority-weighted relative gap: a preference, never at the cost of a real gap


def rotation_focus(config: Config, days: int, skills: list[np.ndarray]) -> list[list[int]] | None:
    """Per agent, the focus queue of each week under job rotation (`rotation.queue_rotation_weeks` = N > 0).

    An agent cycles through their skills, changing focus every N weeks; agents are staggered so that not
    everyone with the same skills rotates onto the same queue at once. None when rotation is off.
    """
    n = config.rotation.queue_rotation_weeks
    if n <= 0:
        return None
    weeks = (days + 6) // 7
    out = []
    for ai, sk in enumerate(skills):
        qs = [int(q) for q in np.nonzero(sk)[0]]
        out.append([qs[(w // n + ai) % len(qs)] for w in range(weeks)] if qs else [-1] * weeks)
    return out
