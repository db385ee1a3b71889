"""Benchmark: the Curtois & Qu shift-scheduling instances solved with the roster engine's rule pieces.

    python benchmarks/curtois.py INSTANCE.txt --time-limit S --out SOLUTION.csv   # one instance, CSV out
    python benchmarks/curtois.py [INSTANCE.txt ...] --time-limit S                 # table -> RESULTS.md

The instance format and objective are in ../shared/data/curtois/README.md. The model is bool x[e,d,t] (employee
e works shift type t on day d) and every labour rule of the benchmark goes through a piece of
`wfm.roster.rules`:

  hotline rule classes, driven through a thin adapter (`_RuleContext`): `ContractHours` (min/max total minutes,
  averaged over the period), `MaxConsecutiveDays`, `WeekendsOff` (max weekends worked = weekends off needed);
  general functions of wfm/roster/pieces.py: `max_shifts_of_kind`, `forbidden_successions` (shift rotation),
  `min_run_length` (min consecutive shifts and min consecutive days off, open at the horizon's edges),
  `soft_requests`, `soft_cover`. Required days off are handled as the hotline does requested days off: the
  person simply has no shift option that day.

Search: `wfm.roster.lns` (the engine; this script only adapts the benchmark to its `CellProblem`, class
`Cells`). On instances of at most FULL_MODEL_MAX_CELLS (employee, day, shift type) options, CP-SAT on the whole
model gives the first roster (and the proof on small instances); on larger ones, or when the whole model finds
nothing in its share, a roster built one employee at a time (the hard rules are all per employee, so each step
stays feasible; an employee whose own rules clash is named): by default each row laid by the rules without a
solver (`wfm.roster.greedy`, through the `RowProblem` methods of `Cells`), `--construction rows` for a CP-SAT
solve per row. Then large neighbourhood search over groups of
employees (random, or those around an under/over-covered slot), windows of days, or both, each step re-solved
by a single-worker CP-SAT with everything else fixed to the incumbent, one step per core at a time. Every
solution written is checked with the independent scorer ../shared/tools/curtois_eval.py when it is present.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from ortools.sat.python import cp_model

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wfm.roster import lns, pieces, rules

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "curtois"
SCORER = REPO.parent / "shared" / "tools" / "curtois_eval.py"
RUNS = REPO / "benchmarks" / "_work" / "curtois_runs.json"  # every recorded run (git-ignored)


# ----------------------------------------------------------------------------- the problem


@dataclass
class Staff:
    id: str
    max_shifts: dict[str, int]
    max_minutes: int
    min_minutes: int
    max_consecutive: int
    min_consecutive: int
    min_consecutive_off: int
    max_weekends: int


@dataclass
class CurtoisProblem:
    name: str
    days: int
    shifts: list[str]
    minutes: dict[str, int]
    forbidden_next: dict[str, set[str]]
    staff: list[Staff]
    days_off: dict[str, set[int]]
    on_requests: list[tuple[str, int, str, int]]  # employee, day, shift, weight
    off_requests: list[tuple[str, int, str, int]]
    cover: dict[tuple[int, str], tuple[int, int, int]]  # (day, shift) -> requirement, under w, over w
    staff_index: dict[str, int] = field(default_factory=dict)

    def can_work(self, e: int, d: int, t: str) -> bool:
        s = self.staff[e]
        return d not in self.days_off.get(s.id, ()) and s.max_shifts.get(t, self.days) > 0


def parse(path: Path) -> CurtoisProblem:
    sections: dict[str, list[list[str]]] = {}
    cur = None
    for raw in Path(path).read_text(encoding="utf-8-sig").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            cur = sections.setdefault(line, [])
            continue
        if cur is None:
            raise ValueError(f"{path}: data before the first SECTION_ header")
        cur.append([p.strip() for p in line.split(",")])
    days = int(sections["SECTION_HORIZON"][0][0])
    shifts, minutes, forbidden = [], {}, {}
    for row in sections["SECTION_SHIFTS"]:
        shifts.append(row[0])
        minutes[row[0]] = int(row[1])
        forbidden[row[0]] = {s for s in (row[2].split("|") if len(row) > 2 else []) if s}
    staff = []
    for row in sections["SECTION_STAFF"]:
        ms = {t: days for t in shifts}
        for item in filter(None, row[1].split("|")):
            k, _, v = item.partition("=")
            ms[k.strip()] = int(v)
        staff.append(Staff(row[0], ms, int(row[2]), int(row[3]), int(row[4]), int(row[5]), int(row[6]),
                           int(row[7])))
    days_off = {s.id: set() for s in staff}
    for row in sections.get("SECTION_DAYS_OFF", []):
        days_off[row[0]].update(int(d) for d in row[1:] if d)
    def req(name):
        return [(r[0], int(r[1]), r[2], int(r[3])) for r in sections.get(name, [])]

    cover = {(int(r[0]), r[1]): (int(r[2]), int(r[3]), int(r[4])) for r in sections["SECTION_COVER"]}
    p = CurtoisProblem(Path(path).stem, days, shifts, minutes, forbidden, staff, days_off,
                       req("SECTION_SHIFT_ON_REQUESTS"), req("SECTION_SHIFT_OFF_REQUESTS"), cover)
    p.staff_index = {s.id: i for i, s in enumerate(staff)}
    return p


# ----------------------------------------------------------------------------- adapter to the hotline rules


class _RuleContext:
    """What a `wfm.roster.rules.Rule` sees (ctx.inst, ctx.model, ctx.add, ctx.work, ctx.paid, ...), for a group
    of benchmark employees that share the rule's parameter. `inst` is a stand-in carrying only the fields the
    rule reads: the period, the agents' hour bounds and the config values of the rule."""

    def __init__(self, model, work, paid_terms, members: list[int], days: int, rule_values: dict,
                 agents: list | None = None):
        self.model = model
        self.members = members  # local agent index -> employee index
        self._work = work
        self._paid = paid_terms
        self.overtime: list = []
        start = __import__("datetime").date(2024, 1, 1)  # a Monday: the benchmark's day 0 is a Monday
        self.inst = SimpleNamespace(
            agents=agents if agents is not None else [SimpleNamespace(agent_id=str(e)) for e in members],
            days=days,
            start=start,
            previous={},
            config=SimpleNamespace(rules=SimpleNamespace(max_hours_day=24, **rule_values)),
            weeks=lambda: [list(range(w, min(w + 7, days))) for w in range(0, days, 7)],
            date=lambda d: start + __import__("datetime").timedelta(days=d),
        )

    def add(self, constraint, rule: str, ai) -> None:
        if isinstance(constraint, bool):
            if not constraint:
                raise ValueError(f"rule {rule} cannot hold for employee {self.members[ai]}")
            return
        self.model.Add(constraint)

    def work(self, ai: int, d: int):
        return self._work[self.members[ai]][d]

    def paid(self, ai: int, days: list[int]):
        return sum(m * v for d in days for m, v in self._paid[self.members[ai]][d])

    def previous_run(self, agent) -> int:
        return 0  # the benchmark has no previous roster: the days before day 0 are off


