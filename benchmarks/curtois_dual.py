"""A Lagrangian lower bound for Curtois & Qu instances: the cover dualised, each employee's row solved by CP-SAT.

Every hard rule of the benchmark is about one employee's own row; only the cover links the rows. With a price
`lam[d, t]` on each (day, shift) slot, the objective splits:

    L(lam) = on-request weights
             + sum over employees of  min over the employee's feasible rows of  sum (-gain - lam) x
             + sum over slots of      min over counts c of  cover_penalty(c) + lam * c

and L(lam) is below the optimum for any prices (the row minima need not agree with the counts). Its best value is
the bound of the Dantzig-Wolfe master (a column per feasible row), the bound branch-and-price methods, the best
known on these instances, start from; it is usually much tighter than the LP of the compact model, which lets a
row take fractions of shifts its rules forbid whole. The prices come from column generation (`lagrangian_bound`).
A row not proved optimal in its time contributes its proved bound, so the figure stays a valid bound.

    python benchmarks/curtois_dual.py INSTANCE.txt [...] --seconds 600 [--roster CSV]   # records lagrangian_bound
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from itertools import repeat
from pathlib import Path

import numpy as np
from ortools.sat.python import cp_model
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.curtois_adapter import Cells  # noqa: E402
from benchmarks.curtois_bound import BOUNDS, text_hash  # noqa: E402
from benchmarks.curtois_model import build  # noqa: E402
from benchmarks.curtois_reader import CurtoisProblem, cover_penalty, objective, parse  # noqa: E402
from wfm.roster import lns  # noqa: E402

SCALE = 100  # prices are multiples of 1/SCALE, so that every row objective has integer coefficients
ROW_SECONDS = 20.0  # a row not proved optimal by then contributes its proved bound


class Rows:
    """Each employee's row model (the benchmark's own rules, the others' rows fixed off), built once."""

    def __init__(self, p: CurtoisProblem):
        self.p = p
        E, D = len(p.staff), p.days
        self.models: list[tuple[cp_model.CpModel, dict]] = []
        for e in range(E):
            built = build(p, {(f, d): None for f in range(E) if f != e for d in range(D)})
            self.models.append((built.model, built.x))
        cells = Cells(p)
        self.gains = [cells.request_gains(e) for e in range(E)]
        self.last: dict[int, dict] = {}  # employee -> the last row found

    def solve(self, e: int, lam: dict[tuple[int, str], int], seed: int) -> tuple[float, list[dict]]:
        """(proved lower bound of the row's priced cost in units of 1/SCALE, the rows found, (day, shift) -> 1,
        the best last; none when none was found in time: the bound still holds, the round just adds no column
        for it). The employee's last row is the hint, so a row is found at once and the time goes to the proof."""
        model, x = self.models[e]
        gains = self.gains[e]
        model.Minimize(sum((-SCALE * gains.get((d, t), 0) - lam.get((d, t), 0)) * v for (_e, d, t), v in x.items()))
        model.ClearHints()
        for (_e, d, t), v in x.items():
            model.AddHint(v, (d, t) in self.last.get(e, {}))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = ROW_SECONDS
        solver.parameters.random_seed = seed
        # the LP with the rules' cuts proves a priced row at once: a Synth19 row 0.1-0.6 s, against 17 s to
        # unproved at 20 s without it
        solver.parameters.linearization_level = 2
        found = _Rows(x)
        status = solver.Solve(model, found)
        if status == cp_model.INFEASIBLE:
            raise RuntimeError(f"employee {self.p.staff[e].id}: no row satisfies the rules")
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return solver.BestObjectiveBound(), []
        row = {(d, t): 1 for (_e, d, t), v in x.items() if solver.Value(v)}
        self.last[e] = row
        bound = solver.ObjectiveValue() if status == cp_model.OPTIMAL else solver.BestObjectiveBound()
        return bound, found.rows[:-1] + [row]


