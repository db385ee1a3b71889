"""Benchmark: phase 1 by LNS (`wfm.roster.search`) against the path without it, on the same case and budget.

    python benchmarks/bench_roster_lns.py run --agents 600 --weeks 4 --time-limit 300 --mode lns --json A.json
    python benchmarks/bench_roster_lns.py run --agents 600 --weeks 4 --time-limit 300 --mode off --json B.json
    python benchmarks/bench_roster_lns.py table A.json B.json ...        # the table -> RESULTS.md

`--mode lns` is `build_roster` with the LNS path on (`wfm.roster.search.ENABLED`: LNS where `prefer_lns` says so);
`--mode off` is `build_roster` as shipped (the path off: for rosters too large for the whole-model search the
construction stands). `--mode force` uses LNS whatever the size. Cases are `bench_roster.py`'s (`--agents N`: the scale case, else the
sample hotline). Each run reports the model's objective in points (`HotlineCells.objective`: the same formulas
as the whole CP-SAT model), the checker's under-staffing and its gap to the lower bound, the solver status,
reproducibility, the wall time of `build_roster` and the process's peak RSS (run one case per process).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.bench_roster import START, load, peak_mb, sample_case, scale_case  # noqa: E402


def run(agents: int | None, weeks: int, limit: float, mode: str, workers: int | None) -> dict:
    from wfm.roster import build_roster, search
    from wfm.roster.cells import HotlineCells, as_cells
    from wfm.roster.problem import build_instance

    days = 7 * weeks
    people, cfg, req = sample_case(days) if agents is None else scale_case(agents, days)[:3]
    search.ENABLED = mode != "off"
    if mode == "force":
        search.prefer_lns = lambda *a: True
    load0, t0 = load(), time.perf_counter()
    r = build_roster(req, people, cfg, START, days, time_limit_s=limit, workers=workers)
    wall = time.perf_counter() - t0
    load1 = load()
    inst = build_instance(req, r.agents, cfg, START, days)
    index = {a.agent_id: i for i, a in enumerate(inst.agents)}
    code = {o.code: k for k, o in enumerate(inst.options)}
    assignment = {(index[aid], (d - START).days): code[c] for (aid, d), c in r.assignment.items()}
    t = r.report.totals
    return {"case": "sample" if agents is None else f"scale {agents}", "weeks": weeks, "agents": len(people),
            "limit": limit, "mode": mode, "status": r.stats.phase1_status,
            "objective": HotlineCells(inst).objective(as_cells(assignment)) if inst.pooled else None,
            "under": round(t["under_pct"], 3), "gap": round(r.stats.under_gap_pct, 3),
            "violations": len(r.report.violations), "reproducible": r.stats.reproducible,
            "dtime": r.stats.deterministic_time, "phase1_s": r.stats.phase1_s, "wall": round(wall, 1),
            "load": [round(load0, 1), round(load1, 1)], "peak_mb": round(peak_mb()),
            "date": time.strftime("%Y-%m-%d %H:%M")}


def _points(v: int | None) -> str:
    return "-" if v is None else f"{v:,}"


def table(rows: list[dict]) -> str:
    head = ("| case | weeks | time limit s | phase 1 | status | objective (points) | under % | gap pts | violations "
            "| reproducible | phase 1 s | wall s | load | peak MB |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    lines = [f"| {r['case']} | {r['weeks']} | {r['limit']:g} | {r['mode']} | {r['status']} | "
             f"{_points(r['objective'])} | {r['under']:.3f} | {r['gap']:.3f} | "
             f"{r['violations']} | {'yes' if r['reproducible'] else 'no'} | {r['phase1_s']:.0f} | {r['wall']:.0f} | "
             f"{r['load'][0]} / {r['load'][1]} | {r['peak_mb']} |" for r in rows]
    return "\n".join([head, *lines])


def write_results(text: str) -> None:
    from benchmarks.results import update_section

    update_section("roster lns", "## Roster: LNS for large rosters (issue 18)\n\n" + text)


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--agents", type=int)
    r.add_argument("--weeks", type=int, default=4)
    r.add_argument("--time-limit", type=float, default=300.0)
    r.add_argument("--mode", choices=("lns", "off", "force"), default="lns")
    r.add_argument("--workers", type=int)
    r.add_argument("--json", type=Path)
    t = sub.add_parser("table")
    t.add_argument("files", nargs="+", type=Path)
    t.add_argument("--note", default="")
    t.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    if args.cmd == "run":
        row = run(args.agents, args.weeks, args.time_limit, args.mode, args.workers)
        print(json.dumps(row))
        if args.json:
            args.json.write_text(json.dumps(row))
        return
    text = table([json.loads(f.read_text()) for f in args.files]) + ("\n\n" + args.note if args.note else "")
    print(text)
    if not args.no_write:
        write_results(text)


if __name__ == "__main__":
    main()
