"""Phase 1 by large neighbourhood search (the engine of `wfm.roster.lns` on `wfm.roster.cells.HotlineCells`), for
rosters whose whole model is too large to search (`prefer_lns`).

The per-agent construction (`wfm.roster.heuristic.construct`, as the whole-model path runs it) gives the first
roster; then, with the budget it leaves, each round re-solves
`workers` neighbourhoods at once from the incumbent, each a CP-SAT model of a few agents over one week (the
others' cells constants, `HotlineCells.build`): agents around an under-staffed block, drawn in proportion to its
points, or random agents. The round's candidates are merged in the order they were drawn (a later one only when
its rows are disjoint from those already changed, so every row stays feasible) and kept when the whole objective
does not get worse. Deterministic like the rest of phase 1: every sub-solve stops at a deterministic time, the
rounds are charged to the `Budget` by counted work (model sizes, deterministic time), never by the clock, and the
order of merging does not depend on which solve finishes first. Supervisors stay as the construction put them
(the supervisor-on-duty rule links their rows).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass

from ortools.sat.python import cp_model

from wfm.roster.budget import (LNS_BUILD_S_PER_ITEM, LNS_EVAL_S_PER_CELL, LNS_STEP_DTIME,
                               LNS_STEP_DTIME_PER_S, MAX_SEARCH_VARS, Budget, make_solver, stopped_by_wall, wall_cap)
from wfm.roster.cells import Cell, HotlineCells, as_assignment, as_cells
from wfm.roster.model import HEURISTIC_SWEEPS, Phase1Result, placed_under
from wfm.roster.problem import Instance

# Whether `build_roster` uses this path (tests and benchmarks turn it off to compare).
ENABLED = True
MAX_CONSTRUCTION_S = 240.0  # reference seconds: the construction as the whole-model path runs it; LNS gets the rest
KINDS = ("cover", "cover", "cover", "staff")
LINEARIZATION = 2  # the coverage LP is tight: level 2 finds the better rows


def prefer_lns(inst: Instance, time_limit_s: float, workers: int) -> bool:
    """Whether phase 1 searches by LNS: skill routing, and a whole model above `MAX_SEARCH_VARS` shift variables
    (which `wfm.roster.model` does not search: its construction stands). Not where the whole model only lacks
    time: the sample's 4 weeks at 75 s came out at 3.5% under-staffed by LNS, 0.4% without (RESULTS.md)."""
    del time_limit_s, workers  # the decision is by size alone (see above)
    if not ENABLED or not inst.pooled:
        return False
    return sum(len(ks) for per_day in inst.allowed for ks in per_day) > MAX_SEARCH_VARS


@dataclass
class Step:
    status: str
    dtime: float
    items: int  # variables and constraints of its model
    candidate: dict[Cell, str] | None
    capped: bool  # the wall clock, not the deterministic limit, stopped it


