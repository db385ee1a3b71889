"""A coverage-aware construction of a feasible shift assignment, agent by agent (decomposition).

Each agent's week(s) is a tiny CP-SAT model holding only that agent's rules (the same rule pieces as the full
model) whose objective is the marginal coverage its shifts add to the residual demand; supervisors are solved
together first because the supervisor-on-duty rule ties them. Sweeps: build, then re-optimise each agent
against everyone else. The result hints the full model (and is a complete roster on its own). The sub-models
weigh coverage, paid time and preferences by the objective's own terms (`wfm.roster.objective`); overtime and
fairness are left to the full model.

Deterministic: every sub-model runs under CP-SAT's deterministic time, and the sweeps stop by a work estimate
(model sizes and deterministic time, see `SUB_S_PER_ITEM`), never by the clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from ortools.sat.python import cp_model

from wfm.roster.budget import DTIME_PER_S, Budget, run_solver, wall_cap
from wfm.roster.context import Context, on_phone_profile
from wfm.roster.objective import PAID_TIME, PREFERENCE, UNDER_STAFFING
from wfm.roster.problem import Instance, row_mask, sub_instance
from wfm.roster.rules import RULES

# building, loading and presolving one sub-model: seconds per variable and constraint. Measured 2026-11-29 on the
# demo week's construction (408 sub-solves, top CPU priority): 24.4 s wall, of which 4.2 s is the solves'
# deterministic time at DTIME_PER_S; the rest is per-solve overhead that CP-SAT does not count (was 2.8e-5, 12x low)
SUB_S_PER_ITEM = 3.3e-4


class Greedy:
    def __init__(self, inst: Instance, budget: Budget | None = None, boost: np.ndarray | None = None):
        self.inst = inst
        self.budget = budget or Budget(float("inf"), time.perf_counter() + 3600.0)
        self.prof = [on_phone_profile(inst, k) for k in range(len(inst.options))]
        # coverage rows (single queues, then pools under skill routing); see `Instance.rows`
        self.req = inst.coverage_req().astype(float)  # the period and the hours its last nights run into
        self.cov = np.zeros_like(self.req)  # on-phone capacity per row and interval
        rows = inst.rows or [(q,) for q in range(len(inst.queues))]
        self.prio = np.array([max(inst.config.queues[inst.queues[q]].priority for q in r) for r in rows], float)
        self.pooled = inst.pooled
        self.boost = boost  # (rows, intervals of the period) weight multiplier of a shortfall, or None
        self.skills = list(row_mask(inst)) if inst.rows else \
            [np.array([q in a.skills for q in inst.queues]) for a in inst.agents]
        self.assign: dict[tuple[int, int], int] = {}
        self.contrib: dict[int, list[tuple[int, np.ndarray, np.ndarray]]] = {}
        # (agent, day) -> the published option (None: off) that a repair keeps unless a hard rule forbids it
        self.keep: dict[tuple[int, int], int | None] = {}

    def _span(self, d: int, k: int) -> tuple[int, int]:
        inst = self.inst
        s = d * inst.per_day + inst.options[k].start_min // inst.interval
        return s, min(self.req.shape[1], s + inst.options[k].length_min // inst.interval)

    def _value(self, mask: np.ndarray) -> np.ndarray:
        """Marginal value per interval of one more on-phone agent with the given skills (max over queues)."""
        resid = self.req - self.cov
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(self.req > 0, resid / np.maximum(self.req, 1e-9), 0.0)
        (b1, b2), (s1, s2, s3) = UNDER_STAFFING.breakpoints, UNDER_STAFFING.slopes
        slope = np.where(ratio > b2, s3, np.where(ratio > b1, s2, s1))
        gain = np.where(resid > 0, slope * np.minimum(resid, 1.0), -1.0) * self.prio[:, None]
        if self.boost is not None:
            n = min(gain.shape[1], self.boost.shape[1])
            gain[:, :n] = np.where(gain[:, :n] > 0, gain[:, :n] * self.boost[:, :n], gain[:, :n])
        if self.pooled:  # the agent serves every row holding one of its skills at once
            gain[~mask] = 0.0
            return np.where(gain > 0, gain, 0.0).sum(axis=0) - 1.0 * ~(gain > 0).any(axis=0)
        gain[~mask] = -np.inf
        best = gain.max(axis=0)
        best[~np.isfinite(best)] = -1.0
        return best

    def _place(self, ai: int, d: int, k: int) -> None:
        """Add agent ai's shift to the coverage, each interval to its most useful skilled queue."""
        s, e = self._span(d, k)
        p = self.prof[k][:e - s]
        mask = self.skills[ai]
        if self.pooled:
            idx = np.arange(s, e)
            self.cov[np.ix_(mask, idx)] += p
            self.contrib.setdefault(ai, []).append((np.flatnonzero(mask)[:, None], idx[None, :], p[None, :]))
            return
        resid = (self.req - self.cov)[:, s:e] * self.prio[:, None]
        resid[~mask] = -np.inf
        q = resid.argmax(axis=0)
        idx = np.arange(s, e)
        self.cov[q, idx] += p
        self.contrib.setdefault(ai, []).append((q, idx, p))

    def _put(self, ai: int, d: int, k: int) -> None:
        """Give agent ai option k on day d and add it to the coverage."""
        self.assign[ai, d] = k
        self._place(ai, d, k)

    def _remove(self, ai: int) -> None:
        for q, idx, p in self.contrib.pop(ai, []):
            self.cov[q, idx] -= p
        for d in range(self.inst.days):
            self.assign.pop((ai, d), None)

    def solve_group(self, ais: list[int], time_limit_s: float, seed: int = 0) -> bool:
        """Best shifts of agents `ais` against the others' coverage, within `time_limit_s` reference seconds."""
        inst = self.inst
        sub = sub_instance(inst, ais)
        model = cp_model.CpModel()
        ctx = Context(sub, model)
        ctx.choose_shifts()
        for rule in RULES:
            rule.add(ctx)
        obj = []
        for si, ai in enumerate(ais):
            val = self._value(self.skills[ai][:, None] & np.ones((1, self.req.shape[1]), bool))
            for d in range(inst.days):
                for k in sub.allowed[si][d]:
                    s, e = self._span(d, k)
                    v = float(np.dot(val[s:e], self.prof[k][:e - s]))
                    pref = inst.agents[ai].shift_preference
                    if pref and inst.options[k].template.code in pref.split(";"):
                        v -= PREFERENCE.weight  # the objective's terms, in its points
                    v -= PAID_TIME.weight * inst.options[k].paid_min / inst.interval
                    obj.append((int(round(v * 10)), ctx.x[si, d, k]))
        obj += self._keep_terms(ctx, ais, sum(abs(c) for c, _ in obj) + 1)
        model.Maximize(sum(c * x for c, x in obj))
        proto = model.Proto()
        self.budget.spent_s += SUB_S_PER_ITEM * (len(proto.variables) + len(proto.constraints))
        dtime = max(0.05, time_limit_s) * DTIME_PER_S
        solver = self.budget.solver(dtime, 1, seed)
        status = run_solver(solver, model)
        self.budget.record(solver, status, "construction")
        for more in (10, 100):  # no solution within a tiny budget: retry with more before giving up
            if status != cp_model.UNKNOWN:
                break
            solver = self.budget.solver(dtime * more, 1, seed)
            status = run_solver(solver, model)
            self.budget.record(solver, status, "construction")
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return False
        for si, ai in enumerate(ais):
            for d in range(inst.days):
                for k in sub.allowed[si][d]:
                    if solver.Value(ctx.x[si, d, k]):
                        self._put(ai, d, k)
        return True


    def _keep_terms(self, ctx: Context, ais: list[int], weight: int) -> list[tuple[int, cp_model.IntVar]]:
        """Objective terms that make each day changed from `keep` cost `weight` (more than every other term
        together): the published shift kept earns it, a shift on a published day off loses it."""
        out = []
        for si, ai in enumerate(ais):
            for d in range(self.inst.days):
                if (ai, d) not in self.keep:
                    continue
                want = self.keep[ai, d]
                for k in ctx.inst.allowed[si][d]:
                    if want is None or k == want:
                        out.append((-weight if want is None else weight, ctx.x[si, d, k]))
        return out


