"""Phase 1: which shift (or none) every agent works every day, by CP-SAT.

Decision: bool x[a,d,k] per agent, day and allowed shift option. Coverage is modelled per skill-set class
(agents with the same skills) and time block: n[c,d,k] counts the class's agents on option k on day d; the
class's expected on-phone capacity in a block (shift intervals weighted by an on-phone profile that allows for
breaks, lunch and daily training) is split over the class's queues by integer flows z[c,q,b]; the shortfall
per queue and block is penalised by a convex piecewise-linear function of its ratio to the requirement,
weighted by queue priority. Labour rules come from `wfm.roster.rules`, the objective's named soft terms (and
their weights, in points) from `wfm.roster.objective`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from wfm.phone_share import phone_share
from wfm.roster.budget import (BUILD_S_PER_VAR, DTIME_PER_S, MAX_SEARCH_VARS, Budget, Progress, lns_rate, run_solver,
                               wall_cap)
from wfm.roster.context import Context, on_phone_profile, skill_classes
from wfm.roster.coverage import SCALE
from wfm.roster.objective import CoverInputs, objective
from wfm.roster.problem import Instance
from wfm.roster.rules import RULES

HEURISTIC_SWEEPS = 4  # at most; the construction stops sweeping when its (deterministic) budget share is used
MAX_CONSTRUCTION_S = 240.0  # reference seconds the per-agent construction may take at most; the search gets the rest
# of the phase-1 budget: the hinted CP-SAT improvement after it needs about one deterministic second (20-30 s on
# the demo week's 39k variables) before it returns a first solution, so the sweeps get the larger share
CONSTRUCTION_SHARE = 0.5
# less deterministic time per model variable than this and the improvement is skipped: the demo week's 38.7k
# variables returned no solution within 0.83
LNS_MIN_DTIME_PER_VAR = 4e-5


@dataclass
class Phase1Result:
    status: str
    assignment: dict[tuple[int, int], int]  # (agent index, day) -> option index
    objective: float | None = None
    bound: float | None = None
    wall_s: float = 0.0
    solutions: int = 0
    expected_short: float | None = None  # expected under-staffing share (phase 1 view)
    history: list[dict] = field(default_factory=list)
    dtime: float = 0.0  # CP-SAT deterministic time used
    wall_capped: list[str] = field(default_factory=list)  # stages the wall-clock safety cap stopped (not reproducible)


@dataclass
class Built:
    model: cp_model.CpModel
    ctx: Context
    short_total: cp_model.IntVar
    total_req: int


def build_model(inst: Instance, *, block_minutes: int | None = None, coverage: bool = True) -> Built:
    model = cp_model.CpModel()
    ctx = Context(inst, model)
    D = inst.days
    ctx.choose_shifts(named=True)
    for rule in RULES:
        rule.add(ctx)
    if not coverage:
        short_total = model.NewIntVar(0, 0, "short_total")
        return Built(model, ctx, short_total, 0)

    # ---- coverage by skill class and time block
    if block_minutes is None:
        block_minutes = 30 if D <= 14 else 60
    g = max(1, block_minutes // inst.interval)
    need = inst.coverage_req()  # the period, then the hours its last night shifts run into
    H = need.shape[1]
    nb = math.ceil(H / g)
    classes, cls_of = skill_classes(inst)
    members: dict[int, list[int]] = {}
    for ai, c in enumerate(cls_of):
        members.setdefault(c, []).append(ai)
    profiles = {k: np.rint(on_phone_profile(inst, k) * SCALE).astype(int) for k in range(len(inst.options))}
    # supervisors' and nesting new hires' on-phone time counts at their share (`wfm.phone_share`)
    shares = [[phone_share(a, inst.date(d), inst.config) for d in range(D)] for a in inst.agents]
    cap_terms: dict[tuple[int, int], list] = {}
    for c, ais in members.items():
        for d in range(D):
            ks = sorted({k for ai in ais for k in inst.allowed[ai][d]})
            for k in ks:
                by_share: dict[float, list] = {}
                for ai in ais:
                    if (ai, d, k) in ctx.x:
                        by_share.setdefault(shares[ai][d], []).append(ctx.x[ai, d, k])
                o = inst.options[k]
                s = d * inst.per_day + o.start_min // inst.interval
                per_block: dict[int, int] = {}
                for j, w in enumerate(profiles[k]):
                    t = s + j
                    if t >= H:
                        break
                    if w:
                        per_block[t // g] = per_block.get(t // g, 0) + int(w)
                for share, xs in sorted(by_share.items(), reverse=True):
                    if len(xs) == 1:
                        n = xs[0]
                    else:
                        name = f"n_{c}_{d}_{k}" + ("" if share == 1.0 else f"_{share:g}")
                        n = model.NewIntVar(0, len(xs), name)
                        model.Add(n == sum(xs))
                    for b, ws in scaled_blocks(per_block, share).items():
                        cap_terms.setdefault((c, b), []).append((ws, n, len(xs)))
    cover = CoverInputs(need, classes, cap_terms, nb, g, [inst.config.queues[q].priority for q in inst.queues])
    model.Minimize(objective(ctx, cover))
    assert cover.short_total is not None  # set by the under-staffing term
    return Built(model, ctx, cover.short_total, cover.total_req)


def scaled_blocks(per_block: dict[int, int], share: float) -> dict[int, int]:
    """A shift's capacity per time block times `share`, in whole units, rounded on the running total so that the
    shift's total is its total times `share` to within one unit."""
    if share == 1.0:
        return per_block
    out, done, total = {}, 0, 0
    for b in sorted(per_block):
        total += per_block[b]
        w = int(total * share + 0.5) - done
        done += w
        if w:
            out[b] = w
    return out