class _Rows(cp_model.CpSolverSolutionCallback):
    """Every row the solver finds on the way to the best: each is a column too (more columns a round, fewer
    rounds)."""

    def __init__(self, x: dict):
        super().__init__()
        self.x, self.rows = x, []

    def on_solution_callback(self) -> None:
        self.rows.append({(d, t): 1 for (_e, d, t), v in self.x.items() if self.Value(v)})


def slot_minimum(p: CurtoisProblem, slot: tuple[int, str], price: float, most: int) -> tuple[float, int]:
    """min over counts 0..most of cover_penalty + price * count, and the count: the function is convex and
    piecewise linear, so a breakpoint (0, the requirement, `most`) holds the minimum."""
    r, wu, wo = p.cover[slot]
    return min((cover_penalty(c, r, wu, wo) + price * c, c) for c in {0, min(r, most), most})


def lagrangian_bound(p: CurtoisProblem, seconds: float, upper: float | None = None, *, workers: int = 2,
                     seed: int = 1, box: float = 0.005, start: dict[tuple[int, int], str] | None = None,
                     log=print) -> dict:
    """The best L(lam) found in `seconds` by column generation: the prices are the duals of the master LP (a column per
    row found so far, under- and over-cover as slacks), held in a box around the best prices so far (BoxStep: the
    box starts at `box` times each slot's under + over weight around zero, moves to every price that raises the
    bound and doubles when it held such a price back), and every priced row becomes a column. Stops early when the
    bound reaches `upper` or no row prices out with the box holding nothing back (the Dantzig-Wolfe optimum). The
    master starts from the rows of `start` (a roster), else of the engine's first roster: without them its first
    duals are those of the artificial columns, and the prices wander for dozens of rounds (Synth13: L still -36,000
    after 10 rounds)."""
    t0 = time.perf_counter()
    rows = Rows(p)
    E = len(p.staff)
    log(f"{p.name}: {E} row models built in {time.perf_counter() - t0:.1f} s")
    slots = sorted(p.cover)
    at = {s: i for i, s in enumerate(slots)}
    eligible = {s: sum(p.can_work(e, s[0], s[1]) for e in range(E)) for s in slots}
    on_weights = objective(p, {}) - sum(cover_penalty(0, *p.cover[s]) for s in slots)
    columns: list[tuple[int, float, list[int]]] = []  # (employee, request cost, slot indices worked)
    seen: set[tuple[int, tuple[int, ...]]] = set()
    if start is None:
        start = lns.construct(Cells(p), min(30.0, 0.1 * seconds), workers=workers, seed=seed)
    def add(e: int, row: dict) -> bool:
        """Employee e's row as a column of the master, unless it is one already."""
        key = (e, tuple(sorted(at[s] for s in row if s in at)))
        if key in seen:
            return False
        seen.add(key)
        columns.append((e, -sum(rows.gains[e].get(s, 0) for s in row), list(key[1])))
        return True

    for (e, d), t in start.items():
        rows.last.setdefault(e, {})[d, t] = 1
    for e in range(E):
        add(e, rows.last.setdefault(e, {}))
    log(f"  start: {objective(p, start):,} ({time.perf_counter() - t0:.1f} s)")
    wu = np.array([p.cover[s][1] for s in slots], float)
    wo = np.array([p.cover[s][2] for s in slots], float)
    center, delta = np.zeros(len(slots)), box * (wu + wo)
    best, best_it, it = float("-inf"), 0, 0
    with ThreadPoolExecutor(max_workers=workers) as pool:
        while time.perf_counter() - t0 < seconds:
            it += 1
            lo, hi = np.maximum(-wo, center - delta), np.minimum(wu, center + delta)
            duals = _master_duals(p, slots, columns, E, lo, hi)
            lam = {s: round(SCALE * duals[i]) for i, s in enumerate(slots)}
            solved = list(pool.map(rows.solve, range(E), repeat(lam), repeat(seed)))
            value = on_weights + sum(b for b, _ in solved) / SCALE
            for s in slots:
                value += slot_minimum(p, s, lam[s] / SCALE, eligible[s])[0]
            on_box = ((duals <= lo + 1e-7) & (lo > -wo)) | ((duals >= hi - 1e-7) & (hi < wu))
            if value > best + 1e-9:
                best, best_it, center = value, it, duals  # a serious step: the box moves to these prices
                if on_box.any():
                    delta = 2 * delta  # and widens where it held a price back
            added = 0  # employees whose best row is a new column
            for e, (_b, found) in enumerate(solved):
                for k, row in enumerate(found):
                    if add(e, row):
                        added += k == len(found) - 1
            if it % 5 == 0 or added == 0:
                log(f"  it {it}: L {value:,.1f} best {best:,.1f} columns {len(columns)} (+{added}) "
                    f"({time.perf_counter() - t0:.0f} s)")
            if upper is not None and best >= upper - 1e-6:
                break
            if added == 0 and all(found for _b, found in solved):
                if not on_box.any():
                    break  # no column prices out and the box holds no price back: the Dantzig-Wolfe optimum
                center, delta = duals, 2 * delta  # the box held the prices back: move it and widen it
    return {"lagrangian_bound": round(best, 2), "lagrangian_s": round(time.perf_counter() - t0, 1),
            "lagrangian_iterations": it, "lagrangian_best_iteration": best_it, "lagrangian_columns": len(columns)}