def construct(inst: Instance, *, time_limit_s: float = 20.0, sweeps: int = 2, seed: int = 0,
              budget: Budget | None = None,
              on_sweep: Callable[[int], object] | None = None) -> dict[tuple[int, int], int] | None:
    """A feasible assignment (agent index, day) -> option, or None when some agent's rules cannot be met.

    `time_limit_s` is in seconds on the reference machine, spent by the deterministic accounting of `budget`
    (whose wall-clock deadline is only a safety cap: a sweep is not started after it). `on_sweep(n)` is called
    after each sweep over the agents (the terminal's progress: a sweep of a large roster takes a minute).
    """
    if budget is None:
        budget = Budget(time_limit_s, time.perf_counter() + wall_cap(time_limit_s))
    spent0 = budget.spent_s
    g = Greedy(inst, budget)
    sups = [ai for ai, a in enumerate(inst.agents) if a.is_supervisor]
    others = [ai for ai, a in enumerate(inst.agents) if not a.is_supervisor]
    # scarce skills first: agents whose queues have the most demand per skilled agent
    holders = np.array([sum(s[i] for s in g.skills) for i in range(len(g.req))], dtype=float)
    scarcity = g.req.sum(axis=1) / np.maximum(holders, 1)
    others.sort(key=lambda ai: (-max(scarcity[g.skills[ai]]) if g.skills[ai].any() else 0, ai))
    per = max(0.05 * max(1, inst.days / 7), time_limit_s / max(1, (len(others) + 1) * sweeps) / 2)
    for sweep in range(sweeps):
        used = budget.spent_s - spent0
        if sweep and used + used / sweep > time_limit_s:  # another sweep (as long as the last) would not fit
            break
        if sweep and budget.wall_left() <= 0:
            budget.cap("construction")
            break
        if sups:
            if sweep:
                for ai in sups:
                    g._remove(ai)
            if not g.solve_group(sups, max(1.0, per * 20), seed):
                return None
        for ai in others:
            if sweep:
                g._remove(ai)
            if not g.solve_group([ai], per, seed):
                return None
        if on_sweep is not None:
            on_sweep(sweep + 1)
    return dict(g.assign)