# ----------------------------------------------------------------------------- the model


@dataclass
class Built:
    model: cp_model.CpModel
    x: dict[tuple[int, int, str], cp_model.IntVar]  # the free cells' variables only
    objective: object


def build(p: CurtoisProblem, fixed: dict[tuple[int, int], str | None] | None = None) -> Built:
    """The model; cells (employee, day) in `fixed` are constants (their shift, or None = off), not variables.

    Used whole for the first solve and with most cells fixed for each LNS step. Employees with every cell fixed
    get no constraints (the incumbent already meets them) and add only constants to the cover; the objective of
    a partly fixed model leaves out the constant request penalties of fixed cells, so LNS compares candidates by
    `objective()` on the whole roster.
    """
    fixed = fixed or {}
    m = cp_model.CpModel()
    E, D = len(p.staff), p.days
    x: dict[tuple[int, int, str], cp_model.IntVar] = {}
    const: dict[tuple[int, int, str], int] = {}
    work, paid = [], []
    n_fixed = Counter(e for e, _ in fixed)
    active = [e for e in range(E) if n_fixed[e] < D]
    for (e, d), t in fixed.items():  # the cover's constants
        if t is not None:
            const[e, d, t] = 1
    is_active = set(active)
    for e in range(E):
        row, prow = [], []
        if e not in is_active:  # no rule is posted for a wholly fixed employee: skip building their rows
            work.append(row)
            paid.append(prow)
            continue
        for d in range(D):
            if (e, d) in fixed:
                t = fixed[e, d]
                row.append(1 if t is not None else 0)
                prow.append([(p.minutes[t], 1)] if t is not None else [])
                continue
            ts = [t for t in p.shifts if p.can_work(e, d, t)]
            for t in ts:
                x[e, d, t] = m.NewBoolVar(f"x_{e}_{d}_{t}")
            w = m.NewBoolVar(f"w_{e}_{d}")
            m.Add(w == sum(x[e, d, t] for t in ts))  # at most one shift a day
            row.append(w)
            prow.append([(p.minutes[t], x[e, d, t]) for t in ts])
        work.append(row)
        paid.append(prow)
    def lit(e, d, t):
        return x[e, d, t] if (e, d, t) in x else const.get((e, d, t), 0)

    staff = {e: p.staff[e] for e in active}

    def groups(key) -> dict:
        out: dict = {}
        for e, s in staff.items():
            out.setdefault(key(s), []).append(e)
        return out

    # hotline rule classes through the adapter
    for (lo, hi), members in groups(lambda s: (s.min_minutes, s.max_minutes)).items():
        agents = [SimpleNamespace(agent_id=str(e), contract_hours_week=hi * 7 / (60 * D),
                                  min_hours_week=lo * 7 / (60 * D), max_hours_week=hi * 7 / (60 * D))
                  for e in members]
        ctx = _RuleContext(m, work, paid, members, D, {"hours_averaging": "period"}, agents)
        rules.ContractHours("contract_hours").add(ctx)
    for n, members in groups(lambda s: s.max_consecutive).items():
        ctx = _RuleContext(m, work, paid, members, D, {"max_consecutive_days": n})
        rules.MaxConsecutiveDays("max_consecutive_days").add(ctx)
    n_weekends = len([d for d in range(D - 1) if d % 7 == 5])
    for k, members in groups(lambda s: s.max_weekends).items():
        if k >= n_weekends:
            continue
        ctx = _RuleContext(m, work, paid, members, D,
                           {"min_weekends_off_period": (n_weekends - k) * 4 / n_weekends})
        rules.WeekendsOff("weekends_off").add(ctx)

    # general rule functions (wfm.roster.pieces)
    ctx = _RuleContext(m, work, paid, list(range(E)), D, {})
    for e, s in staff.items():
        for t in p.shifts:
            # only the free cells as variables, the cap less the fixed shifts of that type (an LNS step frees a
            # few days of a row: passing the constants too made the rules half the time of a step on 120 staff)
            lits = [lit(e, d, t) for d in range(D)]
            free = [v for v in lits if not isinstance(v, int)]
            cap = s.max_shifts[t] - sum(v for v in lits if isinstance(v, int))
            if free:
                pieces.max_shifts_of_kind(ctx, free, cap, "max_shifts", e)
            else:
                ctx.add(cap >= 0, "max_shifts", e)
        for d in range(D - 1):
            if (e, d) in fixed and (e, d + 1) in fixed:
                continue
            today = {t: v for t in p.shifts if not _zero(v := lit(e, d, t))}  # a shift not worked is absent
            tomorrow = {t: v for t in p.shifts if not _zero(v := lit(e, d + 1, t))}
            pieces.forbidden_successions(ctx, today, tomorrow, p.forbidden_next, "shift_rotation", e)
        pieces.min_run_length(ctx, work[e], s.min_consecutive, "min_consecutive_shifts", e, value=1)
        pieces.min_run_length(ctx, work[e], s.min_consecutive_off, "min_consecutive_days_off", e, value=0)

    # soft terms, exactly the benchmark's objective (constant terms of fixed cells left out)
    def free_cell(emp, d):
        return (p.staff_index[emp], d) not in fixed

    on = [(lit(p.staff_index[emp], d, t), w) for emp, d, t, w in p.on_requests if free_cell(emp, d)]
    off = [(lit(p.staff_index[emp], d, t), w) for emp, d, t, w in p.off_requests if free_cell(emp, d)]
    terms = [pieces.soft_requests(on, off)]
    on_slot: dict[tuple[int, str], list] = {}
    for (_e, d, t), v in x.items():
        on_slot.setdefault((d, t), []).append(v)
    for (_e, d, t), v in const.items():
        on_slot.setdefault((d, t), []).append(v)
    for (d, t), (r, wu, wo) in sorted(p.cover.items()):
        on = on_slot.get((d, t), [])
        free = [v for v in on if not isinstance(v, int)]
        n = sum(v for v in on if isinstance(v, int))
        if len(free) <= 1:  # a constant, or linear in the one free cell (LNS steps, the construction)
            base = cover_penalty(n, r, wu, wo)
            terms.append(base + (cover_penalty(n + 1, r, wu, wo) - base) * free[0] if free else base)
            continue
        pen, _, _ = pieces.soft_cover(m, sum(on), r, wu, wo, E, f"cover_{d}_{t}")
        terms.append(pen)
    obj = sum(terms)
    m.Minimize(obj)
    return Built(m, x, obj)


