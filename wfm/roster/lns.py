"""Search engine for rosters whose hard rules are all per employee: construction one employee at a time, then
large neighbourhood search (LNS) over groups of employees and windows of days, with CP-SAT sub-solves.

A problem is anything that meets `CellProblem`: employees x days, at most one shift a day, every hard rule about
one employee's own row (hours, runs, days off, successions), and a soft objective (cover, requests) that links the
rows. Because the hard rules are per employee, any roster whose rows each hold the rules holds them all: so the
construction can solve employees in parallel against a snapshot of the others, and two LNS steps over disjoint
sets of employees can be merged. The model of a step is built by the problem (`build(fixed)`: every cell in
`fixed` a constant, the others variables) so the engine knows nothing of the rules.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from wfm.roster.greedy import RowRelayer, construct_greedy
from wfm.roster.lns_types import Cell, CellProblem, EmployeeInfeasible, Roster, RowProblem, RowRules, SubModel
from wfm.roster.neighbourhoods import neighbourhood

__all__ = ["Cell", "CellProblem", "EmployeeInfeasible", "Roster", "RowProblem", "RowRules", "SubModel", "Settings",
           "Progress", "SearchResult", "construct", "improve", "neighbourhood", "resolve", "solve", "sub_solver"]


@dataclass
class Settings:
    """The search's knobs, sized to the instance by `Settings.for_size`."""

    sub_limit: float = 3.0  # seconds of one LNS sub-solve
    staff_size: int = 4  # employees freed by an employee neighbourhood (adapted during the search)
    mixed_size: int = 8
    days_size: int = 7  # days freed (for every employee) by a day-window neighbourhood
    window: int | None = None  # on long horizons employee neighbourhoods free this many days, not the horizon
    kinds: tuple[str, ...] = ("staff", "cover", "cover", "days", "mixed")
    fill_size: int = 20  # employees freed by a "fill" neighbourhood (adapted), over fill_days days
    fill_days: int = 7
    twin_days: int = 8  # days freed by a "twin" neighbourhood: two windows of half as many, weeks apart
    # share of the steps that re-lay one employee's row without a solver (`RowProblem`); off by default: at equal
    # CPU it gained nothing on synthetics of Instance20's and 22's sizes (benchmarks/RESULTS.md, curtois notes)
    relay_share: float = 0.0

    @staticmethod
    def for_size(n_staff: int, n_days: int) -> Settings:
        """Neighbourhoods of a few hundred to a few thousand variables: a single-worker sub-solve proves them
        in about a second. Day windows over every employee grow with the staff, so on large staffs they are
        shortened and drawn less often."""
        long = n_days > LONG_HORIZON
        days = max(2, min(7, round(7 * 40 / max(40, n_staff))))
        kinds = ("staff", "cover", "fill", "fill", "twin", "twin", "request", "days", "mixed") if n_staff <= 60 \
            else ("staff", "cover", "fill", "fill", "twin", "twin", "request", "mixed", "days")
        return Settings(sub_limit=3.0, staff_size=max(2, min(n_staff, 4)), mixed_size=max(2, min(n_staff, 8)),
                        days_size=min(n_days, days), window=WINDOW_DAYS if long else None, kinds=kinds,
                        fill_size=max(2, min(n_staff, 20)), fill_days=min(n_days, 7))


ROW_LAST_TRY = 60.0  # seconds of a construction row's last try (under load 12 a year-long row can need 10 s)
LONG_HORIZON = 56  # days; beyond it employee neighbourhoods free a window of WINDOW_DAYS, not the whole horizon
WINDOW_DAYS = 28


@dataclass
class Progress:
    """What the search did: objective after each improvement (seconds from its start, value) and step count."""

    history: list[tuple[float, int]] = field(default_factory=list)
    steps: int = 0
    merged: int = 0


def sub_solver(limit: float, workers: int, seed: int, lp: bool = True) -> cp_model.CpSolver:
    """CP-SAT set up for this kind of model. Its LP relaxation is tight, so single-worker solves use
    linearization level 2, and a multi-worker solve gets an LP-heavy worker into its portfolio."""
    s = cp_model.CpSolver()
    s.parameters.max_time_in_seconds = max(0.05, limit)
    s.parameters.num_workers = workers
    s.parameters.random_seed = seed
    if lp and workers == 1:
        s.parameters.linearization_level = 2
    elif lp:
        s.parameters.subsolvers.extend(["max_lp", "quick_restart"])
    return s