def repair(inst: Instance, assignment: dict[tuple[int, int], int], movers: list[int], *, time_limit_s: float,
           boost: np.ndarray | None = None, sweeps: int = 2, seed: int = 0,
           budget: Budget | None = None,
           keep: dict[tuple[int, int], int | None] | None = None) -> dict[tuple[int, int], int]:
    """`assignment` with the weeks of agents `movers` re-chosen against everyone else's shifts, which stay as
    they are; `boost` weighs chosen rows and intervals more (where the simulation found a queue short).
    Supervisors are never moved alone (the supervisor-on-duty rule ties them). An agent whose rules give no
    shift keeps its old week. With `keep` ((agent, day) -> the published option, None for a day off), the
    movers change as few of those days as their rules allow, coverage deciding only among those weeks."""
    if budget is None:
        budget = Budget(time_limit_s, time.perf_counter() + wall_cap(time_limit_s))
    spent0 = budget.spent_s
    g = Greedy(inst, budget, boost)
    g.keep = dict(keep or {})
    for (ai, d), k in sorted(assignment.items()):
        g._put(ai, d, k)
    movers = [ai for ai in movers if not inst.agents[ai].is_supervisor]
    per = max(0.05 * max(1, inst.days / 7), time_limit_s / max(1, len(movers) * sweeps) / 2)
    for sweep in range(sweeps):
        used = budget.spent_s - spent0
        if sweep and (used + used / sweep > time_limit_s or budget.wall_left() <= 0):
            break
        for ai in movers:
            old = {(a, d): k for (a, d), k in g.assign.items() if a == ai}
            g._remove(ai)
            if not g.solve_group([ai], per, seed):
                for (a, d), k in sorted(old.items()):
                    g._put(a, d, k)
    return dict(g.assign)