def solve_step(problem: HotlineCells, cur: dict[Cell, str], cells: set[Cell], dtime: float, seed: int,
               wall_s: float, running: list) -> Step:
    """Re-solve the free `cells` with every other cell fixed to `cur`, from `cur` (completed into a full hint)."""
    fixed = {(e, d): cur.get((e, d)) for e in range(problem.n_staff) for d in range(problem.n_days)
             if (e, d) not in cells}
    sub = problem.build(fixed)
    items = len(sub.model.Proto().variables) + len(sub.model.Proto().constraints)
    for (e, d, t), v in sub.x.items():
        sub.model.AddHint(v, 1 if cur.get((e, d)) == t else 0)
    used = 0.0
    first = _solver(0.2, seed, wall_s, running)
    first.parameters.fix_variables_to_their_hinted_value = True
    status = first.Solve(sub.model)
    used += first.deterministic_time
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # every auxiliary variable hinted too
        values = first.ResponseProto().solution
        sub.model.ClearHints()
        for i, val in enumerate(values):
            sub.model.AddHint(sub.model.GetIntVarFromProtoIndex(i), val)
    solver = _solver(dtime, seed, wall_s, running)
    status = solver.Solve(sub.model)
    used += solver.deterministic_time
    capped = stopped_by_wall(solver, status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Step(solver.StatusName(status), used, items, None, capped)
    cand = {k: t for k, t in cur.items() if k not in cells}
    cand.update({(e, d): t for (e, d, t), v in sub.x.items() if solver.Value(v)})
    return Step(solver.StatusName(status), used, items, cand, capped)


def _solver(dtime: float, seed: int, wall_s: float, running: list) -> cp_model.CpSolver:
    solver = make_solver(dtime, 1, seed, wall_s=wall_s)
    solver.parameters.linearization_level = LINEARIZATION
    solver.parameters.catch_sigint_signal = False  # Ctrl-C reaches the main thread (`improve`)
    running.append(solver)
    return solver


def neighbourhood(problem: HotlineCells, rng: random.Random, kind: str, n: int, cur: dict[Cell, str],
                  movable: list[int]) -> set[Cell]:
    """The free cells of one step: `n` agents over one week, around an under-staffed block ("cover": agents
    of its row who could cover it, most of them off that day) or random ("staff")."""
    inst = problem.inst
    weeks = inst.weeks()
    short = problem.short_blocks(cur) if kind == "cover" else []
    if not short:
        return {(e, d) for e in rng.sample(movable, min(n, len(movable))) for d in rng.choice(weeks)}
    r, b, _ = rng.choices(short, weights=[p for *_, p in short])[0]
    per_day = inst.per_day // problem.g
    day = min(inst.days - 1, b // per_day)
    able = [ai for ai in movable if problem.rows_of_agent[ai, r] and any(
        problem.blocks[k].get(b - d * per_day, 0) for d in (day - 1, day) if d >= 0 for k in inst.allowed[ai][d])]
    off = [ai for ai in able if (ai, day) not in cur]
    rng.shuffle(off)
    rng.shuffle(able)
    near = list(dict.fromkeys(off[: max(1, n // 2)] + able))[: max(1, n - n // 4)]
    rest = [ai for ai in movable if ai not in near]
    chosen = near + rng.sample(rest, min(len(rest), n - len(near)))
    week = next(w for w in weeks if day in w)
    return {(e, d) for e in chosen for d in week}


def improve(problem: HotlineCells, cur: dict[Cell, str], budget: Budget, *, workers: int = 2, seed: int = 0,
            log: Callable[[str], object] = lambda s: 0) -> tuple[dict[Cell, str], int, int, int]:
    """LNS from `cur` until the budget is spent: (roster, objective, steps, steps that improved it)."""
    rng = random.Random(seed)
    movable = [ai for ai, a in enumerate(problem.inst.agents) if not a.is_supervisor]
    size = {"cover": 6, "staff": 4}
    best = problem.objective(cur)
    eval_s = LNS_EVAL_S_PER_CELL * problem.n_staff * problem.n_days
    steps = improved = 0
    running: list = []
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        while movable and budget.left_s() > 0:
            if budget.wall_left() <= 0:
                budget.cap("neighbourhood search")
                break
            batch = []
            for _ in range(max(1, workers)):
                kind = rng.choice(KINDS)
                cells = neighbourhood(problem, rng, kind, size[kind], cur, movable)
                steps += 1
                batch.append((kind, cells, pool.submit(solve_step, problem, cur, cells, LNS_STEP_DTIME,
                                                       seed + steps, max(1.0, budget.wall_left()), running)))
            results = _wait(batch, running)
            running.clear()
            budget.dtime += sum(r.dtime for r in results)
            budget.spent_s += sum(LNS_BUILD_S_PER_ITEM * r.items + eval_s for r in results) \
                + max(r.dtime for r in results) / LNS_STEP_DTIME_PER_S
            changed: set[int] = set()
            for (kind, cells, _), r in zip(batch, results):
                if r.capped:
                    budget.cap("neighbourhood search")
                size[kind] = max(2, min(40, size[kind] + (1 if r.status == "OPTIMAL" and
                                                          r.dtime < LNS_STEP_DTIME / 3 else
                                                          0 if r.status == "OPTIMAL" else -1)))
                rows = problem.linked({e for e, _ in cells})
                if r.candidate is None or rows & changed:
                    continue
                merged = {k: t for k, t in cur.items() if k not in cells}
                merged.update({k: t for k, t in r.candidate.items() if k in cells})
                val = problem.objective(merged)
                if val <= best:
                    changed |= rows
                    improved += val < best
                    cur, best = merged, val
            log(f"lns: {steps} steps, objective {best}, sizes {size}")
    return cur, best, steps, improved


def _wait(batch, running: list) -> list[Step]:
    """The round's results in the order drawn; Ctrl-C stops every running solve and is raised here."""
    futures = [f for *_, f in batch]
    try:
        while True:
            done, pending = wait(futures, timeout=0.1)
            if not pending:
                return [f.result() for f in futures]
    except KeyboardInterrupt:
        for solver in list(running):
            solver.StopSearch()
        wait(futures)
        raise


def solve_phase1_lns(inst: Instance, *, time_limit_s: float, workers: int = 2, seed: int = 0,
                     progress: Callable[[dict], None] | None = None,
                     wall_cap_s: float | None = None) -> Phase1Result:
    """Shift assignment by the construction then LNS (see the module's docstring); the result as
    `wfm.roster.model.solve_phase1` gives it. Deterministic for the same instance, workers and seed."""
    from wfm.roster.heuristic import construct
    from wfm.roster.model import solve_phase1

    t0 = time.perf_counter()
    budget = Budget(time_limit_s, t0 + (wall_cap_s if wall_cap_s is not None else wall_cap(time_limit_s)))
    hint = construct(inst, time_limit_s=max(1.0, min(budget.left_s(), MAX_CONSTRUCTION_S)),
                     sweeps=HEURISTIC_SWEEPS, seed=seed, budget=budget)
    if hint is None:  # an agent's rules clash in the construction: the whole-model path finds or explains it
        return solve_phase1(inst, time_limit_s=max(1.0, budget.left_s()), workers=workers, seed=seed,
                            progress=progress, wall_cap_s=max(1.0, budget.wall_left()))
    if progress:
        progress({"stage": "construction", "elapsed_s": time.perf_counter() - t0})
    problem = HotlineCells(inst)
    first = problem.objective(as_cells(hint))
    roster, best, _, improved = improve(problem, as_cells(hint), budget, workers=workers, seed=seed)
    assignment = as_assignment(roster)
    status = "LNS" if best < first else "HEURISTIC"
    # the model scores hour blocks with an on-phone profile; keep the construction's roster when it leaves fewer
    # under-staffed agent-intervals once breaks and queues are placed (the checker's measure), as phase 1 does
    if status == "LNS" and placed_under(inst, hint) < placed_under(inst, assignment):
        status, assignment, best = "HEURISTIC", dict(hint), first
    return Phase1Result(status, assignment, objective=best, wall_s=time.perf_counter() - t0, solutions=improved,
                        dtime=budget.dtime, wall_capped=list(budget.capped))
