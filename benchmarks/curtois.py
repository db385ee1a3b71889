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

Layout: `curtois_reader.py` (the instance format, the objective), `curtois_model.py` (the CP-SAT model from the
rule pieces), `curtois_adapter.py` (the engine's view, `Cells`, and `solve`), `curtois_table.py` (the RESULTS.md
section); this file is the command line, the scorer call and the record of runs, and re-exports the names above.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import curtois_adapter as adapter  # noqa: E402,F401  (its thresholds, for tests)
from benchmarks.curtois_adapter import (  # noqa: E402,F401  (the benchmark's API, one import away)
    CONSTRUCT_SHARE, Cells, Infeasible, Result, construct, solve,
)
from benchmarks.curtois_model import Built, build  # noqa: E402,F401
from benchmarks.curtois_reader import (  # noqa: E402,F401
    DATA, REPO, CurtoisProblem, Staff, best_known, cover_penalty, objective, parse, write_csv,
)
from wfm.roster import lns  # noqa: E402

SCORER = REPO.parent / "shared" / "tools" / "curtois_eval.py"
RUNS = REPO / "benchmarks" / "_work" / "curtois_runs.json"  # every recorded run (git-ignored)


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
        if not runs:  # the run records are git-ignored: a fresh checkout would empty the tables
            print(f"no recorded runs in {RUNS}: the Curtois section of RESULTS.md is left as it is", file=sys.stderr)
            return 2
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