def resolve(problem: CellProblem, cur: Roster, cells: set[Cell], limit: float, seed: int, lp: bool = True,
            work: float | None = None):
    """Re-solve the free `cells` with every other cell fixed to `cur`, hinted with `cur`, for at most `limit`
    seconds and `work` units of CP-SAT's deterministic time: (status name, seconds, deterministic time,
    candidate roster or None)."""
    fixed = {(e, d): cur.get((e, d)) for e in range(problem.n_staff) for d in range(problem.n_days)
             if (e, d) not in cells}
    sub = problem.build(fixed)
    for (e, d, t), v in sub.x.items():
        sub.model.AddHint(v, 1 if cur.get((e, d)) == t else 0)
    solver = sub_solver(limit, 1, seed, lp=lp)
    if work is not None:
        solver.parameters.max_deterministic_time = work
    st = solver.Solve(sub.model)
    if st not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return solver.StatusName(st), solver.WallTime(), solver.deterministic_time, None
    cand = {k: t for k, t in cur.items() if k not in cells}
    cand.update({(e, d): t for (e, d, t), v in sub.x.items() if solver.Value(v)})
    return solver.StatusName(st), solver.WallTime(), solver.deterministic_time, cand


CONSTRUCTION = "auto"  # how `construct` builds when not told: "auto", "greedy" (rows laid by rules) or "rows"


def construction_method(problem: CellProblem, method: str | None = None) -> str:
    """"greedy" (`wfm.roster.greedy`: no solver per row) when the problem states its rules per row (`RowProblem`),
    else "rows" (a CP-SAT solve per employee). The greedy start wins at every size measured: a year-long roster
    of 150 staff in about 15 s where the CP-SAT rows take over 120 s from 50 x 26 weeks up, and on Instance12
    7,573 in 4 s against 7,906 in 11 s."""
    method = method or CONSTRUCTION
    if method != "auto":
        return method
    return "greedy" if hasattr(problem, "row_rules") else "rows"


def construct(problem: CellProblem, budget: float, *, workers: int = 2, seed: int = 1,
              order: list[int] | None = None, log: Callable[[str], object] = lambda s: 0,
              method: str | None = None) -> Roster:
    """A first roster. By `construction_method`: rows laid by the rules without a solver (`wfm.roster.greedy`,
    a row it cannot place solved by CP-SAT), or one employee at a time, each employee's whole row solved to
    optimality (usually) against the rows already built (cover and requests are the objective), `workers`
    employees at once, each against the roster as it stood when its solve started (rows are independent under
    the hard rules, so every merge stays feasible). One employee a step: a group of 4 solved together is rarely
    proved within its share and gave a 2.5x worse first roster on a synthetic of Instance13's size. Raises
    `EmployeeInfeasible` naming the employee index whose rules clash."""
    t0 = time.perf_counter()
    E, D = problem.n_staff, problem.n_days
    order = list(order if order is not None else range(E))
    # seconds for a first row without the LP: ~0.5 s for a year-long employee with 3,600 options (presolve
    # ~0.4 s). Long horizons always use the LP: it finds a much better row (cover 15 units better on a synthetic
    # of Instance23's size), and some rows only with it: a 26-week employee of a synthetic of Instance20's size
    # (runs of 2-5, 13 of 26 weekends, 13 days off) is proved in 0.2 CPU-s with it and not even solved in
    # 5.9 CPU-s without, so under load the construction gave up there. Short rows are proved fast without, and
    # retried with it.
    lp = D > LONG_HORIZON
    if construction_method(problem, method) == "greedy":
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
        st, _, _, cand = resolve(problem, snapshot, cells, limit, seed + e, lp or attempt > 0)
        if cand is not None:
            return {k: t for k, t in cand.items() if k in cells}
        if st == "INFEASIBLE":
            break
    why = "its rules cannot all hold" if st == "INFEASIBLE" else "no roster found for them in time"
    raise EmployeeInfeasible(f"{e}: {why}")