def _zero(v) -> bool:
    """Whether a cell's literal is the constant 0 (a CP-SAT variable is never)."""
    return isinstance(v, int) and v == 0


def cover_penalty(assigned: int, required: int, w_under: int, w_over: int) -> int:
    """The benchmark's penalty of one cover slot with `assigned` employees on it."""
    return w_under * max(0, required - assigned) + w_over * max(0, assigned - required)


def objective(p: CurtoisProblem, roster: dict[tuple[int, int], str]) -> int:
    """The benchmark's objective of a roster ((employee, day) -> shift), as the README defines it."""
    val = sum(w for emp, d, t, w in p.on_requests if roster.get((p.staff_index[emp], d)) != t)
    val += sum(w for emp, d, t, w in p.off_requests if roster.get((p.staff_index[emp], d)) == t)
    count: dict[tuple[int, str], int] = {}
    for (_e, d), t in roster.items():
        count[d, t] = count.get((d, t), 0) + 1
    for (d, t), (r, wu, wo) in p.cover.items():
        n = count.get((d, t), 0)
        val += cover_penalty(n, r, wu, wo)
    return val


# ----------------------------------------------------------------------------- search (wfm.roster.lns)


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

    def objective(self, roster) -> int:
        return objective(self.p, roster)

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
        emp = self.p.staff[e].id
        for who, d, t, w in self.p.on_requests:
            if who == emp:
                out[d, t] = out.get((d, t), 0) + w
        for who, d, t, w in self.p.off_requests:
            if who == emp:
                out[d, t] = out.get((d, t), 0) - w
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