def solve_phase1(inst: Instance, *, time_limit_s: float, workers: int = 2, seed: int = 0,
                 block_minutes: int | None = None, progress: Callable[[dict], None] | None = None,
                 hint: dict[tuple[int, int], int] | None = None, wall_cap_s: float | None = None) -> Phase1Result:
    """Shift assignment: a feasible roster first (rules only), then coverage improved from it as a full hint.

    Deterministic for the same instance, workers and seed: `time_limit_s` (seconds on the reference machine) is
    spent by deterministic accounting (see `Budget`); the wall clock only caps the run at `wall_cap_s` seconds
    (default `wall_cap(time_limit_s)`).
    """
    t0 = time.perf_counter()
    budget = Budget(time_limit_s, t0 + (wall_cap_s if wall_cap_s is not None else wall_cap(time_limit_s)))
    # the wall time left (a busy machine) may not reach past the construction: then the model is not even built
    wall_short = wall_cap_s is not None and wall_cap_s < CONSTRUCTION_SHARE * time_limit_s / 2
    full = None if wall_short else _improvement_model(inst, budget, workers, block_minutes)
    if wall_short:
        budget.cap("improvement")
    improve = full is not None
    share = CONSTRUCTION_SHARE if improve else 1.0
    if hint is None:
        from wfm.roster.heuristic import construct

        # per-agent sweeps: a cheap coordinate descent on the true coverage, given the larger share of the time
        hint = construct(inst, time_limit_s=max(1.0, min(budget.left_s() * share, MAX_CONSTRUCTION_S)),
                         sweeps=HEURISTIC_SWEEPS, seed=seed, budget=budget, on_sweep=sweep_progress(progress, t0))
        if hint is not None and progress:
            progress({"stage": "construction", "elapsed_s": time.perf_counter() - t0})
    if hint is None:
        feas = build_model(inst, coverage=False)
        limit = min(budget.left_s() * 0.4, max(5.0, budget.left_s() * 0.2))
        solver = budget.solver(limit * DTIME_PER_S, 1, seed)
        status = run_solver(solver, feas.model)
        budget.record(solver, status, "feasibility")
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return Phase1Result(solver.StatusName(status), {}, wall_s=time.perf_counter() - t0,
                                dtime=budget.dtime, wall_capped=list(budget.capped))
        hint = {(ai, d): k for (ai, d, k), v in feas.ctx.x.items() if solver.Value(v)}
    if improve and budget.wall_left() <= 0:
        budget.cap("improvement")  # the construction spent the wall time: completing the hint would overrun it
        improve = False
    if not improve:
        return Phase1Result("HEURISTIC", dict(hint), wall_s=time.perf_counter() - t0, dtime=budget.dtime,
                            wall_capped=list(budget.capped))
    _add_complete_hint(full, hint, budget, seed)
    rate = lns_rate(workers, len(full.model.Proto().variables))
    solver = budget.solver(max(1.0, budget.left_s()) * rate, workers, seed, lns=True)
    cb = Progress(full.short_total, full.total_req, progress, t0)
    status = run_solver(solver, full.model, cb)
    budget.record(solver, status, "improvement", rate)
    name = solver.StatusName(status)
    result = Phase1Result(name, {}, wall_s=time.perf_counter() - t0, solutions=cb.count, history=cb.history)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        for (ai, d, k), v in full.ctx.x.items():
            if solver.Value(v):
                result.assignment[ai, d] = k
        result.objective = solver.ObjectiveValue()
        result.bound = solver.BestObjectiveBound()
        result.expected_short = solver.Value(full.short_total) / full.total_req if full.total_req else 0.0
    elif hint is not None and status != cp_model.INFEASIBLE:
        result.status = "HEURISTIC"  # the time ran out before CP-SAT improved on the construction
        result.assignment = dict(hint)
        result.bound = solver.BestObjectiveBound() if status != cp_model.MODEL_INVALID else None
    # CP-SAT optimises coverage per hour block with an on-phone profile; keep the heuristic's roster when it
    # leaves fewer under-staffed agent-intervals once breaks and queues are placed (the checker's measure)
    if hint and result.assignment and result.assignment != hint \
            and placed_under(inst, hint) < placed_under(inst, result.assignment):
        result.status = "HEURISTIC"
        result.assignment = dict(hint)
    result.dtime = budget.dtime
    result.wall_capped = list(budget.capped)
    return result