def improve(problem: CellProblem, cur: Roster, seconds: float, *, workers: int = 2, seed: int = 1,
            settings: Settings | None = None, bound: float | None = None,
            log: Callable[[str], object] = lambda s: 0) -> tuple[Roster, int, Progress]:
    """LNS from `cur` for `seconds`: `workers` single-worker sub-solves run at once, each started from the
    incumbent as it stands; a finished step's free cells are merged into the incumbent when none of its
    employees changed meanwhile (the merged rows are then each a feasible row) and kept when the whole
    objective does not get worse. Neighbourhoods grow when proved fast and shrink when they time out.
    Returns (roster, objective, progress); stops early at `bound`."""
    s = settings or Settings()
    t0 = time.perf_counter()

    def left() -> float:
        return seconds - (time.perf_counter() - t0)
    rng = random.Random(seed)
    E, D = problem.n_staff, problem.n_days
    size = {"staff": s.staff_size, "cover": s.staff_size, "request": s.staff_size, "days": s.days_size,
            "mixed": s.mixed_size, "fill": s.fill_size, "twin": s.fill_size}
    best = problem.objective(cur)
    prog = Progress([(0.0, best)])
    version = [0] * E
    relayer = RowRelayer(problem) if s.relay_share > 0 and hasattr(problem, "row_rules") else None  # type: ignore

    def at_bound() -> bool:
        return bound is not None and best <= bound
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        running: dict = {}
        while True:
            while left() > 0.3 and len(running) < max(1, workers) and not at_bound():
                kind = "row" if relayer is not None and rng.random() < s.relay_share else rng.choice(s.kinds)
                cells = neighbourhood(problem, rng, kind, size.get(kind, 1), cur, s.window, s.fill_days,
                                      s.twin_days)
                emps = {e for e, _ in cells}
                prog.steps += 1
                if kind == "row":
                    fut = pool.submit(_relay_step, relayer, cur, min(emps))
                else:
                    fut = pool.submit(resolve, problem, cur, cells, min(left(), s.sub_limit), seed + prog.steps)
                running[fut] = (kind, cells, {e: version[e] for e in emps})
            if not running:
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in done:
                kind, cells, seen = running.pop(fut)
                st, wall, work, cand = fut.result()
                if cand is not None and all(version[e] == v for e, v in seen.items()):
                    merged = {k: t for k, t in cur.items() if k not in cells}
                    merged.update({k: t for k, t in cand.items() if k in cells})
                    val = problem.objective(merged)
                    if val <= best:
                        for e in {k[0] for k in cells if cur.get(k) != merged.get(k)}:
                            version[e] += 1
                        if val < best:
                            prog.history.append((time.perf_counter() - t0, val))
                            prog.merged += len(running) > 0
                        cur, best = merged, val
                elif cand is not None and problem.objective(cand) < best:  # its employees changed meanwhile:
                    cur, best = cand, problem.objective(cand)  # still better on its own, it replaces the incumbent
                    version = [v + 1 for v in version]
                    prog.history.append((time.perf_counter() - t0, best))
                log(f"  step {kind} size={size.get(kind, 1)} {st} {wall:.2f}s best={best}")
                if kind == "row":
                    continue
                if st == "OPTIMAL" and wall < s.sub_limit / 3:
                    size[kind] = min(E if kind != "days" else D, size[kind] + 1)
                elif st != "OPTIMAL":
                    size[kind] = max(2 if kind != "days" else 1, size[kind] - 1)
    return cur, best, prog


def _relay_step(relayer: RowRelayer, cur: Roster, e: int):
    """Employee e's row re-laid without a solver (`RowRelayer`), as `resolve` reports a step: (status, seconds,
    0 deterministic time, candidate roster or None when no better row was found)."""
    t0 = time.perf_counter()
    laid = relayer.relay(cur, e)
    if laid is None:
        return "NO_BETTER_ROW", time.perf_counter() - t0, 0.0, None
    cand = {k: t for k, t in cur.items() if k[0] != e}
    cand.update({(e, d): t for d, t in laid[0].items()})
    return "RELAID", time.perf_counter() - t0, 0.0, cand


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