def write_csv(p: CurtoisProblem, roster: dict[tuple[int, int], str], path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["employee", "day", "shift"])
        for (e, d), t in sorted(roster.items()):
            w.writerow([p.staff[e].id, d, t])


def score(instance: Path, solution: Path) -> tuple[int | None, bool, str]:
    """The independent scorer's verdict: (objective, feasible, its last line); (None, False, why) if absent."""
    if not SCORER.exists():
        return None, False, f"scorer not found at {SCORER}"
    out = subprocess.run([sys.executable, str(SCORER), str(instance), str(solution)], capture_output=True,
                         text=True, check=False)
    last = (out.stdout.strip().splitlines() or [out.stderr.strip()])[-1]
    mt = re.match(r"objective=(\d+) feasible=(yes|no)", last)
    if not mt:
        return None, False, last
    return int(mt.group(1)), mt.group(2) == "yes", last


def best_known() -> dict[str, int]:
    """Best known values from the data README's table (| InstanceN | ... | best | sha |)."""
    out = {}
    readme = DATA / "README.md"
    if readme.exists():
        for line in readme.read_text(encoding="utf-8").splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) >= 3 and re.fullmatch(r"Instance\d+", cells[0]) and cells[-2].isdigit():
                out[cells[0]] = int(cells[-2])
    return out


def _commit() -> str | None:
    """The short hash of the checked-out commit, with "+" when the tree has changes (None outside git)."""
    try:
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no", "--",
                                ".", ":!benchmarks/RESULTS.md"],  # the tables this script writes do not count
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("+" if dirty else "")


def _instance_key(path: Path) -> int:
    mt = re.search(r"(\d+)", path.stem)
    return int(mt.group(1)) if mt else 0