def _master_duals(p: CurtoisProblem, slots, columns, E: int, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The cover constraints' duals of the master LP over `columns`, held in the box [lo, hi] (BoxStep: the
    under-cover slack priced at hi, the over-cover slack at -lo): one row mix per employee (an artificial
    all-expensive column keeps it feasible)."""
    n, m = len(columns), len(slots)
    big = 1e6
    r = np.array([p.cover[s][0] for s in slots], float)
    cols, rws, vals = [], [], []
    for j, (e, _cost, worked) in enumerate(columns):
        rws.append(e)
        cols.append(j)
        vals.append(1.0)
        for i in worked:
            rws.append(E + i)
            cols.append(j)
            vals.append(1.0)
    # artificial columns (one per employee), then under and over slacks
    for e in range(E):
        rws.append(e)
        cols.append(n + e)
        vals.append(1.0)
    for i in range(m):
        rws += [E + i, E + i]
        cols += [n + E + i, n + E + m + i]
        vals += [1.0, -1.0]
    a = csr_matrix((vals, (rws, cols)), shape=(E + m, n + E + 2 * m))
    c = np.concatenate([[cost for _e, cost, _w in columns], np.full(E, big), hi, -lo])
    b = np.concatenate([np.ones(E), r])
    res = linprog(c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
    if res.status != 0:
        raise RuntimeError(f"master LP: {res.message}")
    return np.clip(res.eqlin.marginals[E:], lo, hi)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("instances", nargs="+", type=Path)
    ap.add_argument("--seconds", type=float, default=600.0, help="per instance")
    ap.add_argument("--upper", type=float, help="a known roster's value: stop when the bound reaches it")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--roster", type=Path, help="a roster CSV (employee, day, shift; one instance) to start from")
    ap.add_argument("--cache", type=Path, default=BOUNDS, help=f"the JSON to record bounds in (default {BOUNDS})")
    ap.add_argument("--no-record", action="store_true")
    args = ap.parse_args(argv)
    known = json.loads(args.cache.read_text()) if args.cache.exists() else {}
    for path in args.instances:
        p = parse(path)
        start = None
        if args.roster:
            with open(args.roster, encoding="utf-8") as f:
                start = {(p.staff_index[r["employee"]], int(r["day"])): r["shift"] for r in csv.DictReader(f)}
        row = {"sha256": text_hash(path),
               **lagrangian_bound(p, args.seconds, args.upper, workers=args.workers, start=start)}
        print(json.dumps({"instance": p.name, **row}), flush=True)
        old = known.get(p.name, {})
        if not args.no_record and old.get("sha256") == row["sha256"]:
            known[p.name] = {**old, **row}
            args.cache.write_text(json.dumps(known, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
