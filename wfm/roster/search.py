"""Phase 1 by large neighbourhood search, for rosters whose whole model is too large to search (`prefer_lns`): the
roster engine's LNS (`wfm.roster.lns.improve`, the same engine the Curtois & Qu benchmark runs) on
`wfm.roster.cells.HotlineCells`, in its deterministic schedule.

The engine's construction gives the first roster: the problem's own (`HotlineCells.first_roster`, the per-agent
sweeps of `wfm.roster.heuristic.construct`, as the whole-model path runs them); then, with the budget it leaves,
each round re-solves `workers` neighbourhoods at once from the incumbent, each a CP-SAT model of a few agents over
one week (the others' cells constants, `HotlineCells.build`): agents around an under-staffed block, drawn in
proportion to its points, or random agents (`HotlineCells.neighbourhood`). The round's candidates are merged in the
order they were drawn (a later one only when its rows are disjoint from those already changed, so every row stays
feasible) and kept when the whole objective does not get worse. Deterministic like the rest of phase 1: every
sub-solve stops at a deterministic time, the rounds are charged to the `Budget` by counted work (model sizes,
deterministic time), never by the clock, and the order of merging does not depend on which solve finishes first.
Supervisors stay as the construction put them (the supervisor-on-duty rule links their rows).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from wfm.roster import lns
from wfm.roster.budget import LNS_STEP_DTIME, MAX_SEARCH_VARS, Budget, wall_cap
from wfm.roster.cells import HotlineCells, as_assignment
from wfm.roster.model import Phase1Result, placed_under, sweep_progress
from wfm.roster.problem import Instance

# Whether `build_roster` uses this path (tests and benchmarks turn it off to compare).
ENABLED = True
# the engine's settings for the hotline: its own neighbourhoods (`HotlineCells.neighbourhood`), three in four
# around an under-staffed block; a few agents over a week, at most 40; each step's hint completed by a short solve
SETTINGS = lns.Settings(kinds=("cover", "cover", "cover", "staff"), sizes={"cover": 6, "staff": 4}, max_size=40,
                        step_work=LNS_STEP_DTIME, complete_hint=True)


def prefer_lns(inst: Instance, time_limit_s: float, workers: int) -> bool:
    """Whether phase 1 searches by LNS: skill routing, and a whole model above `MAX_SEARCH_VARS` shift variables
    (which `wfm.roster.model` does not search: its construction stands). Not where the whole model only lacks
    time: the sample's 4 weeks at 75 s came out at 3.5% under-staffed by LNS, 0.4% without (RESULTS.md)."""
    del time_limit_s, workers  # the decision is by size alone (see above)
    if not ENABLED or not inst.pooled:
        return False
    return sum(len(ks) for per_day in inst.allowed for ks in per_day) > MAX_SEARCH_VARS


def solve_phase1_lns(inst: Instance, *, time_limit_s: float, workers: int = 2, seed: int = 0,
                     progress: Callable[[dict], None] | None = None,
                     wall_cap_s: float | None = None) -> Phase1Result:
    """Shift assignment by the construction then LNS (see the module's docstring); the result as
    `wfm.roster.model.solve_phase1` gives it. Deterministic for the same instance, workers and seed."""
    from wfm.roster.model import solve_phase1

    t0 = time.perf_counter()
    budget = Budget(time_limit_s, t0 + (wall_cap_s if wall_cap_s is not None else wall_cap(time_limit_s)))
    problem = HotlineCells(inst)
    problem.on_sweep = sweep_progress(progress, t0)
    try:
        roster = lns.construct(problem, budget, workers=workers, seed=seed)
    except lns.EmployeeInfeasible:  # an agent's rules clash in the construction: the whole-model path explains it
        return solve_phase1(inst, time_limit_s=max(1.0, budget.left_s()), workers=workers, seed=seed,
                            progress=progress, wall_cap_s=max(1.0, budget.wall_left()))
    if progress:
        progress({"stage": "construction", "elapsed_s": time.perf_counter() - t0})
    hint = as_assignment(roster)
    first = problem.objective(roster)
    best = first
    improved = 0
    if problem.movable:
        roster, best, prog = lns.improve(problem, roster, budget, workers=workers, seed=seed, settings=SETTINGS)
        improved = prog.improved
    assignment = as_assignment(roster)
    status = "LNS" if best < first else "HEURISTIC"
    # the model scores hour blocks with an on-phone profile; keep the construction's roster when it leaves fewer
    # under-staffed agent-intervals once breaks and queues are placed (the checker's measure), as phase 1 does
    if status == "LNS" and placed_under(inst, hint) < placed_under(inst, assignment):
        status, assignment, best = "HEURISTIC", dict(hint), first
    return Phase1Result(status, assignment, objective=best, wall_s=time.perf_counter() - t0, solutions=improved,
                        dtime=budget.dtime, wall_capped=list(budget.capped))
