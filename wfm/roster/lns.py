"""Search engine for rosters whose hard rules are all per employee: a first roster (the problem's own, rows laid
by the rules, or one employee at a time by CP-SAT: `construct`), then large neighbourhood search (LNS) over groups
of employees and windows of days, with CP-SAT sub-solves.

A problem is anything that meets `CellProblem`: employees x days, at most one shift a day, every hard rule about
one employee's own row (hours, runs, days off, successions), and a soft objective (cover, requests) that links the
rows. Because the hard rules are per employee, any roster whose rows each hold the rules holds them all: so the
construction can solve employees in parallel against a snapshot of the others, and two LNS steps over disjoint
sets of employees can be merged. The model of a step is built by the problem (`build(fixed)`: every cell in
`fixed` a constant, the others variables) so the engine knows nothing of the rules; a problem may bring its own
neighbourhoods (`neighbourhood(rng, kind, n, cur)`) and rows that change together (`linked(employees)`).

One engine, two schedules (`improve`): against the wall clock (steps start whenever a worker is free: the
benchmark's), or in deterministic rounds charged to a `wfm.roster.budget.Budget` by counted work (the product's:
the same inputs and seed give the same roster whatever the machine's load).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from wfm.roster.budget import Budget
from wfm.roster.greedy import construct_greedy
from wfm.roster.lns_search import LONG_HORIZON, WINDOW_DAYS, Progress, Search, Settings
from wfm.roster.lns_step import Step, resolve, sub_solver
from wfm.roster.lns_types import (Cell, CellProblem, EmployeeInfeasible, OwnConstruction, Roster, RowProblem, RowRules,
                                  SubModel)
from wfm.roster.neighbourhoods import neighbourhood

__all__ = ["Cell", "CellProblem", "EmployeeInfeasible", "OwnConstruction", "Roster", "RowProblem", "RowRules",
           "SubModel", "Settings", "Progress", "SearchResult", "Step", "construct", "improve", "neighbourhood",
           "resolve", "solve", "sub_solver", "LONG_HORIZON", "WINDOW_DAYS"]

ROW_LAST_TRY = 60.0  # seconds of a construction row's last try (under load 12 a year-long row can need 10 s)


CONSTRUCTION = "auto"  # how `construct` builds when not told: "auto", "own", "greedy" (rows laid by rules), "rows"


def construction_method(problem: CellProblem, method: str | None = None) -> str:
    """"own" when the problem lays its own first roster (`OwnConstruction`), else "greedy" (`wfm.roster.greedy`:
    no solver per row) when it states its rules per row (`RowProblem`), else "rows" (a CP-SAT solve per
    employee). The greedy start wins at every size measured: a year-long roster
    of 150 staff in about 15 s where the CP-SAT rows take over 120 s from 50 x 26 weeks up, and on Instance12
    7,573 in 4 s against 7,906 in 11 s."""
    method = method or CONSTRUCTION
    if method != "auto":
        return method
    if hasattr(problem, "first_roster"):
        return "own"
    return "greedy" if hasattr(problem, "row_rules") else "rows"


def construct(problem: CellProblem, budget: float | Budget, *, workers: int = 2, seed: int = 1,
              order: list[int] | None = None, log: Callable[[str], object] = lambda s: 0,
              method: str | None = None) -> Roster:
    """A first roster. By `construction_method`: rows laid by the rules without a solver (`wfm.roster.greedy`,
    a row it cannot place solved by CP-SAT), or one employee at a time, each employee's whole row solved to
    optimality (usually) against the rows already built (cover and requests are the objective), `workers`
    employees at once, each against the roster as it stood when its solve started (rows are independent under
    the hard rules, so every merge stays feasible). One employee a step: a group of 4 solved together is rarely
    proved within its share and gave a 2.5x worse first roster on a synthetic of Instance13's size. Raises
    `EmployeeInfeasible` naming the employee index whose rules clash. `budget` is seconds, or a deterministic
    `Budget` that the problem's own construction charges (the others spend what it has left by the clock)."""
    t0 = time.perf_counter()
    method = construction_method(problem, method)
    if method == "own":
        cur = problem.first_roster(budget, seed)  # type: ignore[attr-defined]
        log(f"construction (own): {problem.n_staff} employees in {time.perf_counter() - t0:.1f} s")
        return cur
    if isinstance(budget, Budget):
        budget = budget.left_s()
    E, D = problem.n_staff, problem.n_days
    order = list(order if order is not None else range(E))
    # seconds for a first row without the LP: ~0.5 s for a year-long employee with 3,600 options (presolve
    # ~0.4 s). Long horizons always use the LP: it finds a much better row (cover 15 units better on a synthetic
    # of Instance23's size), and some rows only with it: a 26-week employee of a synthetic of Instance20's size
    # (runs of 2-5, 13 of 26 weekends, 13 days off) is proved in 0.2 CPU-s with it and not even solved in
    # 5.9 CPU-s without, so under load the construction gave up there. Short rows are proved fast without, and
    # retried with it.
    lp = D > LONG_HORIZON
    if method == "greedy":
        def fallback(e: int, snapshot: Roster) -> Roster:
            options = sum(problem.can_work(e, d, t) for d in range(D) for t in problem.shifts)
            return _solve_row(problem, e, snapshot, 2.5 * (0.1 + options / 7000), True, seed)
        cur = construct_greedy(problem, budget, order, fallback, log)  # type: ignore[arg-type]
        log(f"construction (greedy): {E} employees in {time.perf_counter() - t0:.1f} s, "
            f"obj={problem.objective(cur)}")
        return cur
    options = sum(problem.can_work(e, d, t) for e in order for d in range(D) for t in problem.shifts) / max(1, E)
    floor = 0.1 + options / 7000
    todo = list(order)
    cur: Roster = {}
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        running = set()
        while todo or running:
            while todo and len(running) < max(1, workers):
                left = budget - (time.perf_counter() - t0)
                per = left * max(1, workers) / (len(todo) + len(running) + 1)
                running.add(pool.submit(_solve_row, problem, todo.pop(0), dict(cur),
                                        max(per, 2.5 * floor if lp else floor), lp, seed))
            done, running = wait(running, return_when=FIRST_COMPLETED)
            for fut in done:
                cur.update(fut.result())
    log(f"construction: {E} employees in {time.perf_counter() - t0:.1f} s, "
        f"obj={problem.objective(cur)}")
    return cur


