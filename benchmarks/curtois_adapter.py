"""The Curtois & Qu benchmark as the search engine's `wfm.roster.lns.CellProblem` (class `Cells`), and the
engine's solve on it: CP-SAT on the whole model first when it is small, else the construction one employee at a
time; then large neighbourhood search."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from benchmarks.curtois_model import build, build_around
from benchmarks.curtois_reader import CurtoisProblem, cover_penalty, objective
from wfm.roster import lns


@dataclass
class Result:
    roster: dict[tuple[int, int], str]  # (employee, day) -> shift
    objective: int | None
    bound: float | None
    optimal: bool
    seconds: float
    lns_rounds: int = 0
    history: list[tuple[float, int]] = field(default_factory=list)
    note: str = ""  # why there is no roster
    phases: dict[str, float] = field(default_factory=dict)


# (employee, day, shift type) options above which the first roster is built employee by employee rather than by
# CP-SAT on the whole model. Side by side with the same code at 30-60 s (load 8-12, 2026-11-29): the whole model
# is better on Instance5 (676 options: 1,446 against 1,644) and Instance7 (1,248: 1,402 against 1,499), the
# construction on Instance8 (2,158: 2,257 against 2,372), Instance11 (5,304: 3,890 against 4,350) and
# Instance12 (10,452: its first roster 7,906 in 11 s against 20,476 from 13 s of the whole model).
FULL_MODEL_MAX_CELLS = 2_000
# With a long time limit the whole model's start pays on more: at 600 s (load 7-12, 2026-11-29) Instance8 (2,158
# options) reached 1,321 from it against 1,657 from the construction, Instance12 (10,452) 4,311 against 4,205; so
# from LONG_RUN seconds it is used up to LONG_RUN_MAX_CELLS (Instance9-11: 2,912-5,304 options, as on 2026-11-23
# when all of Instance1-12 came within 2% at 600 s from the whole model's start).
LONG_RUN, LONG_RUN_MAX_CELLS = 300.0, 6_000


# share of the time limit the construction may use (the greedy's re-lay passes stop earlier when they converge)
CONSTRUCT_SHARE = 0.3


def options(p: CurtoisProblem) -> int:
    """How many (employee, day, shift type) cells can be worked: the size of the whole model."""
    return sum(p.can_work(e, d, t) for e in range(len(p.staff)) for d in range(p.days) for t in p.shifts)


def _whole_model_first(p: CurtoisProblem, time_limit: float) -> bool:
    """Whether CP-SAT on the whole model gives the first roster (else the construction one employee at a time)."""
    n = options(p)
    return n <= FULL_MODEL_MAX_CELLS or (time_limit >= LONG_RUN and n <= LONG_RUN_MAX_CELLS)


def _construction(p: CurtoisProblem, time_limit: float) -> str | None:
    """The CP-SAT rows on horizons of at most 8 weeks from LONG_RUN seconds (Instance12 at 600 s, side by side,
    load 8-12: 4,206 from them against 4,287 from the greedy rows; at 60 s the greedy start won, 5,689 against
    6,613), else the engine's choice (`lns.construction_method`: the greedy rows); `--construction` overrides."""
    if lns.CONSTRUCTION != "auto":
        return None
    return "rows" if time_limit >= LONG_RUN and p.days <= lns.LONG_HORIZON else None


class Infeasible(Exception):
    """An employee whose own rules cannot all hold (the benchmark's hard constraints are per employee)."""


