"""Search budgets for CP-SAT: deterministic limits with a wall-clock safety cap, and Ctrl-C that stops a search."""

from __future__ import annotations

import signal
import threading
import time
from dataclasses import dataclass, field

from ortools.sat.python import cp_model


# Search budgets are deterministic so that the same inputs and seed give the same roster whatever the machine's
# load: CP-SAT runs under `max_deterministic_time` (its work counter, not the clock), parallel CP-SAT interleaves its
# workers deterministically, and the per-agent heuristic counts its work. A time limit in seconds is turned into
# deterministic time with rates measured on the reference machine (2 cores, otherwise idle, OR-Tools 9.15); the
# wall clock is only a safety cap, and a search it stopped is recorded as possibly not reproducible.
DTIME_PER_S = 0.5  # single-worker CP-SAT (heuristic sub-models, hint completion, explanation): dtime per second
# phase-1 improvement search (interleaved LNS, hinted): dtime per second and worker falls with the model's size, as
# every neighbourhood copies and presolves the model. Measured 2026-11-29 with 2 workers at top CPU priority: 0.11
# dtime/s at 5.7k variables (test centre), 0.044 at 38.7k (demo week). The rates of 2026-11-23 (0.63 per worker,
# halving at 33k variables) were 10-13x too high, so every search was ended by the wall cap, not its budget.
LNS_DTIME_PER_WORKER_S = 0.074
LNS_SIZE_VARS = 16_300
BUILD_S_PER_VAR = 6e-5  # building the full model, its hint and loading them into CP-SAT: seconds per shift variable
# CP-SAT's presolve and search of the full model take about 4 KB a variable (1.28 GB at 600 agents x 4 weeks,
# 297,575 variables): above this many the improvement search is not run and the construction stands, so that a
# roster stays under 1 GB whatever the time limit (issue 19); the sample's 4-week model has about 94,000
MAX_SEARCH_VARS = 150_000
# LNS sub-solves (`wfm.roster.search`): a few agents over a week, single worker, linearization level 2. Measured
# 2026-11-29 on the thread's CPU time: 0.5 dtime took 2.0-2.5 CPU-s on a 5.7k-variable step model.
LNS_STEP_DTIME = 1.0  # deterministic time of one step's search (a 4-agent week is proved in about 0.9)
# dtime per reference second of a round of two steps: 38 steps charged 40 reference s at 0.4 took 82 CPU-s (600 x 4
# weeks, load 13); at 0.3 a whole 600 s roster on a quiet machine (load 1.0-1.2) still reached the wall cap before
# the budget, its steps taking about 1.4x what they were charged, so 0.2 charges them ~1.5x more again
LNS_STEP_DTIME_PER_S = 0.2
LNS_BUILD_S_PER_ITEM = 3e-5  # building a step's model in Python: seconds per variable and constraint
LNS_EVAL_S_PER_CELL = 1.5e-6  # scoring a whole roster after a step: seconds per agent-day
WALL_CAP = 1.25  # wall-clock safety cap, as a multiple of the time limit (a time limit is a promise) ...
WALL_CAP_MIN_S = 60.0  # ... and at least this (short limits on a loaded machine)
SLOWNESS_MAX = 4.0  # at most this many wall seconds per CPU-second are assumed (`slowness`)
SLOWNESS_MIN_CPU_S = 0.2  # CPU seconds of work before wall / CPU is trusted as a measure of the machine's load


def lns_rate(workers: int, n_vars: int) -> float:
    """Deterministic time per reference second of the phase-1 improvement search on a model of `n_vars`
    variables with `workers` workers (it falls with the model's size)."""
    return LNS_DTIME_PER_WORKER_S * max(1, workers) / (1 + n_vars / LNS_SIZE_VARS)


def wall_cap(time_limit_s: float) -> float:
    """Seconds after which a search of `time_limit_s` (reference seconds) is cut short whatever its budget."""
    return max(WALL_CAP_MIN_S, WALL_CAP * time_limit_s)


def slowness(since_wall: float, since_cpu: float) -> float:
    """Wall seconds one CPU-second of single-threaded work takes now: the process's wall time over its CPU time
    since `since_wall` (`time.perf_counter`) and `since_cpu` (`time.process_time`), taken over work that ran on one
    thread (imports, reading, building). 1 on an idle machine, about 3 on 2 cores at load 5; within
    [1, SLOWNESS_MAX], and 1 before SLOWNESS_MIN_CPU_S of work. The work after a search (placement, check,
    workbook) is reserved in CPU-seconds times this, so a busy machine leaves it room within the time promise."""
    cpu = time.process_time() - since_cpu
    if cpu < SLOWNESS_MIN_CPU_S:
        return 1.0
    return min(SLOWNESS_MAX, max(1.0, (time.perf_counter() - since_wall) / cpu))


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
        return make_solver(dtime, workers, seed, wall_s=max(1.0, self.wall_left()), lns=lns)

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


def make_solver(dtime: float, workers: int, seed: int, *, wall_s: float, lns: bool = False) -> cp_model.CpSolver:
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


class Progress(cp_model.CpSolverSolutionCallback):
    """Counts and records each improving solution of a search (objective, bound, under-staffed share)."""

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
