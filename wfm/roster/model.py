"""Phase 1: which shift (or none) every agent works every day, by CP-SAT.

Decision: bool x[a,d,k] per agent, day and allowed shift option. Coverage is modelled per skill-set class
(agents with the same skills) and time block: n[c,d,k] counts the class's agents on option k on day d; the
class's expected on-phone capacity in a block (shift intervals weighted by an on-phone profile that allows for
breaks, lunch and daily training) is split over the class's queues by integer flows z[c,q,b]; the shortfall
per queue and block is penalised by a convex piecewise-linear function of its ratio to the requirement,
weighted by queue priority. Labour rules come from `wfm.roster.rules`.
"""

from __future__ import annotations

import math
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from wfm.roster.problem import Instance
from wfm.roster.rules import RULES

HEURISTIC_SWEEPS = 4  # at most; the construction stops sweeping when its (deterministic) budget share is used
SCALE = 4  # capacity in quarters of an agent-interval
SLOPES = (10, 20, 40)  # penalty per unit of shortfall: up to 25%, 25-50%, above 50% of the requirement
BREAKPOINTS = (0.25, 0.5)


# Search budgets are deterministic so that the same inputs and seed give the same roster whatever the machine's
# load: CP-SAT runs under `max_deterministic_time` (its work counter, not the clock), parallel CP-SAT interleaves its
# workers deterministically, and the per-agent heuristic counts its work. A time limit in seconds is turned into
# deterministic time with rates measured on the reference machine (2 cores, otherwise idle, OR-Tools 9.15); the
# wall clock is only a safety cap, and a search it stopped is recorded as possibly not reproducible.
DTIME_PER_S = 0.5  # single-worker CP-SAT (heuristic sub-models, hint completion, explanation): dtime per second
# phase-1 improvement search (interleaved LNS): dtime per second and worker falls with the model's size, as every
# neighbourhood copies and presolves the model (measured: 0.33 at 30k variables, 0.16 at 94k)
LNS_DTIME_PER_WORKER_S = 0.63
LNS_SIZE_VARS = 33_000
BUILD_S_PER_VAR = 6e-5  # building the full model, its hint and loading them into CP-SAT: seconds per shift variable
WALL_CAP = 1.25  # wall-clock safety cap, as a multiple of the time limit (a time limit is a promise) ...
WALL_CAP_MIN_S = 60.0  # ... and at least this (short limits on a loaded machine)


def wall_cap(time_limit_s: float) -> float:
    """Seconds after which a search of `time_limit_s` (reference seconds) is cut short whatever its budget."""
    return max(WALL_CAP_MIN_S, WALL_CAP * time_limit_s)


@dataclass
class Budget:
    """A search budget in seconds on the reference machine, spent by deterministic estimates, with a wall cap.

    `spent_s` only ever grows by deterministic amounts (CP-SAT deterministic time, counted model sizes), so every
    decision taken from `left_s()` is the same on every run; `deadline` (wall clock) only bounds a run on a very
    slow or overloaded machine, and `capped` names the stages it cut short.
    """

    seconds: float
    deadline: float  # time.perf_counter() value of the wall-clock safety cap
    spent_s: float = 0.0
    dtime: float = 0.0  # CP-SAT deterministic time used
    capped: list[str] = field(default_factory=list)

    def left_s(self) -> float:
        return self.seconds - self.spent_s

    def wall_left(self) -> float:
        return self.deadline - time.perf_counter()

    def solver(self, dtime: float, workers: int, seed: int, *, lns: bool = False) -> cp_model.CpSolver:
        """A CP-SAT solver that stops after `dtime` deterministic time (or at the wall cap, whichever is first)."""
        return _solver(dtime, workers, seed, wall_s=max(1.0, self.wall_left()), lns=lns)

    def record(self, solver: cp_model.CpSolver, status: int, stage: str, rate: float = DTIME_PER_S) -> None:
        """Account a finished CP-SAT solve; note the stage when the wall cap, not the budget, stopped it."""
        dt_used = solver.deterministic_time
        self.dtime += dt_used
        self.spent_s += dt_used / rate
        if stopped_by_wall(solver, status):
            self.cap(stage)

    def cap(self, stage: str) -> None:
        """Note that the wall-clock cap cut `stage` short (its result may differ from run to run)."""
        if stage not in self.capped:
            self.capped.append(stage)


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


