"""Lower bounds for Curtois & Qu instances that have no best known value (the synthetic ones of
`curtois_synth.py`): the LP relaxation of the benchmark's CP-SAT model, and optionally the dual bound of HiGHS's
branch and bound on the same model as a MIP; with `--weekend-only`, only the counting bound of `weekend_bound`
(milliseconds, where the LP of a year-long instance of 100 staff takes hours).

    python benchmarks/curtois_bound.py INSTANCE.txt [...] [--mip SECONDS | --weekend-only]

The whole model built by `benchmarks/curtois.py` is read back from its CP-SAT proto (every constraint of it is
linear) and handed to HiGHS through scipy, so the bound is of exactly the model the search solves. Both bounds are
valid lower bounds on the benchmark objective; the gap of a found roster against them over-states its distance to
the optimum by however loose the bound is.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_matrix, vstack

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import curtois  # noqa: E402

# recorded bounds, committed (computing them takes minutes): instance name -> bounds and the instance text's
# sha256, so a bound of an instance the generator no longer makes is not used
BOUNDS = curtois.REPO / "benchmarks" / "curtois_bounds.json"


def text_hash(path: Path) -> str:
    """The first 16 hex digits of the sha256 of an instance file (as in the data README)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


def linear_program(proto) -> tuple:
    """(c, offset, A, lo, hi, var_lo, var_hi) of a CP-SAT model whose constraints are all linear, without
    enforcement literals; a negative reference r stands for 1 - x[-r-1]."""
    n = len(proto.variables)
    domains = [list(v.domain) for v in proto.variables]  # (the proto's repeated fields do not index from the end)
    var_lo = np.array([d[0] for d in domains], dtype=float)
    var_hi = np.array([d[-1] for d in domains], dtype=float)
    rows, cols, vals, lo, hi = [], [], [], [], []
    for ct in proto.constraints:
        if not ct.has_linear() or len(ct.enforcement_literal):
            raise ValueError(f"constraint {ct} is not a plain linear constraint")
        shift = 0.0
        r = len(lo)
        for ref, coef in zip(ct.linear.vars, ct.linear.coeffs):
            if ref < 0:
                shift += coef
                ref, coef = -ref - 1, -coef
            rows.append(r)
            cols.append(ref)
            vals.append(coef)
        dom = list(ct.linear.domain)
        lo.append(dom[0] - shift)
        hi.append(dom[-1] - shift)
    c = np.zeros(n)
    offset = proto.objective.offset
    for ref, coef in zip(proto.objective.vars, proto.objective.coeffs):
        if ref < 0:
            offset += coef
            ref, coef = -ref - 1, -coef
        c[ref] += coef
    a = csr_matrix((vals, (rows, cols)), shape=(len(lo), n))
    lo, hi = np.array(lo, float), np.array(hi, float)
    lo[lo < -2.0**62] = -np.inf  # CP-SAT writes an open side as +-(2^63 - 1)
    hi[hi > 2.0**62] = np.inf
    return c, offset, a, lo, hi, var_lo, var_hi


def weekend_bound(p: curtois.CurtoisProblem) -> float:
    """A counting bound: each employee works at most its allowance of weekends (a weekend, days 7k+5 and 7k+6,
    counts if either day is worked), never on a day off and at most one shift a day, so the staff can fill at most
    sum over employees of (2 x the weekends with both days free, up to the allowance, + 1 x those with one day
    free, for the rest) weekend person-days; every weekend person-day demanded beyond that is under-covered, at
    the lowest under-cover weight of a weekend slot at least. Requests and over-cover add nothing (both >= 0).
    On synthetics of Instance19-22's sizes it is within 3-10% of the LP, whose excess over it is mostly requests."""
    capacity = 0
    for st in p.staff:
        off = p.days_off.get(st.id, set())
        sizes = [sum(1 for d in (7 * w + 5, 7 * w + 6) if d < p.days and d not in off) for w in range(p.days // 7 + 1)]
        whole, half = sizes.count(2), sizes.count(1)
        capacity += 2 * min(st.max_weekends, whole) + min(max(0, st.max_weekends - whole), half)
    weekend = [(need, under) for (d, _), (need, under, _) in p.cover.items() if d % 7 >= 5 and d < p.days]
    if not weekend:
        return 0.0
    return float(max(0, sum(n for n, _ in weekend) - capacity) * min(u for _, u in weekend))


def bounds(path: Path, mip_seconds: float = 0.0, lp_method: str = "highs") -> dict:
    """The LP bound (and with mip_seconds the MIP dual bound and best MIP value) of one instance."""
    p = curtois.parse(path)
    t0 = time.perf_counter()
    built = curtois.build(p)
    c, offset, a, lo, hi, vlo, vhi = linear_program(built.model.Proto())
    out = {"instance": p.name, "sha256": text_hash(path), "variables": len(c), "constraints": a.shape[0],
           "build_s": round(time.perf_counter() - t0, 1)}
    t1 = time.perf_counter()
    lp = linprog(c, bounds=np.column_stack([vlo, vhi]), method=lp_method, **_as_ub(a, lo, hi))
    out["lp_bound"] = round(lp.fun + offset, 2) if lp.status == 0 else None
    out["lp_s"] = round(time.perf_counter() - t1, 1)
    if mip_seconds > 0:
        t2 = time.perf_counter()
        res = milp(c, constraints=LinearConstraint(a, lo, hi), bounds=Bounds(vlo, vhi),
                   integrality=np.ones_like(c), options={"time_limit": mip_seconds, "disp": False})
        dual = getattr(res, "mip_dual_bound", None)
        out["mip_bound"] = round(dual + offset, 2) if dual is not None and np.isfinite(dual) else None
        out["mip_value"] = round(res.fun + offset) if res.x is not None else None
        out["mip_s"] = round(time.perf_counter() - t2, 1)
    return out


def _as_ub(a, lo, hi) -> dict:
    """lo <= A x <= hi as linprog's A_ub x <= b_ub (rows with both sides twice) and A_eq x = b_eq."""
    eq = lo == hi
    ub_rows = np.isfinite(hi) & ~eq
    lb_rows = np.isfinite(lo) & ~eq
    a_ub = vstack([a[ub_rows], -a[lb_rows]]).tocsr()
    b_ub = np.concatenate([hi[ub_rows], -lo[lb_rows]])
    return {"A_ub": a_ub, "b_ub": b_ub, "A_eq": a[eq], "b_eq": lo[eq]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("instances", nargs="+", type=Path)
    ap.add_argument("--mip", type=float, default=0.0, help="also run HiGHS's MIP for this many seconds")
    ap.add_argument("--lp-method", default="highs", choices=["highs", "highs-ds", "highs-ipm"])
    ap.add_argument("--weekend-only", action="store_true", help="only the counting bound (`weekend_bound`)")
    ap.add_argument("--cache", type=Path, default=BOUNDS, help=f"the JSON to record bounds in (default {BOUNDS})")
    args = ap.parse_args(argv)
    cache = args.cache
    known = json.loads(cache.read_text()) if cache.exists() else {}
    for path in args.instances:
        p = curtois.parse(path)
        if args.weekend_only:
            row = {"instance": p.name, "sha256": text_hash(path)}
        else:
            row = bounds(path, args.mip, args.lp_method)
        row["weekend_bound"] = weekend_bound(p)
        print(json.dumps(row), flush=True)
        old = known.get(row["instance"], {})
        known[row["instance"]] = {**(old if old.get("sha256") == row["sha256"] else {}), **row}
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(known, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