def write_table(runs: dict) -> None:
    from benchmarks.curtois_table import write_section

    write_section(runs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("instances", nargs="*", type=Path, help="InstanceN.txt (default: all in ../shared/data/curtois)")
    ap.add_argument("--time-limit", type=float, default=60.0, help="seconds per instance")
    ap.add_argument("--out", type=Path, help="write the solution CSV (one instance)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--construct-share", type=float, default=CONSTRUCT_SHARE,
                    help="share of the time the construction may use")
    ap.add_argument("--construction", choices=["auto", "greedy", "rows"], default="auto",
                    help="first roster when the whole model does not give it: rows laid by the rules (greedy), a "
                         "CP-SAT solve per employee (rows), or by size (auto)")
    ap.add_argument("--no-table", action="store_true", help="do not update benchmarks/RESULTS.md")
    ap.add_argument("--table-only", action="store_true", help="rewrite the RESULTS.md section from recorded runs")
    args = ap.parse_args(argv)
    lns.CONSTRUCTION = args.construction

    if args.out:
        if len(args.instances) != 1:
            ap.error("--out needs exactly one INSTANCE")
        p = parse(args.instances[0])
        r = solve(p, args.time_limit, workers=args.workers, seed=args.seed, verbose=args.verbose,
                  construct_share=args.construct_share)
        if r.objective is None:
            print(f"{p.name}: no feasible roster found in {args.time_limit:g} s" + (f": {r.note}" if r.note else ""))
            return 1
        write_csv(p, r.roster, args.out)
        val, feas, line = score(args.instances[0], args.out)
        print(f"{p.name}: objective={r.objective} ({'optimal' if r.optimal else 'best found'}, "
              f"bound {'-' if r.bound is None else f'{r.bound:.0f}'}, {r.seconds:.1f} s, {r.lns_rounds} LNS rounds); scorer: {line}")
        if val is not None and (val != r.objective or not feas):
            print("ERROR: the scorer disagrees with the model", file=sys.stderr)
            return 1
        return 0

    paths = args.instances or sorted(DATA.glob("Instance*.txt"), key=_instance_key)
    known = best_known()
    runs = json.loads(RUNS.read_text()) if RUNS.exists() else {}
    if args.table_only:
        write_table(runs)
        return 0
    for path in paths:
        p = parse(path)
        load0 = os.getloadavg()[0]
        r = solve(p, args.time_limit, workers=args.workers, seed=args.seed, verbose=args.verbose,
                  construct_share=args.construct_share)
        load1 = os.getloadavg()[0]
        row = {"instance": p.name, "time_limit": args.time_limit, "workers": args.workers, "seed": args.seed,
               "best_known": known.get(p.name), "objective": r.objective, "bound": r.bound,
               "optimal": r.optimal, "seconds": round(r.seconds, 1), "rounds": r.lns_rounds,
               "load": [round(load0, 1), round(load1, 1)], "date": time.strftime("%Y-%m-%d %H:%M"),
               "history": r.history, "check": "no solution",
               "phases": {k: round(v, 1) for k, v in r.phases.items()},
               "sha256": hashlib.sha256(path.read_bytes()).hexdigest()[:16], "commit": _commit()}
        if r.objective is not None:
            with tempfile.TemporaryDirectory() as tmp:
                sol = Path(tmp) / "sol.csv"
                write_csv(p, r.roster, sol)
                val, feas, line = score(path, sol)
            row["check"] = ("scorer absent" if val is None else
                            f"ok ({val})" if (val == r.objective and feas) else f"MISMATCH: {line}")
        bk = row["best_known"]
        gap = 100.0 * (r.objective - bk) / bk if bk and r.objective is not None else None
        print(f"{p.name}: best known {bk}, ours {r.objective}" + (f" (gap {gap:.2f}%)" if gap is not None else "")
              + f", LP bound {r.bound}, {r.seconds:.1f} s, {r.lns_rounds} LNS steps, scorer {row['check']}, "
                f"load {load0:.1f}->{load1:.1f}, phases {row['phases']}", flush=True)
        if RUNS.exists():  # runs another process recorded meanwhile (two runs side by side) are kept
            runs = {**runs, **json.loads(RUNS.read_text())}
        runs[f"{p.name}@{args.time_limit:g}"] = row
        if not args.no_table:
            RUNS.parent.mkdir(parents=True, exist_ok=True)
            RUNS.write_text(json.dumps(runs, indent=1))
    if not args.no_table:
        write_table(runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
