"""One step of the LNS engine (`wfm.roster.lns`): a CP-SAT sub-solve of the free cells with every other cell fixed,
hinted with the incumbent; and the solver-free step that re-lays one employee's row."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from wfm.roster.budget import stopped_by_wall
from wfm.roster.greedy import RowRelayer
from wfm.roster.lns_types import Cell, CellProblem, Roster

HINT_FIX_DTIME = 0.2  # deterministic time of the solve that completes a partial hint (`complete_hint`)
# CP-SAT parameters of a step with `light` presolve: no symmetry detection, one presolve pass. A step's model is
# small and its presolve was 40% of its solve: on 24 fixed neighbourhoods each of Curtois synthetics (one worker,
# same model and hint, both proved optimal) the solver's CPU fell 22% on Synth22 and 24, 17% on 13, 3-5% on 19
# and 23; where neither proves in 3 s the objectives were within 3 points.
LIGHT_PRESOLVE = {"symmetry_level": 0, "max_presolve_iterations": 1}


@dataclass
class Step:
    """What one step gave: the solver's status, its wall seconds and deterministic time, the size of its model
    (variables and constraints), the candidate roster (None when none was found) and whether the wall clock
    rather than the step's own limits stopped it."""

    status: str
    seconds: float
    dtime: float
    items: int
    candidate: Roster | None
    capped: bool = False


def sub_solver(limit: float, workers: int, seed: int, lp: bool = True) -> cp_model.CpSolver:
    """CP-SAT set up for this kind of model. Its LP relaxation is tight, so single-worker solves use
    linearization level 2, and a multi-worker solve gets an LP-heavy worker into its portfolio."""
    s = cp_model.CpSolver()
    s.parameters.max_time_in_seconds = max(0.05, limit)
    s.parameters.num_workers = workers
    s.parameters.random_seed = seed
    s.parameters.log_search_progress = bool(os.environ.get("WFM_CPLOG"))
    if lp and workers == 1:
        s.parameters.linearization_level = 2
    elif lp:
        s.parameters.subsolvers.extend(["max_lp", "quick_restart"])
    return s


def resolve(problem: CellProblem, cur: Roster, cells: set[Cell], limit: float, seed: int, lp: bool = True,
            work: float | None = None, *, complete_hint: bool = False,
            running: list[cp_model.CpSolver] | None = None, light: bool = False) -> Step:
    """Re-solve the free `cells` with every other cell fixed to `cur`, hinted with `cur`, for at most `limit`
    seconds and `work` units of CP-SAT's deterministic time. With `complete_hint` a short solve first fixes the
    shift variables to the hint so that every auxiliary variable is hinted too (the hotline's models, whose
    auxiliaries the hint does not give). Solvers are added to `running` so that Ctrl-C can stop them. `light`:
    the lighter presolve of `LIGHT_PRESOLVE`."""
    around = getattr(problem, "build_around", None)  # the same model without a dict of the whole roster
    if around is not None:
        sub = around(cur, cells)
    else:
        sub = problem.build({(e, d): cur.get((e, d)) for e in range(problem.n_staff) for d in range(problem.n_days)
                             if (e, d) not in cells})
    proto = sub.model.Proto()
    items = len(proto.variables) + len(proto.constraints)
    for (e, d, t), v in sub.x.items():
        sub.model.AddHint(v, 1 if cur.get((e, d)) == t else 0)
    used = 0.0
    if complete_hint:
        first = _solver(limit, seed, lp, HINT_FIX_DTIME, running)
        first.parameters.fix_variables_to_their_hinted_value = True
        status = first.Solve(sub.model)
        used += first.deterministic_time
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            values = first.ResponseProto().solution
            sub.model.ClearHints()
            for i, val in enumerate(values):
                sub.model.AddHint(sub.model.GetIntVarFromProtoIndex(i), val)
    solver = _solver(limit, seed, lp, work, running)
    for name, value in LIGHT_PRESOLVE.items() if light else ():
        setattr(solver.parameters, name, value)
    status = solver.Solve(sub.model)
    used += solver.deterministic_time
    capped = work is not None and stopped_by_wall(solver, status)
    seconds = solver.WallTime()
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Step(solver.StatusName(status), seconds, used, items, None, capped)
    cand = {k: t for k, t in cur.items() if k not in cells}
    cand.update({(e, d): t for (e, d, t), v in sub.x.items() if solver.Value(v)})
    return Step(solver.StatusName(status), seconds, used, items, cand, capped)


def _solver(limit: float, seed: int, lp: bool, work: float | None,
            running: list[cp_model.CpSolver] | None) -> cp_model.CpSolver:
    solver = sub_solver(limit, 1, seed, lp=lp)
    if work is not None:
        solver.parameters.max_deterministic_time = max(0.05, work)
    solver.parameters.catch_sigint_signal = False  # Ctrl-C reaches the main thread (`lns.improve`)
    if running is not None:
        running.append(solver)
    return solver


def relay_step(relayer: RowRelayer, cur: Roster, e: int) -> Step:
    """Employee e's row re-laid without a solver (`RowRelayer`), reported as a step (status RELAID, or
    NO_BETTER_ROW with no candidate)."""
    t0 = time.perf_counter()
    laid = relayer.relay(cur, e)
    if laid is None:
        return Step("NO_BETTER_ROW", time.perf_counter() - t0, 0.0, 0, None)
    cand = {k: t for k, t in cur.items() if k[0] != e}
    cand.update({(e, d): t for d, t in laid[0].items()})
    return Step("RELAID", time.perf_counter() - t0, 0.0, 0, cand)