class Cells:
    """The benchmark as a `wfm.roster.lns.CellProblem`: the search engine's view of it."""

    def __init__(self, p: CurtoisProblem):
        self.p = p
        self.n_staff, self.n_days, self.shifts = len(p.staff), p.days, p.shifts

    def build(self, fixed):
        return build(self.p, fixed)

    def build_around(self, roster, free):
        return build_around(self.p, roster, free)

    def objective(self, roster) -> int:
        return objective(self.p, roster)

    def objective_change(self, roster, cells, new) -> int:
        """objective(roster with `cells` set as in `new`) - objective(roster), in time of the cells' days."""
        p, gains = self.p, self.p.request_gains()
        change = 0
        for cell in cells:
            old_t, new_t = roster.get(cell), new.get(cell)
            if old_t != new_t:
                for t, g in gains.get(cell, ()):
                    change += (t == old_t) * g - (t == new_t) * g
        days = {d for _, d in cells}
        if len(days) * self.n_staff < len(roster):
            before = Counter((d, roster[e, d]) for d in days for e in range(self.n_staff) if (e, d) in roster)
        else:  # many days (a "comb" step): one walk over the roster
            before = Counter((d, t) for (_e, d), t in roster.items() if d in days)
        after = before.copy()
        for cell in cells:
            old_t, new_t = roster.get(cell), new.get(cell)
            if old_t != new_t:
                if old_t is not None:
                    after[cell[1], old_t] -= 1
                if new_t is not None:
                    after[cell[1], new_t] += 1
        for slot in before.keys() | after.keys():
            if slot in p.cover:
                r, wu, wo = p.cover[slot]
                change += cover_penalty(after[slot], r, wu, wo) - cover_penalty(before[slot], r, wu, wo)
        return change

    def can_work(self, e: int, d: int, t: str) -> bool:
        return self.p.can_work(e, d, t)

    def bad_slots(self, roster) -> list[tuple[int, str, int]]:
        count = Counter((d, t) for (_e, d), t in roster.items())
        pens = ((d, t, cover_penalty(count[d, t], r, wu, wo)) for (d, t), (r, wu, wo) in self.p.cover.items())
        return [slot for slot in pens if slot[2]]

    def row_rules(self, e: int) -> lns.RowRules:
        s, p = self.p.staff[e], self.p
        mine = {t: p.minutes[t] for t in p.shifts if s.max_shifts[t] > 0}
        return lns.RowRules(mine, s.min_minutes, s.max_minutes, s.max_consecutive, s.min_consecutive,
                            s.min_consecutive_off, s.max_weekends, dict(s.max_shifts), p.forbidden_next,
                            frozenset(p.days_off.get(s.id, ())))

    def cover_terms(self) -> dict[tuple[int, str], tuple[int, int, int]]:
        return self.p.cover

    def request_gains(self, e: int) -> dict[tuple[int, str], int]:
        out: dict[tuple[int, str], int] = {}
        for (who, d), gains in self.p.request_gains().items():
            if who == e:
                for t, g in gains:
                    out[d, t] = out.get((d, t), 0) + g
        return out

    def missed_requests(self, roster) -> list[tuple[int, int, int]]:
        idx = self.p.staff_index
        return ([(idx[emp], d, w) for emp, d, t, w in self.p.on_requests if roster.get((idx[emp], d)) != t]
                + [(idx[emp], d, w) for emp, d, t, w in self.p.off_requests if roster.get((idx[emp], d)) == t])


def construct(p: CurtoisProblem, time_limit: float, seed: int = 1, workers: int = 2) -> dict[tuple[int, int], str]:
    """A first roster one employee at a time (`wfm.roster.lns.construct`); raises `Infeasible` naming the employee
    whose rules clash."""
    try:
        return lns.construct(Cells(p), time_limit, workers=workers, seed=seed)
    except lns.EmployeeInfeasible as exc:
        e, _, why = str(exc).partition(": ")
        raise Infeasible(f"employee {p.staff[int(e)].id}: {why} (max/min minutes, runs, days off, weekends)") from exc


def solve(p: CurtoisProblem, time_limit: float, *, workers: int = 2, seed: int = 1, verbose: bool = False,
          construct_share: float = CONSTRUCT_SHARE) -> Result:
    """The engine on the benchmark: CP-SAT on the whole model first when it is small, else the construction;
    then LNS with neighbourhoods sized to the instance."""
    t0 = time.perf_counter()
    log = (lambda m: print(f"[{time.perf_counter() - t0:6.1f}s] {m}", flush=True)) if verbose else (lambda m: 0)
    settings = lns.Settings.for_size(len(p.staff), p.days)
    r = lns.solve(Cells(p), time_limit, workers=workers, seed=seed, whole_model=_whole_model_first(p, time_limit),
                  settings=settings, log=log, construct_share=construct_share,
                  construction=_construction(p, time_limit))
    note = r.note
    if note.startswith("employee "):
        e, _, why = note[len("employee "):].partition(": ")
        note = f"employee {p.staff[int(e)].id}: {why}"
    log("phases: " + ", ".join(f"{k} {v:.1f} s" for k, v in r.phases.items())
        + f"; {r.progress.steps} LNS steps, {r.progress.merged} improvements merged while another step ran")
    return Result(r.roster, r.objective, r.bound, r.optimal, r.seconds, r.progress.steps, r.progress.history,
                  note, r.phases)


# ----------------------------------------------------------------------------- output, scoring, table