def _add_complete_hint(full: Built, hint: dict[tuple[int, int], int], budget: Budget, seed: int) -> None:
    """Hint the full model with the construction, every auxiliary variable included: the same model with the
    shifts fixed, solved (or, failing that, the shift variables alone)."""
    fixed = full.model.Clone()
    for (ai, d, k), v in full.ctx.x.items():
        fixed.Add(fixed.GetBoolVarFromProtoIndex(v.Index()) == (1 if hint.get((ai, d)) == k else 0))
    solver = budget.solver(max(1.0, min(budget.left_s() * 0.3, 20.0)) * DTIME_PER_S, 1, seed)
    status = run_solver(solver, fixed)
    budget.record(solver, status, "hint completion")
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        values = solver.ResponseProto().solution
        for i, val in enumerate(values):
            full.model.AddHint(full.model.GetIntVarFromProtoIndex(i), val)
    else:
        for (ai, d, k), v in full.ctx.x.items():
            full.model.AddHint(v, 1 if hint.get((ai, d)) == k else 0)


def sweep_progress(progress: Callable[[dict], None] | None, t0: float) -> Callable[[int], None] | None:
    """The construction's sweeps as progress lines ("construction sweep 2 done"), so a large roster's first
    minute is not silent."""
    if progress is None:
        return None
    return lambda n: progress({"stage": f"construction sweep {n}", "elapsed_s": time.perf_counter() - t0})


def _improvement_model(inst: Instance, budget: Budget, workers: int, block_minutes: int | None) -> Built | None:
    """The full model if CP-SAT's improvement of the construction fits the budget left (returns a first solution),
    else None: too large a model for this budget. Not even built when its shift variables alone (a lower bound
    on its size) do not fit: it would be held for nothing (about 300 MB at 600 agents x 4 weeks, issue 19), nor
    searched above `MAX_SEARCH_VARS` variables, whatever the budget."""
    n_x = sum(len(ks) for per_day in inst.allowed for ks in per_day)  # the model's shift variables
    budget.spent_s += n_x * BUILD_S_PER_VAR

    def fits(n_vars: int) -> bool:
        if n_vars > MAX_SEARCH_VARS:  # its search alone would take the process over 1 GB
            return False
        rate = lns_rate(workers, n_vars)
        return budget.left_s() * (1 - CONSTRUCTION_SHARE) * rate >= LNS_MIN_DTIME_PER_VAR * n_vars

    if not fits(n_x):
        return None
    full = build_model(inst, block_minutes=block_minutes)
    return full if fits(len(full.model.Proto().variables)) else None


def placed_under(inst: Instance, assignment: dict[tuple[int, int], int]) -> float:
    """Under-staffed agent-intervals (priority-weighted) of an assignment after phase 2 places breaks and queues."""
    from wfm.roster.detail import WORK, place

    if inst.pooled:
        from wfm.roster.problem import row_mask

        onp = np.zeros((len(inst.agents), inst.horizon + inst.per_day))
        for p in place(inst, assignment):
            onp[p.agent, p.start:p.start + len(p.acts)] += np.array([a == WORK for a in p.acts])
        cover = row_mask(inst).T.astype(float) @ onp[:, :inst.horizon]
        weight = np.array([max(inst.config.queues[inst.queues[q]].priority for q in r) for r in inst.rows], float)
        short = np.clip(inst.coverage_req()[:, :inst.horizon] - cover, 0, None)
        return float(short.sum() + 1e-3 * (weight[:, None] * short).sum())
    sched = np.zeros((len(inst.queues), inst.horizon + inst.per_day))
    qpos = {q: i for i, q in enumerate(inst.queues)}
    for p in place(inst, assignment):
        for j, (a, q) in enumerate(zip(p.acts, p.queues)):
            if a == WORK and q is not None:
                sched[qpos[q], p.start + j] += 1
    prio = np.array([inst.config.queues[q].priority for q in inst.queues], dtype=float)
    short = np.clip(inst.req - sched[:, :inst.horizon], 0, None)
    return float(short.sum() + 1e-3 * (prio[:, None] * short).sum())