def _solve_row(problem: CellProblem, e: int, snapshot: Roster, per: float, lp: bool, seed: int) -> Roster:
    """Employee e's whole row solved by CP-SAT against `snapshot`: its cells (the worked ones)."""
    cells = {(e, d) for d in range(problem.n_days)}
    for attempt in range(3):  # the last try is not cut short by a busy machine: a row must be found
        limit = per * 3**attempt if attempt < 2 else max(per * 9, ROW_LAST_TRY)
        step = resolve(problem, snapshot, cells, limit, seed + e, lp or attempt > 0)
        st = step.status
        if step.candidate is not None:
            return {k: t for k, t in step.candidate.items() if k in cells}
        if st == "INFEASIBLE":
            break
    why = "its rules cannot all hold" if st == "INFEASIBLE" else "no roster found for them in time"
    raise EmployeeInfeasible(f"{e}: {why}")




def improve(problem: CellProblem, cur: Roster, seconds: float | Budget, *, workers: int = 2, seed: int = 1,
            settings: Settings | None = None, bound: float | None = None,
            log: Callable[[str], object] = lambda s: 0) -> tuple[Roster, int, Progress]:
    """LNS from `cur`: `workers` single-worker sub-solves at once, each freeing a neighbourhood of the incumbent;
    a step's free cells are merged into the incumbent when none of its employees (nor the rows `linked` to them)
    changed since it was drawn, and kept when the whole objective does not get worse. Neighbourhoods grow when
    proved fast and shrink when they are not proved. Returns (roster, objective, progress); stops early at
    `bound`.

    `seconds` a number: for that many wall-clock seconds, a step starting whenever a worker is free.
    `seconds` a `Budget`: deterministic rounds of `workers` steps, each stopped by deterministic time
    (`Settings.step_work`), merged in the order drawn and charged to the budget by counted work; its wall cap
    only cuts a round short (noted in `Budget.capped`). Ctrl-C stops every running sub-solve and is raised."""
    search = Search(problem, cur, settings or Settings(), seed, bound)
    if isinstance(seconds, Budget):
        search.rounds(seconds, workers, log)
    else:
        search.wall_clock(seconds, workers, log)
    return search.cur, search.best, search.prog


