"""The LNS engine's loop (`wfm.roster.lns.improve`): its settings, the incumbent and the steps drawn from it, and
the two schedules that run them (against the wall clock, or in deterministic rounds charged to a `Budget`)."""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Protocol

from ortools.sat.python import cp_model

from wfm.roster.budget import (LNS_BUILD_S_PER_ITEM, LNS_EVAL_S_PER_CELL, LNS_STEP_DTIME, LNS_STEP_DTIME_PER_S,
                               Budget)
from wfm.roster.greedy import RowRelayer
from wfm.roster.lns_scores import KindScores, RecentRate
from wfm.roster.lns_step import Step, relay_step, resolve
from wfm.roster.lns_types import Cell, CellProblem, Roster
from wfm.roster.neighbourhoods import neighbourhood
from wfm.roster.trade_step import RowTrader

# The neighbourhoods `Settings.for_size` draws: uniformly from this list for the first steps and for a share
# `Settings.explore` of the others, the rest by what each kind gained per second (`KindScores`). A fixed mix
# drawing "fill" and "twin" 6 times in 9 (no "cover", no "mixed") won 10 of 12 pairs at 60 CPU-s from the same
# start on synthetics of Instance13-22's sizes (2026-11-29), but at 120 s wall it was within the run-to-run spread
# (Synth13 3,298 against 3,193, Synth20 13,371 against 13,848, quiet machine) and Instance12 at 600 s came out at
# 4,163 (3.0% above the best known) against 4,053 (0.3%) with this one: this one stays, the one measured within
# 2% on Instance1-12. "comb" (curtois10) frees a few days around an open slot in every week: from the same
# finished rosters, 1 worker, 30 CPU-s, comb alone took Synth19 6,143 -> 5,853 (fill 6,025, twin 6,116),
# Synth13 4,553 -> 3,767 (fill 4,025), Synth20 15,704 -> 14,000 (fill 14,013), Synth22 47,523 -> 44,650 (fill
# 44,198); in whole 120 s runs (1 worker each, side by side, 50-84 CPU-s) it won 10 of 16 pairs on Synth13,
# 19, 20 and 22 (geometric mean -2%, within the run-to-run spread). "mend" (2026-11-30) frees the days around a
# weekend worked on one day only and around a whole weekend to move it to: from the same finished rosters, 1 worker,
# 45 CPU-s, the mix with it won 10 of 13 pairs on Synth13, 17, 19 and 20 (Synth20 11,543 -> 10,818-11,115 against
# 11,128-11,385 without); on Synth24 (60 CPU-s, 2 pairs) it changed nothing (128,720 and 129,800 against 129,104
# and 129,328).
SIZED_KINDS = ("staff", "cover", "fill", "fill", "twin", "twin", "comb", "mend", "request", "days", "mixed")
LONG_HORIZON = 56  # days; beyond it employee neighbourhoods free a window of WINDOW_DAYS, not the whole horizon
WINDOW_DAYS = 28
# shift options a "mend" starts with (two windows of 8 days): on a synthetic of Instance19's size the whole staff
# (3,200 options) proved in 0.3-3 s, and half the staff found nothing there (`neighbourhoods._mend_cells`)
MEND_CELLS = 4000
TRADE_EVERY = 15.0  # `Settings.for_size`: seconds between the LNS's trade passes (`Search.trade`)
# A trade pass runs as slices of the staff of about TRADE_SLICE_S seconds each, every slice merged when it ends: a
# whole pass of 12-26 s on a synthetic of Instance24's size overlapped so many steps that the rows it could still
# merge gained nothing (9 passes of a 600 s run, 183 s of trades, not one point kept)
TRADE_SLICE_S = 1.5


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
    comb_size: int = 4  # employees freed by a "comb" neighbourhood (adapted), a few days in each of comb_weeks
    comb_weeks: int | None = None  # weeks a "comb" spans (None: the horizon; narrowed when steps are not proved)
    # share of the steps that re-lay one employee's row without a solver (`RowProblem`); off by default: at equal
    # CPU it gained nothing on synthetics of Instance20's and 22's sizes (benchmarks/RESULTS.md, curtois notes)
    relay_share: float = 0.0
    sizes: dict[str, int] | None = None  # the kinds' first sizes (else from staff_size, days_size, ...)
    max_size: int | None = None  # the most employees a step frees (else the whole staff)
    step_work: float = LNS_STEP_DTIME  # deterministic time of one sub-solve in the deterministic schedule
    complete_hint: bool = False  # complete each step's hint by a short solve (models with unhinted auxiliaries)
    # draw the kinds in proportion to what they recently gained per second of sub-solve (`KindScores`), not
    # uniformly from `kinds`; a share `explore` of the draws stays uniform so no kind is starved
    adaptive: bool = False
    widen: bool = False  # "fill" and "twin" widen their window once they free the whole staff (`Search.adapt`)
    explore: float = 0.3
    # a step's CP-SAT presolve without symmetry detection and with one pass (`lns_step.LIGHT_PRESOLVE`)
    light_presolve: bool = False
    # seconds of the wall-clock schedule between two passes of the solver-free trade repair over the whole incumbent,
    # spread over the slices a pass is run in (`wfm.roster.trade_step`; problems that state their rules per row);
    # 0: none. A slice that took off more per second than the sub-solves lately do (`RecentRate`) is followed by the
    # next at once
    trade_every: float = 0.0

    @staticmethod
    def for_size(n_staff: int, n_days: int) -> Settings:
        """Neighbourhoods of a few hundred to a few thousand variables: a single-worker sub-solve proves them
        in about a second. Day windows over every employee grow with the staff, so on large staffs they are
        shortened and drawn less often."""
        long = n_days > LONG_HORIZON
        days = max(2, min(7, round(7 * 40 / max(40, n_staff))))
        return Settings(sub_limit=3.0, staff_size=max(2, min(n_staff, 4)), mixed_size=max(2, min(n_staff, 8)),
                        days_size=min(n_days, days), window=WINDOW_DAYS if long else None, kinds=SIZED_KINDS,
                        fill_size=max(2, min(n_staff, 20)), fill_days=min(n_days, 7), adaptive=True,
                        widen=True, light_presolve=True, trade_every=TRADE_EVERY)