class Context:
    """What rules see: the model, the shift variables, and `add` (which knows about explain mode)."""

    def __init__(self, inst: Instance, model: cp_model.CpModel, explain: bool = False):
        self.inst = inst
        self.model = model
        self.explain = explain
        self.x: dict[tuple[int, int, int], cp_model.IntVar] = {}
        self.assumptions: dict[tuple[str, int | None], cp_model.IntVar] = {}
        self.overtime: list = []
        self._paid_unit = inst.interval

    def lit(self, rule: str, ai: int | None):
        key = (rule, ai)
        if key not in self.assumptions:
            self.assumptions[key] = self.model.NewBoolVar(f"assume_{rule}_{ai}")
        return self.assumptions[key]

    def add(self, constraint, rule: str, ai: int | None) -> None:
        if isinstance(constraint, bool) or isinstance(constraint, np.bool_):
            if constraint:
                return
            if self.explain:
                self.model.Add(self.lit(rule, ai) == 0)
            else:
                self.model.AddBoolOr([])  # infeasible on purpose: the explain pass names it
            return
        ct = self.model.Add(constraint)
        if self.explain:
            ct.OnlyEnforceIf(self.lit(rule, ai))

    def work(self, ai: int, d: int):
        return sum(self.x[ai, d, k] for k in self.inst.allowed[ai][d])

    def paid(self, ai: int, days: list[int]):
        """Paid minutes over `days`."""
        return sum(self.inst.options[k].paid_min * self.x[ai, d, k] for d in days for k in self.inst.allowed[ai][d])

    def previous_run(self, agent) -> int:
        """Consecutive days worked right before the period (from the previous roster)."""
        worked = {(p.date - self.inst.start).days for p in self.inst.previous.get(agent.agent_id, [])}
        run = 0
        while -(run + 1) in worked:
            run += 1
        return run


def on_phone_profile(inst: Instance, k: int) -> np.ndarray:
    """Expected on-phone share of each interval of shift option k (breaks, lunch, daily training spread)."""
    o = inst.options[k]
    n = o.length_min // inst.interval
    du = inst.duties(o)
    offp = np.zeros(n)
    if du.lunch:
        lo, hi = du.lunch_window
        hi = min(hi, n - du.lunch - du.min_gap)
        lo = min(max(lo, du.min_gap), hi)
        starts = range(lo, hi + 1)
        for s in starts:
            offp[s:s + du.lunch] += 1 / len(starts)
    if du.breaks:
        a, b = du.min_gap, max(du.min_gap + 1, n - du.min_gap)
        offp[a:b] += du.breaks * du.break_len / (b - a)
    daily = sum(math.ceil(t.minutes / inst.interval) for t in inst.config.training
                if t.frequency == "daily" and t.who == "all")
    if daily:
        offp += daily / n
    return np.clip(1 - offp, 0, 1)


def skill_classes(inst: Instance) -> tuple[list[tuple[str, ...]], list[int]]:
    classes: dict[tuple[str, ...], int] = {}
    of = []
    for a in inst.agents:
        key = tuple(q for q in inst.queues if q in a.skills)
        of.append(classes.setdefault(key, len(classes)))
    return list(classes), of


@dataclass
class Built:
    model: cp_model.CpModel
    ctx: Context
    short_total: cp_model.IntVar
    total_req: int


