"""Benchmark: the Curtois & Qu shift-scheduling instances solved with the roster engine's rule pieces.

    python benchmarks/curtois.py INSTANCE.txt --time-limit S --out SOLUTION.csv   # one instance, CSV out
    python benchmarks/curtois.py [INSTANCE.txt ...] --time-limit S                 # table -> RESULTS.md

The instance format and objective are in ../shared/data/curtois/README.md. The model is bool x[e,d,t] (employee
e works shift type t on day d) and every labour rule of the benchmark goes through a piece of
`wfm.roster.rules`:

  hotline rule classes, driven through a thin adapter (`_RuleContext`): `ContractHours` (min/max total minutes,
  averaged over the period), `MaxConsecutiveDays`, `WeekendsOff` (max weekends worked = weekends off needed);
  general functions of rules.py: `max_shifts_of_kind`, `forbidden_successions` (shift rotation),
  `min_run_length` (min consecutive shifts and min consecutive days off, open at the horizon's edges),
  `soft_requests`, `soft_cover`. Required days off are handled as the hotline does requested days off: the
  person simply has no shift option that day.

Search: CP-SAT on the whole model for a first solution (and the proof on small instances), then large
neighbourhood search: repeatedly free a random group of employees, or a window of days, or both, fix everything
else to the incumbent (by narrowing the variables' domains in the model proto), and re-solve with the incumbent as
the hint. Every solution written is checked with the independent scorer ../shared/tools/curtois_eval.py when it
is present.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from ortools.sat.python import cp_model

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wfm.roster import rules  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "curtois"
SCORER = REPO.parent / "shared" / "tools" / "curtois_eval.py"


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
    req = lambda name: [(r[0], int(r[1]), r[2], int(r[3])) for r in sections.get(name, [])]  # noqa: E731
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


def _groups(values: list) -> dict:
    out: dict = {}
    for e, v in enumerate(values):
        out.setdefault(v, []).append(e)
    return out


# ----------------------------------------------------------------------------- the model


@dataclass
class Built:
    model: cp_model.CpModel
    x: dict[tuple[int, int, str], cp_model.IntVar]
    objective: object


def build(p: CurtoisProblem) -> Built:
    m = cp_model.CpModel()
    E, D = len(p.staff), p.days
    x: dict[tuple[int, int, str], cp_model.IntVar] = {}
    work = []
    paid = []
    for e in range(E):
        row, prow = [], []
        for d in range(D):
            ts = [t for t in p.shifts if p.can_work(e, d, t)]
            for t in ts:
                x[e, d, t] = m.NewBoolVar(f"x_{e}_{d}_{t}")
            w = m.NewBoolVar(f"w_{e}_{d}")
            m.Add(w == sum(x[e, d, t] for t in ts))  # at most one shift a day
            row.append(w)
            prow.append([(p.minutes[t], x[e, d, t]) for t in ts])
        work.append(row)
        paid.append(prow)

    # hotline rule classes through the adapter
    for (lo, hi), members in _groups([(s.min_minutes, s.max_minutes) for s in p.staff]).items():
        agents = [SimpleNamespace(agent_id=str(e), contract_hours_week=hi * 7 / (60 * D),
                                  min_hours_week=lo * 7 / (60 * D), max_hours_week=hi * 7 / (60 * D))
                  for e in members]
        ctx = _RuleContext(m, work, paid, members, D, {"hours_averaging": "period"}, agents)
        rules.ContractHours("contract_hours").add(ctx)
    for n, members in _groups([s.max_consecutive for s in p.staff]).items():
        ctx = _RuleContext(m, work, paid, members, D, {"max_consecutive_days": n})
        rules.MaxConsecutiveDays("max_consecutive_days").add(ctx)
    n_weekends = len([d for d in range(D - 1) if d % 7 == 5])
    for k, members in _groups([s.max_weekends for s in p.staff]).items():
        if k >= n_weekends:
            continue
        ctx = _RuleContext(m, work, paid, members, D,
                           {"min_weekends_off_period": (n_weekends - k) * 4 / n_weekends})
        rules.WeekendsOff("weekends_off").add(ctx)

    # general rule functions of rules.py
    ctx = _RuleContext(m, work, paid, list(range(E)), D, {})
    for e, s in enumerate(p.staff):
        for t in p.shifts:
            rules.max_shifts_of_kind(ctx, [x[e, d, t] for d in range(D) if (e, d, t) in x], s.max_shifts[t],
                                     "max_shifts", e)
        for d in range(D - 1):
            today = {t: x[e, d, t] for t in p.shifts if (e, d, t) in x}
            tomorrow = {t: x[e, d + 1, t] for t in p.shifts if (e, d + 1, t) in x}
            rules.forbidden_successions(ctx, today, tomorrow, p.forbidden_next, "shift_rotation", e)
        rules.min_run_length(ctx, work[e], s.min_consecutive, "min_consecutive_shifts", e, value=1)
        rules.min_run_length(ctx, work[e], s.min_consecutive_off, "min_consecutive_days_off", e, value=0)

    # soft terms, exactly the benchmark's objective
    lit = lambda e, d, t: x.get((e, d, t), 0)  # noqa: E731
    on = [(lit(p.staff_index[emp], d, t), w) for emp, d, t, w in p.on_requests]
    off = [(lit(p.staff_index[emp], d, t), w) for emp, d, t, w in p.off_requests]
    terms = [rules.soft_requests(on, off)]
    for (d, t), (r, wu, wo) in sorted(p.cover.items()):
        assigned = sum(x[e, d, t] for e in range(E) if (e, d, t) in x)
        pen, _, _ = rules.soft_cover(m, assigned, r, wu, wo, E, f"cover_{d}_{t}")
        terms.append(pen)
    obj = sum(terms)
    m.Minimize(obj)
    return Built(m, x, obj)


# ----------------------------------------------------------------------------- search


def _params(time_limit: float, workers: int, seed: int) -> cp_model.CpSolver:
    s = cp_model.CpSolver()
    s.parameters.max_time_in_seconds = max(0.05, time_limit)
    s.parameters.num_workers = workers
    s.parameters.random_seed = seed
    # the LP relaxation of this model is tight (its bound is within a few % of the optimum); level 2 puts the
    # rules' constraints into it, which proves LNS sub-problems fast and guides the search
    s.parameters.linearization_level = 2
    s.parameters.log_search_progress = bool(os.environ.get("CURTOIS_LOG"))
    return s


@dataclass
class Result:
    roster: dict[tuple[int, int], str]  # (employee, day) -> shift
    objective: int | None
    bound: float | None
    optimal: bool
    seconds: float
    lns_rounds: int = 0
    history: list[tuple[float, int]] = field(default_factory=list)


def solve(p: CurtoisProblem, time_limit: float, *, workers: int = 2, seed: int = 1,
          first_share: float = 0.25, sub_limit: float = 3.0, verbose: bool = False) -> Result:
    t0 = time.perf_counter()
    left = lambda: time_limit - (time.perf_counter() - t0)  # noqa: E731
    b = build(p)
    keys = list(b.x)
    idx = {k: b.x[k].Index() for k in keys}
    proto = b.model.Proto()
    log = (lambda *a: print(f"[{time.perf_counter() - t0:6.1f}s]", *a, flush=True)) if verbose else (lambda *a: 0)

    # 1. the whole model for a first solution (on small instances, the proof)
    solver = _params(max(1.0, left() * first_share), workers, seed)
    status = solver.Solve(b.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Result({}, None, None, False, time.perf_counter() - t0)
    cur = {k: solver.Value(b.x[k]) for k in keys}
    best = int(round(solver.ObjectiveValue()))
    bound = solver.BestObjectiveBound()
    hist = [(time.perf_counter() - t0, best)]
    log(f"full model: {solver.StatusName(status)} obj={best} bound={bound:.0f}")
    if status == cp_model.OPTIMAL:
        return _result(p, cur, best, bound, True, t0, 0, hist)

    # 2. LNS: free a group of employees and/or a window of days, fix the rest to the incumbent
    rng = random.Random(seed)
    E, D = len(p.staff), p.days
    by_emp: dict[int, list] = {}
    for k in keys:
        by_emp.setdefault(k[0], []).append(k)
    size = {"staff": max(2, min(E, 4)), "days": min(D, 7), "mixed": max(2, min(E, 8))}
    rounds = 0
    while left() > 0.5:
        rounds += 1
        kind = rng.choice(("staff", "staff", "days", "mixed"))
        if kind == "staff":
            free_e = set(_pick_staff(p, rng, size["staff"], cur))
            free = lambda k: k[0] in free_e  # noqa: E731
        elif kind == "days":
            w = size["days"]
            s = rng.randrange(0, max(1, D - w + 1))
            free = lambda k: s <= k[1] < s + w  # noqa: E731
        else:
            free_e = set(_pick_staff(p, rng, size["mixed"], cur))
            w = max(7, D // 2)
            s = rng.randrange(0, max(1, D - w + 1))
            free = lambda k: k[0] in free_e and s <= k[1] < s + w  # noqa: E731
        saved = []
        for k in keys:
            if not free(k):
                var = proto.variables[idx[k]]
                saved.append(var)
                var.domain[0] = var.domain[1] = cur[k]
        b.model.ClearHints()
        for k in keys:
            b.model.AddHint(b.x[k], cur[k])
        sub = _params(min(left(), sub_limit), workers, seed + rounds)
        st = sub.Solve(b.model)
        for var in saved:  # x variables are booleans: domain [0, 1]
            var.domain[0], var.domain[1] = 0, 1
        if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            val = int(round(sub.ObjectiveValue()))
            if val <= best:
                cur = {k: sub.Value(b.x[k]) for k in keys}
                if val < best:
                    log(f"round {rounds} {kind} size={size[kind]}: {best} -> {val}")
                    hist.append((time.perf_counter() - t0, val))
                best = val
        log(f"  round {rounds} {kind} size={size[kind]} {sub.StatusName(st)} {sub.WallTime():.2f}s best={best}")
        # adapt the neighbourhood: grow when the sub-problem is proved quickly, shrink when it times out
        if st == cp_model.OPTIMAL and sub.WallTime() < sub_limit / 3:
            size[kind] = min(E if kind != "days" else D, size[kind] + 1)
        elif st != cp_model.OPTIMAL:
            size[kind] = max(2 if kind != "days" else 3, size[kind] - 1)
        if best <= math.ceil(bound - 1e-6):
            return _result(p, cur, best, bound, True, t0, rounds, hist)
    return _result(p, cur, best, bound, False, t0, rounds, hist)


def _pick_staff(p: CurtoisProblem, rng: random.Random, n: int, cur) -> list[int]:
    """A random group of employees; half the time a group that shares shift types (they can swap work)."""
    E = len(p.staff)
    if rng.random() < 0.5:
        return rng.sample(range(E), min(n, E))
    t = rng.choice(p.shifts)
    able = [e for e in range(E) if p.staff[e].max_shifts.get(t, 0) > 0]
    rng.shuffle(able)
    rest = [e for e in range(E) if e not in able[:n]]
    rng.shuffle(rest)
    return (able[:n] + rest)[:min(n, E)]


def _result(p, cur, best, bound, optimal, t0, rounds, hist) -> Result:
    roster = {(e, d): t for (e, d, t), v in cur.items() if v}
    return Result(roster, best, bound, optimal, time.perf_counter() - t0, rounds, hist)


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
                         text=True)
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


def _instance_key(path: Path) -> int:
    mt = re.search(r"(\d+)", path.stem)
    return int(mt.group(1)) if mt else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("instances", nargs="*", type=Path, help="InstanceN.txt (default: all in ../shared/data/curtois)")
    ap.add_argument("--time-limit", type=float, default=60.0, help="seconds per instance")
    ap.add_argument("--out", type=Path, help="write the solution CSV (one instance)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--no-table", action="store_true", help="do not update benchmarks/RESULTS.md")
    args = ap.parse_args(argv)

    if args.out:
        if len(args.instances) != 1:
            ap.error("--out needs exactly one INSTANCE")
        p = parse(args.instances[0])
        r = solve(p, args.time_limit, workers=args.workers, seed=args.seed, verbose=args.verbose)
        if r.objective is None:
            print(f"{p.name}: no feasible roster found in {args.time_limit:g} s")
            return 1
        write_csv(p, r.roster, args.out)
        val, feas, line = score(args.instances[0], args.out)
        print(f"{p.name}: objective={r.objective} ({'optimal' if r.optimal else 'best found'}, "
              f"bound {r.bound:.0f}, {r.seconds:.1f} s, {r.lns_rounds} LNS rounds); scorer: {line}")
        if val is not None and (val != r.objective or not feas):
            print("ERROR: the scorer disagrees with the model", file=sys.stderr)
            return 1
        return 0

    paths = args.instances or sorted(DATA.glob("Instance*.txt"), key=_instance_key)
    known = best_known()
    rows = []
    for path in paths:
        p = parse(path)
        load0 = os.getloadavg()[0]
        r = solve(p, args.time_limit, workers=args.workers, seed=args.seed, verbose=args.verbose)
        load1 = os.getloadavg()[0]
        if r.objective is None:
            rows.append((p.name, known.get(p.name), None, None, "no solution", r.seconds, load0, load1))
            print(f"{p.name}: no solution", flush=True)
            continue
        with tempfile.TemporaryDirectory() as tmp:
            sol = Path(tmp) / "sol.csv"
            write_csv(p, r.roster, sol)
            val, feas, line = score(path, sol)
        check = "scorer: n/a" if val is None else ("ok" if (val == r.objective and feas) else f"MISMATCH {line}")
        bk = known.get(p.name)
        gap = 100.0 * (r.objective - bk) / bk if bk else None
        rows.append((p.name, bk, r.objective, gap, check, r.seconds, load0, load1, r.optimal, r.bound))
        print(f"{p.name}: best known {bk}, ours {r.objective}"
              + (f" (gap {gap:.2f}%)" if gap is not None else "")
              + f", bound {r.bound:.0f}, {r.seconds:.1f} s, {r.lns_rounds} LNS rounds, {check}, "
                f"load {load0:.1f}->{load1:.1f}", flush=True)
    if not args.no_table:
        write_table(rows, args)
    return 0


def write_table(rows, args) -> None:
    from benchmarks.results import update_section

    lines = [
        "## Curtois & Qu shift scheduling (`benchmarks/curtois.py`)",
        "",
        f"Time limit {args.time_limit:g} s per instance, CP-SAT (OR-Tools) with {args.workers} workers, seed "
        f"{args.seed}; first a solve of the whole model, then LNS over employee groups and day windows. Every "
        "objective was re-scored by the independent `../shared/tools/curtois_eval.py` (column *scorer*).",
        "",
        "| instance | best known | ours | gap | scorer | time | load (1 min, start→end) |",
        "|---|---:|---:|---:|---|---:|---|",
    ]
    for r in rows:
        name, bk, ours, gap = r[:4]
        lines.append(f"| {name} | {bk if bk is not None else 'n/a'} | {ours if ours is not None else '-'}"
                     f"{' (opt)' if len(r) > 8 and r[8] else ''} | "
                     f"{f'{gap:.2f}%' if gap is not None else 'n/a'} | {r[4]} | {r[5]:.0f} s | "
                     f"{r[6]:.1f}→{r[7]:.1f} |")
    update_section("curtois", "\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