@dataclass
class SearchResult:
    roster: Roster
    objective: int | None
    bound: float | None  # the whole-model solve's bound (None when it did not run)
    optimal: bool
    seconds: float
    progress: Progress = field(default_factory=Progress)
    phases: dict[str, float] = field(default_factory=dict)  # seconds spent per phase
    note: str = ""  # why there is no roster


def solve(problem: CellProblem, time_limit: float, *, workers: int = 2, seed: int = 1, whole_model: bool = True,
          whole_share: float = 0.2, construct_share: float = 0.3, settings: Settings | None = None,
          log: Callable[[str], object] = lambda s: 0, construction: str | None = None) -> SearchResult:
    """First roster, then LNS until `time_limit`. With `whole_model` the first roster comes from CP-SAT on the
    whole model (which also proves small instances optimal); without it, or when that finds nothing, from
    `construct` (by `construction`, see `construction_method`). Pass whole_model=False when building the whole
    model would eat the budget."""
    t0 = time.perf_counter()

    def left() -> float:
        return time_limit - (time.perf_counter() - t0)
    phases: dict[str, float] = {}
    cur, bound, status = None, None, cp_model.UNKNOWN
    if whole_model:
        built = problem.build({})
        solver = sub_solver(max(1.0, left() * whole_share), workers, seed, lp=workers >= 2)
        status = solver.Solve(built.model)
        if status == cp_model.INFEASIBLE:
            return SearchResult({}, None, None, False, time.perf_counter() - t0,
                                note="CP-SAT proved the rules infeasible")
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            cur = {(e, d): t for (e, d, t), v in built.x.items() if solver.Value(v)}
            bound = solver.BestObjectiveBound()
        phases["whole model"] = time.perf_counter() - t0
        log(f"whole model: {solver.StatusName(status)} in {phases['whole model']:.1f} s"
            + (f" obj={problem.objective(cur)} bound={bound:.0f}" if cur is not None else ""))
    if cur is None:
        t1 = time.perf_counter()
        def options(e: int) -> int:
            return sum(problem.can_work(e, d, t) for d in range(problem.n_days) for t in problem.shifts)

        order = sorted(range(problem.n_staff), key=lambda e: (options(e), e))  # most constrained first
        try:
            cur = construct(problem, max(1.0, left() * construct_share), workers=workers, seed=seed, order=order,
                            log=log, method=construction)
        except EmployeeInfeasible as exc:
            return SearchResult({}, None, None, False, time.perf_counter() - t0, note=f"employee {exc}")
        phases["construction"] = time.perf_counter() - t1
    if status == cp_model.OPTIMAL:
        best = problem.objective(cur)
        return SearchResult(cur, best, bound, True, time.perf_counter() - t0, Progress([(0.0, best)]), phases)
    t1 = time.perf_counter()
    target = None if bound is None else math.ceil(bound - 1e-6)  # the objective is an integer
    cur, best, prog = improve(problem, cur, left(), workers=workers, seed=seed, settings=settings, bound=target,
                              log=log)
    phases["lns"] = time.perf_counter() - t1
    prog.history = [(h + t1 - t0, v) for h, v in prog.history]
    optimal = target is not None and best <= target
    return SearchResult(cur, best, bound, optimal, time.perf_counter() - t0, prog, phases)