def build_model(inst: Instance, *, block_minutes: int | None = None, coverage: bool = True) -> Built:
    model = cp_model.CpModel()
    ctx = Context(inst, model)
    A, D = len(inst.agents), inst.days
    for ai in range(A):
        for d in range(D):
            ks = inst.allowed[ai][d]
            for k in ks:
                ctx.x[ai, d, k] = model.NewBoolVar(f"x_{ai}_{d}_{k}")
            if len(ks) > 1:
                model.AddAtMostOne(ctx.x[ai, d, k] for k in ks)
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
    cap_terms: dict[tuple[int, int], list] = {}
    for c, ais in members.items():
        for d in range(D):
            ks = sorted({k for ai in ais for k in inst.allowed[ai][d]})
            for k in ks:
                xs = [ctx.x[ai, d, k] for ai in ais if (ai, d, k) in ctx.x]
                if len(xs) == 1:
                    n = xs[0]
                else:
                    n = model.NewIntVar(0, len(xs), f"n_{c}_{d}_{k}")
                    model.Add(n == sum(xs))
                o = inst.options[k]
                s = d * inst.per_day + o.start_min // inst.interval
                per_block: dict[int, int] = {}
                for j, w in enumerate(profiles[k]):
                    t = s + j
                    if t >= H:
                        break
                    if w:
                        per_block[t // g] = per_block.get(t // g, 0) + int(w)
                for b, w in per_block.items():
                    cap_terms.setdefault((c, b), []).append((w, n, len(xs)))
    prio = [inst.config.queues[q].priority for q in inst.queues]
    if inst.pooled:
        pens, shorts, total_req = _pooled_coverage(inst, model, need, classes, cap_terms, nb, g, prio)
    else:
        pens, shorts, total_req = _queue_coverage(inst, model, need, classes, cap_terms, nb, g, prio)
    short_total = model.NewIntVar(0, max(total_req, 0), "short_total")
    model.Add(short_total == sum(shorts))

    # ---- soft terms: paid time (cost), overtime, preferences, fairness
    paid_units = sum(inst.options[k].paid_min // inst.interval * v for (ai, d, k), v in ctx.x.items())
    pref_terms = []
    for (ai, d, k), v in ctx.x.items():
        pref = inst.agents[ai].shift_preference
        if pref and inst.options[k].template.code in pref.split(";"):
            pref_terms.append(v)
    ot = sum(ctx.overtime) if ctx.overtime else 0
    spread = fairness_terms(inst, ctx)
    model.Minimize(sum(pens) + paid_units + 2 * ot - 8 * sum(pref_terms) + 30 * sum(spread))
    return Built(model, ctx, short_total, total_req)


def _penalty(model: cp_model.CpModel, u, R: int, weight: int, name: str):
    """Convex piecewise-linear penalty of a shortfall u out of a requirement R (slopes rise at 25% and 50%)."""
    c1, c2 = math.floor(BREAKPOINTS[0] * R), math.floor(BREAKPOINTS[1] * R)
    s1, s2, s3 = (s * weight for s in SLOPES)
    pen = model.NewIntVar(0, s3 * R, name)
    model.Add(pen >= s1 * u)
    model.Add(pen >= s2 * u - (s2 - s1) * c1)
    model.Add(pen >= s3 * u - (s3 - s2) * c2 - (s2 - s1) * c1)
    return pen


def _pooled_coverage(inst: Instance, model: cp_model.CpModel, need: np.ndarray, classes, cap_terms, nb: int, g: int,
                     prio):
    """Skill routing: every on-phone agent counts in each coverage row holding one of its skills."""
    req_b = np.zeros((len(inst.rows), nb), dtype=np.int64)
    for b in range(nb):
        req_b[:, b] = need[:, b * g:(b + 1) * g].sum(axis=1) * SCALE
    capv = {}
    for (c, b), terms in cap_terms.items():
        v = model.NewIntVar(0, int(sum(w * m for w, _, m in terms)), f"cap_{c}_{b}")
        model.Add(v == sum(w * n for w, n, _ in terms))
        capv[c, b] = v
    qidx = {q: i for i, q in enumerate(inst.queues)}
    class_q = [{qidx[q] for q in qs} for qs in classes]
    pens, shorts = [], []
    for r, row in enumerate(inst.rows):
        capable = [c for c, qs in enumerate(class_q) if qs & set(row)]
        weight = max(prio[q] for q in row)
        label = "+".join(inst.queues[q] for q in row)
        for b in range(nb):
            R = int(req_b[r, b])
            if R <= 0:
                continue
            u = model.NewIntVar(0, R, f"short_{label}_{b}")
            have = [capv[c, b] for c in capable if (c, b) in capv]
            model.Add(u >= R - sum(have)) if have else model.Add(u == R)
            shorts.append(u)
            pens.append(_penalty(model, u, R, weight, f"pen_{label}_{b}"))
    return pens, shorts, int(req_b.sum())


def _queue_coverage(inst: Instance, model: cp_model.CpModel, need: np.ndarray, classes, cap_terms, nb: int, g: int,
                    prio):
    """Queues assigned by hand: each class's capacity is split over its queues by integer flows."""
    req_b = np.zeros((len(inst.queues), nb), dtype=np.int64)
    for b in range(nb):
        req_b[:, b] = need[:len(inst.queues), b * g:(b + 1) * g].sum(axis=1) * SCALE
    pens = []
    shorts = []
    for b in range(nb):
        zq: dict[int, list] = {}
        for c, qs in enumerate(classes):
            terms = cap_terms.get((c, b))
            if not terms:
                continue
            ub = sum(w * m for w, _, m in terms)
            zs = []
            for q in qs:
                qi = inst.queues.index(q)
                if req_b[qi, b] <= 0:
                    continue
                z = model.NewIntVar(0, int(min(ub, req_b[qi, b])), f"z_{c}_{qi}_{b}")
                zs.append(z)
                zq.setdefault(qi, []).append(z)
            if zs:
                model.Add(sum(zs) <= sum(w * n for w, n, _ in terms))
        for qi in range(len(inst.queues)):
            R = int(req_b[qi, b])
            if R <= 0:
                continue
            u = model.NewIntVar(0, R, f"u_{qi}_{b}")
            model.Add(u == R - sum(zq.get(qi, [])))
            shorts.append(u)
            pens.append(_penalty(model, u, R, prio[qi], f"pen_{qi}_{b}"))
    return pens, shorts, int(req_b.sum())


def _solver(dtime: float, workers: int, seed: int, *, wall_s: float, lns: bool = False) -> cp_model.CpSolver:
    """CP-SAT limited by deterministic time `dtime`, with `wall_s` seconds as a safety cap only.

    More than one worker (or `lns`) runs the interleaved search, which is deterministic whatever the thread timing;
    `lns` keeps only the large-neighbourhood workers (improving a hinted solution, which is all phase 1 asks of it:
    the full-model workers of the interleaved search would spend the whole budget in their first task).
    """
    import os

    solver = cp_model.CpSolver()
    p = solver.parameters
    p.max_deterministic_time = max(0.05, dtime)
    p.max_time_in_seconds = max(0.2, wall_s)
    p.num_workers = max(1, workers)
    p.random_seed = seed
    if workers > 1 or lns:
        p.interleave_search = True
    if lns:
        p.use_lns_only = True
    p.log_search_progress = bool(os.environ.get("WFM_CPLOG"))
    return solver


def run_solver(solver: cp_model.CpSolver, model: cp_model.CpModel, callback=None) -> int:
    """`solver.Solve`, with Ctrl-C stopping the search and raising `KeyboardInterrupt` (CP-SAT's own SIGINT
    handling would end the search quietly and the roster would be written as if it had finished). The search
    runs in a worker thread so that the main thread can take the signal; where SIGINT is ignored (a background
    job) it stays ignored."""
    solver.parameters.catch_sigint_signal = False
    main = threading.current_thread() is threading.main_thread()
    if not main or signal.getsignal(signal.SIGINT) in (signal.SIG_IGN, None):
        return solver.Solve(model, callback)
    interrupted: list[bool] = []

    def stop(signum, frame) -> None:
        interrupted.append(True)
        solver.StopSearch()

    out: dict[str, object] = {}

    def solve() -> None:
        try:
            out["status"] = solver.Solve(model, callback)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            out["error"] = exc

    previous = signal.signal(signal.SIGINT, stop)
    try:
        worker = threading.Thread(target=solve, daemon=True)
        worker.start()
        while worker.is_alive():
            worker.join(0.1)
    finally:
        signal.signal(signal.SIGINT, previous)
    if interrupted:
        raise KeyboardInterrupt
    if "error" in out:
        raise out["error"]
    return out["status"]


def stopped_by_wall(solver: cp_model.CpSolver, status: int) -> bool:
    """Whether a solve ended at its wall-clock cap rather than at its deterministic limit or with a proof."""
    if status in (cp_model.OPTIMAL, cp_model.INFEASIBLE, cp_model.MODEL_INVALID):
        return False
    # by the clock alone: an interleaved search stopped mid-batch may still report its full deterministic time
    return solver.wall_time >= 0.95 * solver.parameters.max_time_in_seconds


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
    if hint is None:
        from wfm.roster.heuristic import construct

        # the per-agent sweeps are a cheap coordinate descent on the true 15-minute coverage: at scale they beat
        # CP-SAT on the full model, so they get a larger share of the time (more sweeps when they fit)
        hint = construct(inst, time_limit_s=max(1.0, min(budget.left_s() * 0.3, 240.0)), sweeps=HEURISTIC_SWEEPS,
                         seed=seed, budget=budget)
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
    full = build_model(inst, block_minutes=block_minutes)
    budget.spent_s += len(full.ctx.x) * BUILD_S_PER_VAR
    # complete the hint: the same model with x fixed gives every auxiliary variable a value
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
    rate = LNS_DTIME_PER_WORKER_S * max(1, workers) / (1 + len(full.model.Proto().variables) / LNS_SIZE_VARS)
    solver = budget.solver(max(1.0, budget.left_s()) * rate, workers, seed, lns=True)
    cb = _Progress(full.short_total, full.total_req, progress, t0)
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


def fairness_terms(inst: Instance, ctx: Context) -> list:
    """Spread (max - min) of night, per-template and weekend shifts within each team's agents of one contract."""
    rot = inst.config.rotation
    model = ctx.model
    groups: dict[tuple[str, float], list[int]] = {}
    for ai, a in enumerate(inst.agents):
        if not a.is_supervisor:
            groups.setdefault((a.team, a.contract_hours_week), []).append(ai)
    codes = sorted({o.template.code for o in inst.options})
    wk = {d for d in range(inst.days) if inst.date(d).weekday() >= 5}
    spreads = []
    for ais in groups.values():
        if len(ais) < 2:
            continue
        kinds = []
        if rot.fair_shift_types:
            for code in codes:
                kinds.append(lambda ai, code=code: [v for (a2, d, k), v in _agent_vars(ctx, ai)
                                                    if inst.options[k].template.code == code])
        if rot.fair_weekends and wk:
            kinds.append(lambda ai: [v for (a2, d, k), v in _agent_vars(ctx, ai) if d in wk])
        for kind in kinds:
            counts = []
            for ai in ais:
                vs = kind(ai)
                c = model.NewIntVar(0, inst.days, "")
                model.Add(c == sum(vs))
                counts.append(c)
            if not any(isinstance(c, cp_model.IntVar) for c in counts):
                continue
            hi = model.NewIntVar(0, inst.days, "")
            lo = model.NewIntVar(0, inst.days, "")
            model.AddMaxEquality(hi, counts)
            model.AddMinEquality(lo, counts)
            s = model.NewIntVar(0, inst.days, "")
            model.Add(s == hi - lo)
            spreads.append(s)
    return spreads


def _agent_vars(ctx: Context, ai: int):
    inst = ctx.inst
    for d in range(inst.days):
        for k in inst.allowed[ai][d]:
            yield (ai, d, k), ctx.x[ai, d, k]


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(self, short_total, total_req, progress, t0):
        super().__init__()
        self.short_total = short_total
        self.total_req = total_req
        self.progress = progress
        self.t0 = t0
        self.count = 0
        self.history: list[dict] = []

    def on_solution_callback(self) -> None:
        self.count += 1
        info = {
            "solution": self.count,
            "elapsed_s": time.perf_counter() - self.t0,
            "objective": self.ObjectiveValue(),
            "bound": self.BestObjectiveBound(),
            "under_share": self.Value(self.short_total) / self.total_req if self.total_req else 0.0,
        }
        self.history.append(info)
        if self.progress:
            self.progress(info)


def lp_lower_bound(inst: Instance, *, time_limit_s: float = 120.0) -> dict:
    """A lower bound on under-staffed agent-intervals from an LP relaxation of the shift assignment (HiGHS).

    Agents are pooled into classes of equal skills and equal shift options; y[c,d,k] (continuous) is how many of
    class c work option k on day d, within the class's available heads per day, its summed weekly hours, days
    off per week and night caps. On-phone flows z[c,q,t] to skilled queues are bounded by the heads present in
    each interval and, per week, by the on-phone time the shifts leave after lunch, breaks and daily training;
    they cover at most the requirement. Any roster is feasible here (sequencing rules, supervisors and the
    placement of breaks are relaxed away). The LP decomposes by week (shifts starting in the week, covering
    intervals up to their end): the sum over weeks of the most each week's shifts can cover is at least what a
    roster covers, so required - that sum is a valid bound, rounded up to whole agent-intervals. It measures
    queues assigned by hand (an agent covers one queue at a time); under skill routing it is not a bound.
    """
    if inst.pooled:
        raise ValueError("the LP bound is for queues assigned by hand (centre.queue_assignment = \"by_hand\")")
    t0 = time.perf_counter()
    total_req = int(inst.req.sum())
    if total_req == 0:
        return {"under_lower_bound_lp": 0, "lp_s": 0.0, "lp_status": "trivial"}
    period = inst.config.rules.hours_averaging == "period"
    blocks = [list(range(inst.days))] if period else inst.weeks()
    covered = 0.0
    status = "optimal"
    size = [0, 0]
    for days in blocks:
        left = time_limit_s - (time.perf_counter() - t0)
        c, st, sz = _lp_block(inst, days, max(1.0, left))
        size = [max(size[0], sz[0]), max(size[1], sz[1])]
        if c is None:
            status = st
            break
        covered += c
    out = {"lp_s": round(time.perf_counter() - t0, 2), "lp_status": status, "lp_size": size}
    out["under_lower_bound_lp"] = (max(0, math.ceil(total_req - covered - 1e-6 * total_req))
                                   if status == "optimal" else None)
    return out


def _lp_block(inst: Instance, days: list[int], time_limit_s: float):
    """Most requirement the shifts starting on `days` can cover (LP), or None with the solver's status."""
    import scipy.sparse as sp
    from scipy.optimize import linprog

    from wfm.roster.rules import hours_bounds, leave_credit

    H = inst.horizon
    req = inst.req
    classes: dict[tuple, list[int]] = {}
    for ai, a in enumerate(inst.agents):
        opts = frozenset(k for d in days for k in inst.allowed[ai][d])
        key = (tuple(qi for qi, q in enumerate(inst.queues) if q in a.skills), tuple(sorted(opts)))
        classes.setdefault(key, []).append(ai)
    period = inst.config.rules.hours_averaging == "period"
    need_off = inst.config.rules.min_days_off_week
    nights_cap = inst.config.rules.max_nights_period
    daily_tr = sum(math.ceil(t.minutes / inst.interval) for t in inst.config.training
                   if t.frequency == "daily" and t.who == "all")
    onphone = []
    for o in inst.options:
        du = inst.duties(o)
        n = o.length_min // inst.interval
        onphone.append(max(0, n - du.lunch - du.breaks * du.break_len - daily_tr))
    ncol = 0
    cost: list[float] = []
    ub: list[float] = []
    r_i: list[int] = []
    r_j: list[int] = []
    r_v: list[float] = []
    b_ub: list[float] = []

    def add_row(cols, coefs, rhs) -> None:
        r = len(b_ub)
        r_i.extend([r] * len(cols))
        r_j.extend(cols)
        r_v.extend(coefs)
        b_ub.append(float(rhs))

    cover_cols: dict[tuple[int, int], list[int]] = {}  # (q, t) -> z columns
    for (qs, opts), ais in classes.items():
        ycol: dict[tuple[int, int], int] = {}
        for d in days:
            avail = sum(1 for ai in ais if inst.allowed[ai][d])
            if not avail:
                continue
            for k in opts:
                ycol[d, k] = ncol
                ncol += 1
                cost.append(0.0)
                ub.append(float(avail))
            add_row([ycol[d, k] for k in opts], [1.0] * len(opts), avail)
        cols = list(ycol.values())
        if not cols:
            continue
        coefs = [inst.options[k].paid_min / 60 for (d, k) in ycol]
        lo = sum(max(0, hours_bounds(inst, inst.agents[ai], len(days))[0] - leave_credit(inst, ai, days))
                 for ai in ais)
        hi = sum(max(0, hours_bounds(inst, inst.agents[ai], len(days))[1] - leave_credit(inst, ai, days))
                 for ai in ais)
        add_row(cols, coefs, hi / 60)  # hours
        add_row(cols, [-c for c in coefs], -lo / 60)
        off = 0 if period else max(0, need_off - (7 - len(days)))
        if off:
            add_row(cols, [1.0] * len(cols), len(ais) * (len(days) - off))
        nights = [c for (d, k), c in ycol.items() if inst.options[k].night]
        if nights:
            add_row(nights, [1.0] * len(nights), len(ais) * nights_cap)
        present: dict[int, list[int]] = {}
        for (d, k), c in ycol.items():
            o = inst.options[k]
            s = d * inst.per_day + o.start_min // inst.interval
            for t in range(s, min(H, s + o.length_min // inst.interval)):
                present.setdefault(t, []).append(c)
        zcols = []
        for t, ys in present.items():
            zs = []
            for qi in qs:
                if req[qi, t] > 0:
                    zs.append(ncol)
                    cover_cols.setdefault((qi, t), []).append(ncol)
                    ncol += 1
                    cost.append(-1.0)
                    ub.append(float(req[qi, t]))
            if zs:
                add_row(zs + ys, [1.0] * len(zs) + [-1.0] * len(ys), 0.0)
                zcols.extend(zs)
        if zcols:
            add_row(zcols + cols, [1.0] * len(zcols) + [-float(onphone[k]) for (d, k) in ycol], 0.0)
    for (qi, t), zs in cover_cols.items():
        if len(zs) > 1:
            add_row(zs, [1.0] * len(zs), req[qi, t])
    if not ncol:
        return 0.0, "optimal", (0, 0)
    A_ub = sp.csr_matrix((r_v, (r_i, r_j)), shape=(len(b_ub), ncol))
    res = linprog(np.array(cost), A_ub=A_ub, b_ub=np.array(b_ub), bounds=np.column_stack([np.zeros(ncol), ub]),
                  method="highs-ipm", options={"time_limit": float(time_limit_s)})
    if res.status != 0:
        return None, str(res.message), (len(b_ub), ncol)
    return -float(res.fun), "optimal", (len(b_ub), ncol)
