"""Search engine for rosters whose hard rules are all per employee: construction one employee at a time, then
large neighbourhood search (LNS) over groups of employees and windows of days, with CP-SAT sub-solves.

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
import random
import time
from collections.abc import Callable
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from wfm.roster.budget import (LNS_BUILD_S_PER_ITEM, LNS_EVAL_S_PER_CELL, LNS_STEP_DTIME, LNS_STEP_DTIME_PER_S,
                               Budget)
from wfm.roster.greedy import RowRelayer, construct_greedy
from wfm.roster.lns_step import Step, relay_step, resolve, sub_solver
from wfm.roster.lns_types import Cell, CellProblem, EmployeeInfeasible, Roster, RowProblem, RowRules, SubModel
from wfm.roster.neighbourhoods import neighbourhood

__all__ = ["Cell", "CellProblem", "EmployeeInfeasible", "Roster", "RowProblem", "RowRules", "SubModel", "Settings",
           "Progress", "SearchResult", "Step", "construct", "improve", "neighbourhood", "resolve", "solve",
           "sub_solver"]


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
    sizes: dict[str, int] | None = None  # the kinds' first sizes (else from staff_size, days_size, ...)
    max_size: int | None = None  # the most employees a step frees (else the whole staff)
    step_work: float = LNS_STEP_DTIME  # deterministic time of one sub-solve in the deterministic schedule
    complete_hint: bool = False  # complete each step's hint by a short solve (models with unhinted auxiliaries)

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
    merged: int = 0  # improvements merged while another step ran (wall-clock schedule)
    improved: int = 0  # steps that lowered the objective


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
        step = resolve(problem, snapshot, cells, limit, seed + e, lp or attempt > 0)
        st = step.status
        if step.candidate is not None:
            return {k: t for k, t in step.candidate.items() if k in cells}
        if st == "INFEASIBLE":
            break
    why = "its rules cannot all hold" if st == "INFEASIBLE" else "no roster found for them in time"
    raise EmployeeInfeasible(f"{e}: {why}")


SEARCH_STAGE = "neighbourhood search"  # the stage named when the wall cap cuts the deterministic schedule short


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
    search = _Search(problem, cur, settings or Settings(), seed, bound)
    if isinstance(seconds, Budget):
        search.rounds(seconds, workers, log)
    else:
        search.wall_clock(seconds, workers, log)
    return search.cur, search.best, search.prog


class _Search:
    """The incumbent and what steps are drawn from it: neighbourhood sizes, versions of the rows, progress."""

    def __init__(self, problem: CellProblem, cur: Roster, s: Settings, seed: int, bound: float | None):
        self.problem, self.s, self.seed, self.bound = problem, s, seed, bound
        self.rng = random.Random(seed)
        self.t0 = time.perf_counter()
        E = problem.n_staff
        self.size = dict(s.sizes) if s.sizes else {
            "staff": s.staff_size, "cover": s.staff_size, "request": s.staff_size, "days": s.days_size,
            "mixed": s.mixed_size, "fill": s.fill_size, "twin": s.fill_size}
        self.most = {"days": problem.n_days}
        self.cap = s.max_size or E
        self.cur, self.best = cur, problem.objective(cur)
        self.prog = Progress([(0.0, self.best)])
        self.version = [0] * E
        self.relayer = RowRelayer(problem) if s.relay_share > 0 and hasattr(problem, "row_rules") else None  # type: ignore[arg-type]
        self.own = getattr(problem, "neighbourhood", None)  # the problem's own neighbourhoods, if it has them
        self.linked = getattr(problem, "linked", lambda emps: set(emps))

    def at_bound(self) -> bool:
        return self.bound is not None and self.best <= self.bound

    def draw(self) -> tuple[str, set[Cell]]:
        """The next step's kind and free cells (`Settings.kinds`, the problem's own neighbourhoods if it has)."""
        s, rng = self.s, self.rng
        kind = "row" if self.relayer is not None and rng.random() < s.relay_share else rng.choice(s.kinds)
        n = self.size.get(kind, 1)
        if self.own is not None and kind != "row":
            cells = self.own(rng, kind, n, self.cur)
        else:
            cells = neighbourhood(self.problem, rng, kind, n, self.cur, s.window, s.fill_days, s.twin_days)
        self.prog.steps += 1
        return kind, cells

    def submit(self, pool: ThreadPoolExecutor, kind: str, cells: set[Cell], limit: float, work: float | None,
               running: list[cp_model.CpSolver]) -> Future:
        if kind == "row":
            return pool.submit(relay_step, self.relayer, self.cur, min(e for e, _ in cells))
        return pool.submit(resolve, self.problem, self.cur, cells, limit, self.seed + self.prog.steps, True, work,
                           complete_hint=self.s.complete_hint, running=running)

    def adapt(self, kind: str, status: str, cost: float, limit: float) -> None:
        """A neighbourhood proved in under a third of its limit grows by one; one not proved shrinks by one."""
        if kind == "row":
            return
        if status == "OPTIMAL" and cost < limit / 3:
            self.size[kind] = min(self.most.get(kind, self.cap), self.size[kind] + 1)
        elif status != "OPTIMAL":
            self.size[kind] = max(1 if kind == "days" else 2, self.size[kind] - 1)

    def offer(self, cells: set[Cell], cand: Roster) -> bool:
        """Merge a step's free cells into the incumbent when that does not make it worse; whether it did."""
        merged = {k: t for k, t in self.cur.items() if k not in cells}
        merged.update({k: t for k, t in cand.items() if k in cells})
        val = self.problem.objective(merged)
        if val > self.best:
            return False
        for e in self.linked({k[0] for k in cells if self.cur.get(k) != merged.get(k)}):
            self.version[e] += 1
        if val < self.best:
            self.prog.history.append((time.perf_counter() - self.t0, val))
            self.prog.improved += 1
        self.cur, self.best = merged, val
        return True

    def wall_clock(self, seconds: float, workers: int, log: Callable[[str], object]) -> None:
        """Steps started whenever a worker is free, each from the incumbent as it stands, for `seconds`."""
        s = self.s

        def left() -> float:
            return seconds - (time.perf_counter() - self.t0)
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            running: dict[Future, tuple[str, set[Cell], dict[int, int], list[cp_model.CpSolver]]] = {}
            while True:
                while left() > 0.3 and len(running) < max(1, workers) and not self.at_bound():
                    kind, cells = self.draw()
                    solvers: list[cp_model.CpSolver] = []
                    fut = self.submit(pool, kind, cells, min(left(), s.sub_limit), None, solvers)
                    seen = {e: self.version[e] for e in self.linked({e for e, _ in cells})}
                    running[fut] = (kind, cells, seen, solvers)
                if not running:
                    break
                done = _wait(list(running), FIRST_COMPLETED, [x for *_, v in running.values() for x in v])
                for fut in done:
                    kind, cells, seen, _ = running.pop(fut)
                    step: Step = fut.result()
                    cand = step.candidate
                    if cand is not None and all(self.version[e] == v for e, v in seen.items()):
                        before = self.best
                        if self.offer(cells, cand) and self.best < before and running:
                            self.prog.merged += 1
                    elif cand is not None and self.problem.objective(cand) < self.best:
                        # its employees changed meanwhile: still better on its own, it replaces the incumbent
                        self.cur, self.best = cand, self.problem.objective(cand)
                        self.version = [v + 1 for v in self.version]
                        self.prog.history.append((time.perf_counter() - self.t0, self.best))
                        self.prog.improved += 1
                    log(f"  step {kind} size={self.size.get(kind, 1)} {step.status} {step.seconds:.2f}s "
                        f"best={self.best}")
                    self.adapt(kind, step.status, step.seconds, s.sub_limit)

    def rounds(self, budget: Budget, workers: int, log: Callable[[str], object]) -> None:
        """Deterministic rounds of `workers` steps from the same incumbent, merged in the order drawn (a later
        one only when its rows are disjoint from those already changed this round)."""
        P = self.problem
        eval_s = LNS_EVAL_S_PER_CELL * P.n_staff * P.n_days
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            while budget.left_s() > 0 and not self.at_bound():
                if budget.wall_left() <= 0:
                    budget.cap(SEARCH_STAGE)
                    break
                batch, solvers = [], []
                for _ in range(max(1, workers)):
                    kind, cells = self.draw()
                    fut = self.submit(pool, kind, cells, max(1.0, budget.wall_left()), self.s.step_work, solvers)
                    batch.append((kind, cells, fut))
                _wait([f for *_, f in batch], ALL_COMPLETED, solvers)
                results: list[Step] = [f.result() for *_, f in batch]
                budget.dtime += sum(r.dtime for r in results)
                budget.spent_s += sum(LNS_BUILD_S_PER_ITEM * r.items + eval_s for r in results) \
                    + max(r.dtime for r in results) / LNS_STEP_DTIME_PER_S
                changed: set[int] = set()
                for (kind, cells, _), r in zip(batch, results):
                    if r.capped:
                        budget.cap(SEARCH_STAGE)
                    self.adapt(kind, r.status, r.dtime, self.s.step_work)
                    rows = self.linked({e for e, _ in cells})
                    if r.candidate is None or rows & changed:
                        continue
                    if self.offer(cells, r.candidate):
                        changed |= rows
                log(f"lns: {self.prog.steps} steps, objective {self.best}, sizes {self.size}")


def _wait(futures: list[Future], when: str, solvers: list[cp_model.CpSolver]) -> set[Future]:
    """The futures done (FIRST_COMPLETED: at least one; ALL_COMPLETED: all), polled so that Ctrl-C reaches
    this thread: then every running sub-solve is stopped and the interrupt raised."""
    try:
        while True:
            done, pending = wait(futures, timeout=0.1, return_when=when)
            if done and (when == FIRST_COMPLETED or not pending):
                return done
    except KeyboardInterrupt:
        for solver in list(solvers):
            solver.StopSearch()
        wait(futures)
        raise


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