@dataclass
class Progress:
    """What the search did: objective after each improvement (seconds from its start, value) and step count."""

    history: list[tuple[float, int]] = field(default_factory=list)
    steps: int = 0
    merged: int = 0  # improvements merged while another step ran (wall-clock schedule)
    improved: int = 0  # steps that lowered the objective


SEARCH_STAGE = "neighbourhood search"  # the stage named when the wall cap cuts the deterministic schedule short


class Search:
    """The incumbent and what steps are drawn from it: neighbourhood sizes, versions of the rows, progress."""

    def __init__(self, problem: CellProblem, cur: Roster, s: Settings, seed: int, bound: float | None):
        self.problem, self.s, self.seed, self.bound = problem, s, seed, bound
        self.rng = random.Random(seed)
        self.t0 = time.perf_counter()
        E = problem.n_staff
        self.size = dict(s.sizes) if s.sizes else {
            "staff": s.staff_size, "cover": s.staff_size, "request": s.staff_size, "days": s.days_size,
            "mixed": s.mixed_size, "fill": s.fill_size, "twin": s.fill_size, "comb": s.comb_size,
            "mend": max(s.fill_size, min(E, MEND_CELLS // max(1, 16 * len(problem.shifts))))}
        self.most = {"days": problem.n_days}
        # days freed by "fill" and "twin": they grow (by `adapt`) once the kind frees every employee it may
        self.span = {"fill": s.fill_days, "twin": s.twin_days}
        self.weeks = self.all_weeks = -(-problem.n_days // 7) + 1  # weeks a "comb" spans (`adapt` narrows it)
        if s.comb_weeks:
            self.weeks = min(self.all_weeks, s.comb_weeks)
        self.cap = s.max_size or E
        self.cur, self.best = cur, problem.objective(cur)
        self.prog = Progress([(0.0, self.best)])
        self.version = [0] * E
        self.relayer = RowRelayer(problem) if s.relay_share > 0 and hasattr(problem, "row_rules") else None  # type: ignore[arg-type]
        self.own = getattr(problem, "neighbourhood", None)  # the problem's own neighbourhoods, if it has them
        # objective(cur with `cells` as in a candidate) - objective(cur), where the problem computes it from the cells'
        # days alone: a whole objective took 47 ms on 150 staff x 364 days, a fifth of the Python time of a step
        self.change = getattr(problem, "objective_change", None)
        self.linked = getattr(problem, "linked", lambda emps: set(emps))
        self.scores = KindScores(s.kinds, s.explore) if s.adaptive else None
        self.trader = RowTrader(problem) if s.trade_every > 0 and hasattr(problem, "row_rules") else None  # type: ignore[arg-type]
        self.traded_at = time.perf_counter()
        self.step_rate = RecentRate()  # what the sub-solves took off per second of a worker, lately
        self.trade_halt = threading.Event()  # set on Ctrl-C: a trade pass running in the pool stops
        self.halt_trade = _Halt(self.trade_halt)
        self.slice_rows = max(1, problem.n_staff // 8)  # employees of the next trade slice (`end_trade` adapts it)
        self.sliced = 0

    def at_bound(self) -> bool:
        return self.bound is not None and self.best <= self.bound

    def draw(self) -> tuple[str, set[Cell]]:
        """The next step's kind and free cells (`Settings.kinds`, the problem's own neighbourhoods if it has)."""
        s, rng = self.s, self.rng
        if self.relayer is not None and rng.random() < s.relay_share:
            kind = "row"
        else:
            kind = self.scores.draw(rng) if self.scores is not None else rng.choice(s.kinds)
        n = self.size.get(kind, 1)
        if self.own is not None and kind != "row":
            cells = self.own(rng, kind, n, self.cur)
        else:
            cells = neighbourhood(self.problem, rng, kind, n, self.cur, s.window, self.span["fill"],
                                  self.span["twin"], self.weeks)
        self.prog.steps += 1
        return kind, cells

    def submit(self, pool: ThreadPoolExecutor, kind: str, cells: set[Cell], limit: float, work: float | None,
               running: list[cp_model.CpSolver]) -> Future:
        if kind == "row":
            return pool.submit(relay_step, self.relayer, self.cur, min(e for e, _ in cells))
        return pool.submit(resolve, self.problem, self.cur, cells, limit, self.seed + self.prog.steps, True, work,
                           complete_hint=self.s.complete_hint, running=running, light=self.s.light_presolve)

    def adapt(self, kind: str, status: str, cost: float, limit: float) -> None:
        """A neighbourhood proved in under a third of its limit grows by one; one not proved shrinks by one.
        With `Settings.widen`, "fill" and "twin" grow in employees up to the whole staff, then in days (a day,
        two for "twin": one per window), and shrink in days first: on a synthetic of Instance19's size (40 staff)
        both reach the whole staff over 7-8 days within a minute and still prove in half a second."""
        if kind == "row":
            return
        if kind == "comb":
            self._adapt_comb(status, cost, limit)
            return
        step = 2 if kind == "twin" else 1
        wide = self.s.widen and kind in self.span and self.size[kind] >= self.most.get(kind, self.cap)
        if status == "OPTIMAL" and cost < limit / 3:
            if wide:
                self.span[kind] = min(self.problem.n_days, self.span[kind] + step)
            else:
                self.size[kind] = min(self.most.get(kind, self.cap), self.size[kind] + 1)
        elif status != "OPTIMAL":
            first = self.s.fill_days if kind == "fill" else self.s.twin_days
            if self.s.widen and kind in self.span and self.span[kind] > first:
                self.span[kind] -= step
            else:
                self.size[kind] = max(1 if kind == "days" else 2, self.size[kind] - 1)

    def _adapt_comb(self, status: str, cost: float, limit: float) -> None:
        """A "comb" proved in under a third of its limit spans a week more, up to the horizon, then frees an
        employee more; one not proved frees an employee fewer, down to two, then spans a week fewer, down to
        four: work moves between any two weeks it spans, so the span is kept over the employees."""
        if status == "OPTIMAL" and cost < limit / 3:
            if self.weeks < self.all_weeks:
                self.weeks += 1
            else:
                self.size["comb"] = min(self.cap, self.size["comb"] + 1)
        elif status != "OPTIMAL":
            if self.size["comb"] > 2:
                self.size["comb"] -= 1
            else:
                self.weeks = max(min(4, self.all_weeks), self.weeks - 1)

    def offer(self, cells: set[Cell], cand: Roster) -> bool:
        """Merge a step's free cells into the incumbent when that does not make it worse; whether it did."""
        merged = None if self.change else self._merged(cells, cand)  # two walks of the roster: only when kept
        val = self.best + self.change(self.cur, cells, cand) if self.change else self.problem.objective(merged)
        if val > self.best:
            return False
        if merged is None:
            merged = self._merged(cells, cand)
        for e in self.linked({k[0] for k in cells if self.cur.get(k) != merged.get(k)}):
            self.version[e] += 1
        if val < self.best:
            self.prog.history.append((time.perf_counter() - self.t0, val))
            self.prog.improved += 1
        self.cur, self.best = merged, val
        return True

    def _merged(self, cells: set[Cell], cand: Roster) -> Roster:
        merged = {k: t for k, t in self.cur.items() if k not in cells}
        merged.update({k: t for k, t in cand.items() if k in cells})
        return merged

    def start_trade(self, pool: ThreadPoolExecutor, more: Callable[[], bool]) -> Future:
        """One slice of the trade repair (`RowTrader`: the next `slice_rows` employees' rows) on the incumbent as it
        stands, run in the pool like a step: it is Python while the other worker's sub-solve runs in CP-SAT, so both
        cores keep working (run in this thread, a pass of several seconds left both workers idle once their steps
        ended)."""
        assert self.trader is not None
        self.trade_halt.clear()
        trader, cur = self.trader, self.cur
        subset = trader.next_slice(self.slice_rows)
        self.sliced = len(subset)
        return pool.submit(lambda: trader.trade(cur, lambda: more() and not self.trade_halt.is_set(), subset))

    def end_trade(self, out: tuple[Roster, set[int]] | None, seen: dict[int, int], spent: float,
                  log: Callable[[str], object]) -> None:
        """Merge a trade slice into the incumbent: the rows it changed that no step changed meanwhile (`seen`: the
        rows' versions when it started) replace the incumbent's, kept when that lowers the objective. The next slice
        is sized to take about TRADE_SLICE_S and starts after its share of `Settings.trade_every` (at once when
        this one took off more per second than the sub-solves lately do)."""
        assert self.trader is not None
        self.traded_at = time.perf_counter()
        before = self.best
        if out is not None:
            new, changed = out
            fresh = {e for e in changed if self.version[e] == seen[e]}
            merged = {k: t for k, t in self.cur.items() if k[0] not in fresh}
            merged.update({k: t for k, t in new.items() if k[0] in fresh})
            val = self.problem.objective(merged)
            if val < self.best:
                self.cur, self.best = merged, val
                for e in self.linked(fresh):
                    self.version[e] += 1
                self.prog.history.append((time.perf_counter() - self.t0, self.best))
                self.prog.improved += 1
            else:
                fresh = set()
            self.trader.dropped(changed - fresh)
        E = self.problem.n_staff
        share = self.sliced / E
        if before - self.best > self.step_rate.rate * spent:  # it pays more than the sub-solves: again at once
            self.traded_at = -math.inf
        else:  # a pass's wait spread over its slices
            self.traded_at -= self.s.trade_every * (1 - share)
        self.slice_rows = max(1, min(E, round(self.sliced * TRADE_SLICE_S / max(spent, 0.05))))
        log(f"  trades {self.sliced} rows {spent:.2f}s best={self.best}")

    def wall_clock(self, seconds: float, workers: int, log: Callable[[str], object]) -> None:
        """Steps started whenever a worker is free, each from the incumbent as it stands, for `seconds`."""
        s = self.s

        def left() -> float:
            return seconds - (time.perf_counter() - self.t0)
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            running: dict[Future, tuple[str, set[Cell], dict[int, int], Sequence[_Stoppable]]] = {}
            started = 0.0
            while True:
                if self.trader is not None and time.perf_counter() - self.traded_at >= s.trade_every \
                        and left() > 1 and not self.at_bound() and not any(k == "trade" for k, *_ in running.values()):
                    started = time.perf_counter()
                    seen = {e: self.version[e] for e in range(self.problem.n_staff)}
                    running[self.start_trade(pool, lambda: left() > 0.5)] = ("trade", set(), seen, [self.halt_trade])
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
                    if kind == "trade":
                        self.end_trade(fut.result(), seen, time.perf_counter() - started, log)
                        continue
                    step: Step = fut.result()
                    cand = step.candidate
                    before = self.best
                    if cand is not None and all(self.version[e] == v for e, v in seen.items()):
                        if self.offer(cells, cand) and self.best < before and running:
                            self.prog.merged += 1
                    elif cand is not None and (alone := self.problem.objective(cand)) < self.best:
                        # its employees changed meanwhile: still better on its own, it replaces the incumbent
                        self.cur, self.best = cand, alone
                        self.version = [v + 1 for v in self.version]
                        self.prog.history.append((time.perf_counter() - self.t0, self.best))
                        self.prog.improved += 1
                    log(f"  step {kind} size={self.size.get(kind, 1)} {step.status} {step.seconds:.2f}s "
                        f"best={self.best}")
                    if self.scores is not None:
                        self.scores.record(kind, before - self.best, step.seconds)
                    self.step_rate.record(before - self.best, step.seconds)
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
                    before = self.best
                    if r.candidate is not None and not rows & changed and self.offer(cells, r.candidate):
                        changed |= rows
                    if self.scores is not None:
                        self.scores.record(kind, before - self.best, r.dtime)
                log(f"lns: {self.prog.steps} steps, objective {self.best}, sizes {self.size}")


class _Stoppable(Protocol):
    def StopSearch(self) -> None: ...  # noqa: N802 (CP-SAT's name)


class _Halt:
    """Stops a trade pass running in the pool as `_wait` stops a sub-solve on Ctrl-C."""

    def __init__(self, event: threading.Event):
        self.event = event

    def StopSearch(self) -> None:  # noqa: N802
        self.event.set()


def _wait(futures: list[Future], when: str, solvers: Sequence[_Stoppable]) -> set[Future]:
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
